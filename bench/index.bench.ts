// The index hot paths at PyPI scale: 886k names served by the test index on 127.0.0.1 (JSON root page),
// fetched, stored and loaded; name search over 1,000 realistic prefixes; warm version completion.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { createPackageIndex } from '../test/fixtures/packageIndex.ts';
import { TestClient, testEnv } from '../test/lsp/client.ts';
import { startIndexServer, FIXTURE_PROJECTS } from '../test/fixtures/indexServer.ts';
import { SHARED_DATA, topProjects } from './corpus.ts';
import { measure, report, summarize } from './stats.ts';

const tmpEmpty = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rls-index-empty-'));
let names = zlib
  .gunzipSync(fs.readFileSync(path.join(SHARED_DATA, 'pypi-names.txt.gz')))
  .toString('utf8')
  .split('\n')
  .filter(Boolean);
process.stdout.write(`project list: ${names.length} names\n`);
const server = await startIndexServer(FIXTURE_PROJECTS, { projectList: names });
const nameCount = names.length;
names = []; // the server holds its own copy
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-index-bench-'));
const quiet = { info: () => undefined, warn: () => undefined };
const config = { indexUrl: `${server.url}/simple`, extraIndexUrls: [], noIndex: false, source: 'bench' };

let t0 = performance.now();
let cold = createPackageIndex({ cacheDir, logger: quiet, env: { NETRC: '/nonexistent' } });
cold.configure(config);
await cold.loadProjectList();
process.stdout.write(`cold fetch + store + index build of ${nameCount} names: ${(performance.now() - t0).toFixed(0)} ms\n`);
await cold.dispose();

const loads: number[] = [];
let warm = cold;
for (let i = 0; i < 5; i++) {
  warm = createPackageIndex({ cacheDir, logger: quiet, env: { NETRC: '/nonexistent' } });
  warm.configure(config);
  t0 = performance.now();
  await warm.loadProjectList();
  loads.push(performance.now() - t0);
}
report(summarize('load the project list from the disk cache', loads));
// What the loaded list itself keeps, in this process, after full collections.
await warm.dispose();
// Drop every index built so far, so that only the next one's list is measured.
cold = warm = createPackageIndex({ cacheDir: tmpEmpty(), logger: quiet });
const gc = globalThis.gc ?? (() => undefined);
gc();
gc();
const before = process.memoryUsage();
warm = createPackageIndex({ cacheDir, logger: quiet, env: { NETRC: '/nonexistent' } });
warm.configure(config);
await warm.loadProjectList();
warm.searchNames('re', 10);
gc();
gc();
const after = process.memoryUsage();
process.stdout.write(
  `memory kept by the loaded list (after GC): heap +${((after.heapUsed - before.heapUsed) / 1048576).toFixed(0)} MB, RSS +${((after.rss - before.rss) / 1048576).toFixed(0)} MB\n`,
);

// 1,000 realistic prefixes: 1–6 characters of popular names, every fifth with a typo (two letters swapped).
const top = topProjects();
const prefixes = Array.from({ length: 1000 }, (_, i) => {
  const name = top[(i * 37) % 3000].name;
  let q = name.slice(0, 1 + (i % 6));
  if (i % 5 === 4 && q.length >= 4) q = q.slice(0, 1) + q[2] + q[1] + q.slice(3);
  return q;
});
let k = 0;
report(await measure('name search, in-process (1,000 prefixes)', 1000, () => warm.searchNames(prefixes[k++ % prefixes.length], 50), 50));
await warm.ensureProject('requests');
report(await measure('warm version lookup (project facts from memory)', 1000, () => warm.project('requests')));
await warm.dispose();

// Over LSP, as an editor sees it.
const env = testEnv({ PIP_INDEX_URL: config.indexUrl, NETRC: '/nonexistent', XDG_CACHE_HOME: path.dirname(cacheDir) });
delete env.PIP_NO_INDEX;
const { client } = await TestClient.start({ env, initializationOptions: { cacheDir, diagnostics: { environment: false } } });
// The server's own resident memory, before and after it loads the list (read from /proc, Linux only).
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
const rssBefore = rssOf(client.process.pid!);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-index-bench-doc-'));
const uri = client.open(path.join(dir, 'requirements.txt'), 'requests==\n' + prefixes.join('\n') + '\n');
// Let the list load from disk and the versions arrive before timing.
for (let i = 0; i < 100; i++) {
  const list = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 10 } });
  if (list.items.length) break;
  await new Promise((r) => setTimeout(r, 50));
}
await new Promise((r) => setTimeout(r, 500));
process.stdout.write(
  `server process RSS: ${rssBefore.toFixed(0)} MB after initialize, ${rssOf(client.process.pid!).toFixed(0)} MB with the index module, the list and a 1,001-line document loaded\n`,
);
const lsp: number[] = [];
for (let i = 0; i < 1000; i++) {
  const line = 1 + (i % prefixes.length);
  const t = performance.now();
  await client.request('textDocument/completion', { textDocument: { uri }, position: { line, character: prefixes[line - 1].length } });
  lsp.push(performance.now() - t);
}
report(summarize('name completion, LSP round trip (1,000 prefixes)', lsp));
const versions = await measure('version completion, LSP round trip (warm)', 200, () =>
  client.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 10 } }),
);
report(versions);
await client.stop();
await server.stop();
fs.rmSync(cacheDir, { recursive: true, force: true });
fs.rmSync(dir, { recursive: true, force: true });
