// `check` in process: the diagnostics it composes and the exit status `--fail-on` gives them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkFiles, exitCode } from '../../server/src/cli/check.ts';

test('--fail-on CODE fails on a problem of that code among those more-diagnostics counts (past the first 1,000)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-check-cap-'));
  try {
    const file = path.join(dir, 'requirements.txt');
    // 1,000 trailing commas (warnings), then an empty marker (a warning) that is not shown.
    fs.writeFileSync(file, Array.from({ length: 1000 }, (_, i) => `package-${i}>=1,\n`).join('') + 'flask;\n');
    const { results } = await checkFiles([file], { root: dir, env: {} });
    const [only] = results;
    assert.equal(only.diagnostics.length, 1001);
    const more = only.diagnostics.find((d) => d.code === 'more-diagnostics');
    assert.deepEqual([more?.message, more?.data], ['1 more problems in this file are not shown (only the first 1,000 are).', { codes: ['empty-marker'] }]);
    assert.equal(exitCode(results), 0, 'warnings only');
    assert.equal(exitCode(results, ['empty-marker']), 1, 'the counted one fails the gate');
    assert.equal(exitCode(results, ['duplicate-requirement']), 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
