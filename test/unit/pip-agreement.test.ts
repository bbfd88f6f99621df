// Our verdict on each case of test/data/pip-verdicts.json against pip 24.2's own (derived by test/data/derive-pip-verdicts.py).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { disagreements, lossless, type PipCase } from './pip-compare.ts';

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../data/pip-verdicts.json');

/**
 * Where we deliberately differ from pip, by case id, with the reason. The kinds of difference are
 * described in the README ("Where we differ from pip, on purpose").
 */
const DELIBERATE: Record<string, string> = {
  'file-2': 'django>=5 and django<4: pip parses the file and its resolver fails later; we report conflicting-specifiers at once.',
  'cont-1': "hash-checking mode needs == pins: pip fails at install time ('must be pinned with =='); we say so on the line.",
  'opt-22': 'hash-checking mode needs == pins (as cont-1).',
  'opt-23': 'hash-checking mode needs == pins (as cont-1).',
  'opt-24': 'hash-checking mode needs == pins (as cont-1).',
  'opt-25': 'hash-checking mode needs == pins (as cont-1).',
  'opt-26': 'hash-checking mode needs == pins (as cont-1).',
  // Comparison artefacts: pip normalizes what we keep as written.
  'extras-13': 'pip keeps extras as a set ([b,b] is {b}); we keep each extra as written.',
  // ${VAR}: expanded from the case's environment as pip does; an unset one is only a warning (pip runs elsewhere).
  'env-3': 'as path-editable-dot, once ${PROJECT_DIR} is expanded to ".".',
  'env-6':
    'PKG_NAME is unset: pip reads ${PKG_NAME} as written and fails; we say so as a warning (unset-variable), since the environment pip runs in may set it.',
  'marker-backslash-n':
    'packaging prints a marker string decoded (a real line break here); we keep the marker text as written (its string node holds the decoded value).',
  'marker-escape-x': 'as marker-backslash-n, for \\x33.',
  'marker-escape-N-name': 'as marker-backslash-n, for \\N{DIGIT THREE}.',
  'marker-escape-double': 'as marker-backslash-n, for an escaped backslash.',
  'marker-34': "packaging normalizes extra names in markers ('Test_X' becomes 'test-x'); we keep the marker text as written.",
  'edit-4': 'pip rewrites -e git://… to git+git://…; our URL node keeps the text as written.',
  'e-svn-bare': 'as edit-4: pip rewrites -e svn:// to svn+svn://.',
  // Hash-checking mode needs == pins.
  'cont-17': 'hash-checking mode needs == pins (as cont-1).',
  'ws-9': 'hash-checking mode needs == pins (as cont-1).',
  'opt-67': 'hash-checking mode needs == pins (as cont-1).',
  'opt-69': 'hash-checking mode needs == pins (as cont-1).',
  // The disk: pip only warns about a missing file while parsing and fails when installing; we report it at once.
  'path-0': 'a wheel path that does not exist: pip warns, then fails to install; we report path-not-found.',
  'path-1': 'as path-0.',
  'path-2': 'as path-0, for an sdist.',
  'i26-windows-path':
    "pip on Linux reads no backslash as a path separator and rejects 'C:\\absolute\\path'; pip on Windows reads it as a path: we say nothing.",
  'path-editable-dot': "the case folder has neither setup.py nor pyproject.toml: pip parses '-e .' and fails when installing; we report not-a-project at once.",
};

const data: { pip: string; cases: PipCase[] } | undefined = fs.existsSync(DATA) ? JSON.parse(fs.readFileSync(DATA, 'utf8')) : undefined;

test('the verdict table is there and was made with pip 24.2', () => {
  assert.ok(data, `missing ${DATA}: run test/data/derive-pip-verdicts.py`);
  assert.equal(data!.pip, '24.2');
  assert.ok(data!.cases.length >= 747, `only ${data!.cases.length} cases`);
  // A deliberate difference names a case that is there.
  const ids = new Set(data!.cases.map((c) => c.id));
  assert.deepEqual(
    Object.keys(DELIBERATE).filter((id) => !ids.has(id)),
    [],
  );
});

for (const c of data?.cases ?? []) {
  test(`${c.id}: ${JSON.stringify(c.text).slice(0, 70)}`, () => {
    // Lossless on every case, whatever the verdict.
    assert.ok(lossless(c));
    if (DELIBERATE[c.id]) return;
    assert.deepEqual(disagreements(c), []);
  });
}
