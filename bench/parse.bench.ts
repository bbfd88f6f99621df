// Parser and server hot paths: parse time, the same text through pip-requirements-js, start-up, and edit → diagnostics.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parsePipRequirementsFile, parsePipRequirementsLine } from 'pip-requirements-js';
// The built library, as users and the bundled server run it.
import { clearParseCache, parse } from 'requirements-language-server/syntax';
import { TestClient, testEnv } from '../test/lsp/client.ts';
import { heldOutLines, realisticLines } from './corpus.ts';
import { measure, printMemory, report, summarize } from './stats.ts';

const lines = realisticLines(5000);
const text = lines.join('\n') + '\n';
process.stdout.write(`corpus: ${lines.length} lines, ${(text.length / 1024).toFixed(0)} KiB\n`);

// The floor: split into lines and one regex per line, the least any parser does.
const FLOOR = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*((?:===|[<>=!~]=?)\s*[^;#\s,]+(?:\s*,\s*(?:===|[<>=!~]=?)\s*[^;#\s,]+)*)?\s*(?:;([^#]*))?/;
const floorOf = (t: string) => () => {
  let n = 0;
  for (const l of t.split('\n')) if (FLOOR.exec(l)?.[1]) n++;
  return n;
};
// Parse and floor side by side in one run, on the generated text and on one nobody here wrote (test/data/real and
// the upstream suites: hashes with continuations, markers, URLs and `# via` lines as those projects write them).
const heldOut = heldOutLines(5000);
const heldOutText = heldOut.join('\n') + '\n';
const count = (re: RegExp) => (heldOutText.match(re) ?? []).length;
process.stdout.write(
  `held-out text: ${heldOut.length} lines, ${(heldOutText.length / 1024).toFixed(0)} KiB: ${count(/--hash/g)} hashes, ${count(/\\\n/g)} continuations, ` +
    `${count(/ ;|; /g)} markers, ${count(/:\/\//g)} URLs, ${count(/# via/g)} via comments\n`,
);
// Timed in turns, a parse then a floor pass, so that both see the same machine: on two shared cores the load drifts
// between one measurement and the next (the floor alone measured 0.37 and 0.77 ms a minute apart).
for (const [label, t] of [
  ['generated', text],
  ['held-out', heldOutText],
] as const) {
  const floor = floorOf(t);
  for (let i = 0; i < 30; i++) {
    parse(t);
    floor();
  }
  const ours: number[] = [];
  const floors: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t0 = performance.now();
    parse(t);
    const t1 = performance.now();
    floor();
    const t2 = performance.now();
    ours.push(t1 - t0);
    floors.push(t2 - t1);
    ratios.push((t1 - t0) / (t2 - t1));
  }
  const p = summarize(`parse 5,000 ${label} lines (one-off, as a library)`, ours);
  report(p, `throughput ${((5000 / p.p50) * 1000).toFixed(0)} lines/s, ${(t.length / 1048576 / (p.p50 / 1000)).toFixed(1)} MiB/s`);
  const f = summarize(`floor: split + one regex per line (same ${label} text)`, floors);
  report(f, `parse is ${(p.p50 / f.p50).toFixed(1)}× the floor (p50s; median of paired runs ${summarize('', ratios).p50.toFixed(1)}×; goal ≤ 10×)`);
}
let edited = 0;
clearParseCache();
const reparse = await measure('re-parse after a one-line edit (reuse: true, as the server)', 200, () => {
  const l = lines.slice();
  l[100 + (edited++ % 4000)] += 'x';
  return parse(l.join('\n'), { reuse: true });
});
report(reparse);
// Memory a parsed document keeps: ten kept alive at once, measured after full collections.
const gc = globalThis.gc ?? (() => undefined);
gc();
gc();
const before = process.memoryUsage().heapUsed;
clearParseCache();
const kept = Array.from({ length: 10 }, () => parse(text));
gc();
gc();
process.stdout.write(
  `a parsed document retains ~${((process.memoryUsage().heapUsed - before) / 10 / 1048576).toFixed(2)} MiB (${kept[0].lines.length} logical lines; nodes are built when first read)\n`,
);
printMemory('memory after parse');

// pip-requirements-js refuses --index-url, --hash and -e lines: compare on the logical lines it accepts.
clearParseCache();
const accepted = parse(text)
  .lines.map((l) => l.text)
  .filter((l) => {
    try {
      parsePipRequirementsLine(l);
      return true;
    } catch {
      return false;
    }
  });
const subset = accepted.join('\n') + '\n';
const ours = await measure(`ours on the ${accepted.length} lines pip-requirements-js accepts`, 100, () => parse(subset), 10);
const theirs = await measure('pip-requirements-js on the same lines', 5, () => parsePipRequirementsFile(subset), 1);
report(ours);
report(theirs, `ratio ${(theirs.p50 / ours.p50).toFixed(0)}× (p50)`);

// Start-up: spawn → initialize result, as an editor sees it. This machine sets NODE_EXTRA_CA_CERTS, which
// costs every Node process ~60 ms at start (reading the CA bundle) before our code runs; shown both ways.
const { NODE_EXTRA_CA_CERTS: _extraCerts, ...plainEnv } = testEnv();
for (const [label, env] of [
  ['server spawn → initialize result', testEnv()],
  ['  … without NODE_EXTRA_CA_CERTS', plainEnv],
] as const) {
  const starts: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    const { client } = await TestClient.start({ env });
    starts.push(performance.now() - t0);
    await client.stop();
  }
  report(summarize(label, starts));
}

// One-character edits in the 5,000-line file → republished diagnostics.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-bench-'));
// The corpus's -r/-c targets exist, as they would in a real project.
for (const l of lines) {
  const m = /^-[rc] (\S+)$/.exec(l);
  if (m) fs.writeFileSync(path.join(dir, m[1]), 'six\n');
}
const { client } = await TestClient.start();
const uri = client.open(path.join(dir, 'requirements.txt'), text);
await client.waitForDiagnostics(uri);
const editTimes: number[] = [];
// 200 timed edits: with 50 the p95 was one or two GC pauses of the bench process itself.
for (let i = 0; i < 220; i++) {
  const line = 10 + (i % 600) * 7;
  const insert = i % 2 === 0;
  const published = client.nextDiagnostics(uri);
  const t0 = performance.now();
  client.change(uri, [
    insert
      ? { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: 'x' }
      : { range: { start: { line: line - 7, character: 0 }, end: { line: line - 7, character: 1 } }, text: '' },
  ]);
  await published;
  if (i >= 20) editTimes.push(performance.now() - t0);
}
report(summarize('edit → publishDiagnostics (5,000 lines, LSP)', editTimes));
await client.stop();
fs.rmSync(dir, { recursive: true, force: true });
// The big-file figures (1 MiB in the server, `check` on 6 MiB) are in bigFiles.bench.ts.
