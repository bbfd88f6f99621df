// The server's heap policy, in a real V8: through one synchronous burst of survivors the young generation
// keeps the size it had when the policy was set; under V8's default policy the same burst grows it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const child = fileURLToPath(new URL('../fixtures/heap/young-generation.ts', import.meta.url));
const run = (mode: 'kept' | 'default') => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, mode], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { before: number; after: number };
};

test('the young generation keeps its start-up size through a burst of survivors; V8 alone grows it', () => {
  const kept = run('kept');
  const grown = run('default');
  assert.ok(
    grown.after > grown.before,
    `the burst must grow the young generation without the policy (${grown.before / 1048576} → ${grown.after / 1048576} MiB)`,
  );
  assert.ok(kept.after <= kept.before, `kept: ${kept.before / 1048576} → ${kept.after / 1048576} MiB`);
});
