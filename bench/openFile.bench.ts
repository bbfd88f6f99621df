// Opening a 50-dependency file: from didOpen until every line's index facts are published (each line asks for
// a release the index does not have, so its `no-matching-version` appears when its project's facts land),
// with an empty and with a warm disk cache; next to a bare undici client fetching the same 100 pages
// (50 project pages, 50 JSON API documents) from the same loopback index.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { indexedEnv, TestClient } from '../test/lsp/client.ts';
import { DEPENDENCIES, dependencyProjects } from './indexProcess.ts';
import { report, summarize } from './stats.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const RUNS = Number(process.env.RLS_BENCH_RUNS ?? 7);
// `--list`: the index serves PyPI's 886k names as its project list, which the server fetches at the same time.
const withList = process.argv.includes('--list') || process.env.RLS_BENCH_LIST === '1';

const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'indexProcess.ts'), ...(withList ? ['--list'] : [])], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
process.on('exit', () => child.kill('SIGTERM'));
const { url } = JSON.parse(await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve))) as { url: string };
const names = dependencyProjects().map((p) => p.name.toLowerCase());
const text = names.map((n) => `${n}>=99`).join('\n') + '\n';
process.stdout.write(`${DEPENDENCIES} dependencies on 127.0.0.1${withList ? ', the index listing 886k names' : ''}\n`);

/** The same pages as the server asks for, all at once, by a fresh client. */
async function bare(): Promise<number> {
  const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
  const t0 = performance.now();
  await Promise.all(
    names.flatMap((n) => [
      request(`${url}/simple/${n}/`, { dispatcher, headers: { accept: 'application/vnd.pypi.simple.v1+json' } }).then((r) => r.body.text()),
      request(`${url}/pypi/${n}/json`, { dispatcher, headers: { accept: 'application/json' } }).then((r) => r.body.text()),
    ]),
  );
  const ms = performance.now() - t0;
  await dispatcher.close();
  return ms;
}

/** didOpen right after `initialized`, as editors do; until every line has its `no-matching-version`. */
async function open(cacheDir: string): Promise<number> {
  const { client } = await TestClient.start({ env: indexedEnv(url), initializationOptions: { cacheDir, diagnostics: { environment: false } } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-open-doc-'));
  const t0 = performance.now();
  const uri = client.open(path.join(dir, 'requirements.txt'), text);
  await client.waitForDiagnostics(uri, (d) => d.filter((x) => x.code === 'no-matching-version').length === DEPENDENCIES, 30_000);
  const ms = performance.now() - t0;
  await client.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  return ms;
}

const bareRuns: number[] = [];
for (let i = 0; i < RUNS; i++) bareRuns.push(await bare());
report(summarize(`bare undici client, ${DEPENDENCIES * 2} pages`, bareRuns));
const cold: number[] = [];
const warmDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-open-cache-'));
for (let i = 0; i < RUNS; i++) {
  const dir = i === 0 ? warmDir : fs.mkdtempSync(path.join(os.tmpdir(), 'rls-open-cache-'));
  cold.push(await open(dir));
  if (dir !== warmDir) fs.rmSync(dir, { recursive: true, force: true });
}
report(summarize('open, empty cache: every line has its index facts', cold));
const warm: number[] = [];
for (let i = 0; i < RUNS; i++) warm.push(await open(warmDir));
report(summarize('open, warm disk cache: every line has its index facts', warm));
fs.rmSync(warmDir, { recursive: true, force: true });
child.kill('SIGTERM');
