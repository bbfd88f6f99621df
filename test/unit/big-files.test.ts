// Big files: memory stays bounded however much of a file the features read, old versions of a document are
// not kept alive by the parser's memo, and past the diagnostics cap problems are counted, not built.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { clearParseCache, parse } from '../../server/src/syntax/index.ts';
import { KEPT_DETAILS } from '../../server/src/syntax/parse.ts';
import { createLanguageService } from '../../server/src/service/index.ts';
import { workspaceOf } from '../../server/src/workspace/index.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1048576;
};

/** A document of `n` lines that the full parser reads (markers and extras: no shortcut takes them). */
const hardLines = (n: number, tag = '') =>
  Array.from({ length: n }, (_, i) => `package-number-${i}[extra]>=1.${i} ; python_version >= "3.8" # ${tag}`).join('\n') + '\n';

test('reading every node of a big file keeps only a bounded number of lines parsed', () => {
  const doc = parse(hardLines(20_000));
  const before = heapAfterGc();
  let names = 0;
  for (const line of doc.lines) if (line.requirement?.name) names++;
  assert.equal(names, 20_000);
  const grown = heapAfterGc() - before;
  // 20,000 lines' nodes kept would be ~30 MiB; KEPT_DETAILS of them, a few.
  assert.ok(grown < 8, `reading every node kept ${grown.toFixed(1)} MiB`);
  // A line whose details were given up reads the same when parsed again.
  const first = JSON.stringify(doc.lines[0].requirement);
  for (const line of doc.lines.slice(1, KEPT_DETAILS + 10)) void line.tokens;
  assert.equal(JSON.stringify(doc.lines[0].requirement), first);
});

test('the memo of clean lines does not keep old versions of a big document alive', () => {
  clearParseCache();
  const body = hardLines(2_000);
  const padding = '# ' + 'x'.repeat(1 << 20) + '\n'; // 1 MiB per version, in a comment
  const before = heapAfterGc();
  for (let v = 0; v < 30; v++) {
    // Each version has one new line the memo learns; a slice of the text as its key would keep the version.
    parse(`${padding}${body}new-line-of-version-${v}[x]>=1.0 ; python_version >= "3"\n`, { reuse: true });
  }
  const grown = heapAfterGc() - before;
  assert.ok(grown < 15, `30 versions of a 1 MiB document left ${grown.toFixed(1)} MiB behind`);
});

test('past the cap, duplicates and conflicts are counted into the last diagnostic, with the worst severity', () => {
  const service = createLanguageService({});
  const workspace = workspaceOf(() => undefined, {});
  // 1,500 projects named twice with clashing pins: 1,500 duplicate warnings and 3,000 conflict errors.
  const lines: string[] = [];
  for (let i = 0; i < 1500; i++) lines.push(`pkg${i}==1.0`);
  for (let i = 0; i < 1500; i++) lines.push(`pkg${i}==2.0`);
  const out = service.diagnostics(workspace.contextWith('/x/requirements.txt', parse(lines.join('\n'))));
  assert.equal(out.length, 1001);
  assert.equal(out.filter((d) => d.code === 'duplicate-requirement').length, 1000);
  const last = out[1000];
  assert.equal(last.code, 'more-diagnostics');
  assert.equal(last.severity, 1, 'the conflicts not shown are errors');
  assert.equal(last.message, '3,500 more problems in this file are not shown (only the first 1,000 are).');
  assert.ok(!out.some((d) => d.code === 'counted'), 'a counted placeholder was shown');
});
