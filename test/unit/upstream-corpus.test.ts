// The held-out corpus of issue 26: requirement lines and files from pip's, pip-tools', uv's and dependabot's test suites
// (test/data/upstream/cases.json, extracted by extract-upstream.py from the commits in SOURCES.json), against pip
// 24.2's verdict on each (verdicts.json, recorded by test/data/derive-pip-verdicts.py). The goal is no difference:
// no error where pip reads the text, one wherever it does not, and each requirement read as pip reads it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { disagreements, lossless, type Deliberate, type Disagreement, type PipCase } from './pip-compare.ts';

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../data/upstream');
const verdicts: { pip: string; cases: PipCase[] } = JSON.parse(fs.readFileSync(path.join(DATA, 'verdicts.json'), 'utf8'));
const sources: { repo: string; commit: string }[] = JSON.parse(fs.readFileSync(path.join(DATA, 'SOURCES.json'), 'utf8'));

const found = new Map<string, Disagreement[]>();

/**
 * Kept on purpose, as in pip-agreement.test.ts: pip reads these files and fails only when it installs (a hash-checking
 * file with an unpinned or unhashed requirement, a path that is not there or no project, two pins that conflict);
 * a `${VAR}` that is unset here may be set where pip runs, so it is a warning. Each is counted below.
 */
const DELIBERATE: Deliberate = {
  installTime: new Set(['hash-mode', 'path-not-found', 'not-a-project', 'conflicting-specifiers']),
  warnedInstead: new Set(['unset-variable']),
};
/** Platform: pip on Linux reads no backslash as a path separator; pip on Windows reads this as a path. */
const PLATFORM: Record<string, string> = { 'C:\\absolute\\path': 'a Windows path' };
let deliberate = 0;

test('the corpus comes from the suites of pip, pip-tools, uv and dependabot, at named commits, with pip 24.2 verdicts of both kinds', () => {
  assert.equal(verdicts.pip, '24.2');
  assert.deepEqual(sources.map((s) => s.repo).sort(), ['astral-sh/uv', 'dependabot/dependabot-core', 'jazzband/pip-tools', 'pypa/pip']);
  for (const s of sources) assert.match(s.commit, /^[0-9a-f]{40}$/);
  assert.ok(verdicts.cases.length >= 800, `only ${verdicts.cases.length} cases`);
  assert.ok(verdicts.cases.filter((c) => !c.valid).length >= 100);
  // The verdicts are those of the cases as extracted (derive-pip-verdicts.py was run again after extract-upstream.py).
  const cases: { id: string; text: string }[] = JSON.parse(fs.readFileSync(path.join(DATA, 'cases.json'), 'utf8'));
  assert.deepEqual(
    verdicts.cases.map((c) => [c.id, c.text]),
    cases.map((c) => [c.id, c.text]),
  );
});

for (const c of verdicts.cases) {
  test(`${c.id}: ${JSON.stringify(c.text).slice(0, 60)} ${c.note ?? ''}`, () => {
    assert.ok(lossless(c));
    const d = PLATFORM[c.text] ? [] : disagreements(c, DELIBERATE);
    found.set(c.id, d);
    if (d.length === 0 && (PLATFORM[c.text] || disagreements(c).length > 0)) deliberate++;
    assert.deepEqual(d, [], `pip: ${c.valid ? 'valid' : c.error}`);
  });
}

test('summary: false errors, missed errors and field mismatches on the whole corpus', () => {
  const all = [...found.values()].flat();
  const count = (k: Disagreement['kind']) => all.filter((d) => d.kind === k).length;
  const lines = verdicts.cases.reduce((n, c) => n + c.text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#')).length, 0);
  console.log(
    `upstream corpus: ${verdicts.cases.length} cases, ${lines} lines: ${count('false-error')} false errors, ${count('missed-error')} missed errors, ${count('mismatch')} mismatches; ${deliberate} deliberate differences`,
  );
  assert.equal(found.size, verdicts.cases.length);
  assert.deepEqual([count('false-error'), count('missed-error'), count('mismatch')], [0, 0, 0]);
});
