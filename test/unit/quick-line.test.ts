// The first pass's shortcut (syntax/quickLine.ts) must agree with the full parser on every line it takes:
// same kind, same project, the same diagnostics (a line it takes has none of its own).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '../../server/src/syntax/index.ts';
import { quickClauses, quickLine } from '../../server/src/syntax/quickLine.ts';
import { heldOutLines, realisticLines } from '../../bench/corpus.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

function agrees(line: string): boolean {
  const quick = quickLine(line);
  if (!quick) return false;
  const full = parse(line, { shortcuts: false });
  const first = full.lines[0];
  assert.equal(full.lines.length, 1, JSON.stringify(line));
  assert.equal(first.kind, quick.kind, `kind of ${JSON.stringify(line)}`);
  assert.equal(first.project, quick.project, `project of ${JSON.stringify(line)}`);
  // Line problems come from the first pass, which the shortcut skips: a line with any must not take it.
  // (Document-wide checks, such as a `coding:` declaration, run either way.)
  const shortcut = parse(line);
  assert.deepEqual(
    JSON.parse(JSON.stringify(shortcut.diagnostics)),
    JSON.parse(JSON.stringify(full.diagnostics)),
    `${JSON.stringify(line)}: the shortcut lost a diagnostic`,
  );
  assert.deepEqual(
    full.lines[0].diagnostics.filter((d) => d.code !== 'unknown-encoding').map((d) => d.code),
    [],
  );
  // And the document parsed with the shortcut reads the same when its nodes are built.
  const fast = shortcut.lines[0];
  assert.equal(fast.requirement?.name?.normalized, first.requirement?.name?.normalized);
  assert.equal(fast.requirement?.specifier?.text, first.requirement?.specifier?.text);
  // The clauses read off the text are the parser's.
  const clauses = (first.requirement?.specifier?.clauses ?? []).map((c) => [c.operator.text, c.version?.text]);
  // (only for plain release numbers: a bare name, `===`, a wildcard or a pre-release is read through the nodes)
  const read = quickClauses(line);
  if (quick.kind === 'requirement' && read)
    assert.deepEqual(
      read.map((c) => [c.operator.text, c.version.text]),
      clauses,
      `clauses of ${JSON.stringify(line)}`,
    );
  else if (quick.kind !== 'requirement') assert.equal(read, undefined);
  if (quick.kind === 'requirement' && /^[ \t]*[A-Za-z0-9._-]+[ \t]*(==|!=|<=|>=|<|>|~=)[ \t]*\d+(\.\d+)*[ \t]*(#.*)?$/.test(line))
    assert.ok(read, `clauses of ${JSON.stringify(line)}`);
  return true;
}

test('the realistic corpus: most lines take the shortcut, and agree', () => {
  let taken = 0;
  for (const line of realisticLines(5000)) if (agrees(line)) taken++;
  assert.ok(taken > 3000, `${taken} lines took the shortcut`);
});

test('the held-out text (test/data/real and the upstream suites): most lines take the shortcut, and agree', () => {
  let taken = 0;
  const lines = heldOutLines(5000);
  // A continued line is joined before the shortcut sees it; only whole lines are asked here.
  for (let i = 0; i < lines.length; i++) if (!/\\$/.test(lines[i]) && !/\\$/.test(lines[i - 1] ?? '') && agrees(lines[i])) taken++;
  assert.ok(taken > 4000, `${taken} lines took the shortcut`);
});

test("pip's own cases, and lines at the shortcut's edges", () => {
  const cases: { text: string }[] = JSON.parse(fs.readFileSync(path.join(here, '../data/pip-cases.json'), 'utf8'));
  // Split where pip splits (str.splitlines): the parser never hands the shortcut text with a line break in it.
  for (const c of cases) for (const line of c.text.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/)) agrees(line);
  const edges = [
    'a==1',
    'a == 1',
    'a==1 ',
    '\ta>=1.0,<2',
    'a>=1.0 , <2',
    'a~=1.0',
    'a~=1',
    'a==1.0.*',
    'a===1',
    'a=1',
    'a==1.0 # c',
    'a==1.0# c',
    'a==1.0  #',
    'a_==1',
    '_a==1',
    'a-==1',
    'a..b==1',
    'A.B_C-D==01.002',
    'a==1,',
    'a==1,,<2',
    'a<>1',
    'a==v1',
    'a==1.0rc1',
    'a==1+local',
    'a>=1 ; python_version>"3"',
    'a[x]==1',
    'a @ https://x',
    '-r a==1',
    'a==1 --hash=sha256:x',
    '#',
    '   # via x',
    '',
    '   ',
    'a==1\\',
    'a==9999999999999999999999',
    'a==1.0 \u00a0',
    '\ufeffa==1',
    'a ==1',
    'a>= 1',
    'a!=1.0',
    'a<=0',
    'a>0',
    'a<1.0.0.0.0',
    'a==1 ${X}',
    'a==1 #${X}',
    // Bare names, arbitrary equality, pre/post/dev releases and wildcards (issue 26: half of a held-out text's lines).
    'requests',
    ' requests ',
    'requests # c',
    'requirements.txt',
    'foo.whl',
    'foo.tar.gz',
    'foo.zip',
    'a.b',
    'a_',
    'A',
    'a===1.0',
    'a===1.0.post1',
    'a===1.*',
    'a===abc',
    'a==1.0.*',
    'a!=1.*',
    'a>=1.0.*',
    'a~=1.*',
    'a==2.0b1',
    'a==1.0rc1',
    'a~=2.0b0',
    'a~=0.0.1.dev',
    'a>=1.0.post1',
    'a<1.0.dev0',
    'a==1.0a1.post2.dev3',
    'a==1.0b',
    'a==1.0.b1',
    'a==1.0c1',
    'a==1.0-post1',
    'a==1.0b1.*',
    'a==1.0+local',
    'a==1.0 ; python_version>"3"',
  ];
  let taken = 0;
  for (const line of edges) if (agrees(line)) taken++;
  assert.ok(taken >= 40, `${taken} edge lines took the shortcut`);
});

test('random lines of the grammar pieces that the shortcut takes agree', () => {
  const pieces = [
    'a',
    'Django',
    'zope.interface',
    'x_y',
    '-',
    '.',
    '_',
    '==',
    '>=',
    '<',
    '~=',
    '!=',
    '===',
    '=',
    '1',
    '.0',
    '2',
    '.*',
    ',',
    ' ',
    '\t',
    '#',
    ' # c',
    'rc1',
    '+l',
    '[',
    ']',
    ';',
    '${V}',
    '\u00a0',
    '0',
  ];
  let seed = 99;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  let taken = 0;
  for (let i = 0; i < 20000; i++) {
    let line = '';
    for (let n = 1 + Math.floor(random() * 8); n > 0; n--) line += pieces[Math.floor(random() * pieces.length)];
    if (agrees(line)) taken++;
  }
  assert.ok(taken > 200, `${taken} random lines took the shortcut`);
});
