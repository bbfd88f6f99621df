// The server's heap policy, in a real V8: the young generation stops growing at its cap (and, as the
// control shows, the same work grows it past the cap under V8's default policy).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { YOUNG_GENERATION_CAP } from '../../server/src/lsp/youngGeneration.ts';

const child = fileURLToPath(new URL('../fixtures/heap/young-generation.ts', import.meta.url));
const youngAfter = (mode: 'capped' | 'default') => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, mode], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { young: number }).young;
};

test('the young generation stays at its cap while objects keep surviving; V8 alone grows it past', () => {
  const capped = youngAfter('capped');
  const uncapped = youngAfter('default');
  assert.ok(uncapped > YOUNG_GENERATION_CAP, `the workload must grow the young generation past the cap without the policy (it reached ${uncapped / 1048576} MiB)`);
  assert.ok(capped <= YOUNG_GENERATION_CAP, `capped, the young generation reached ${capped / 1048576} MiB`);
});
