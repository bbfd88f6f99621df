// The server's event loop while a file opens against an index serving PyPI's 886k names: its delay
// (perf_hooks.monitorEventLoopDelay inside the server process, bench/loopMonitor.cjs) from the loop's first turn
// until 6 s after a didOpen sent right after `initialized`, with an empty and with a warm disk cache; a documentSymbol every 100 ms meanwhile (what any request waits), and a
// `requests==` completion 500 ms after the open.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { indexedEnv, TestClient } from '../test/lsp/client.ts';
import { dependencyProjects } from './indexProcess.ts';
import { percentile, report, summarize } from './stats.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const RUNS = Number(process.env.RLS_BENCH_RUNS ?? 3);
const WINDOW_MS = 6000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The loopback index, in its own process. */
async function startIndex(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'indexProcess.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  process.on('exit', () => child.kill('SIGTERM'));
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  const { url, names } = JSON.parse(line) as { url: string; names: number };
  return { url, names, stop: () => child.kill('SIGTERM') };
}

const index = await startIndex(['--list']);
process.stdout.write(`index on 127.0.0.1 serving ${index.names} names\n`);
const pins = dependencyProjects(10).map((p) => `${p.name}==1.19.0`);
const text = ['requests==', ...pins, 'reqeu'].join('\n') + '\n';

interface Run {
  loop: { p50: number; p99: number; max: number; stalls: { at: number; ms: number; cpuMs: number }[] };
  symbols: number[];
  completionMs: number;
  completionItems: number;
  namesMs: number;
}

async function run(cacheDir: string): Promise<Run> {
  const out = path.join(os.tmpdir(), `rls-loop-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  const env = indexedEnv(index.url, { NODE_OPTIONS: `--require ${path.join(here, 'loopMonitor.cjs')}`, RLS_LOOP_MONITOR: out });
  const { client } = await TestClient.start({ env, initializationOptions: { cacheDir, diagnostics: { environment: false } } });
  const figures = async () => {
    fs.rmSync(out, { force: true });
    client.process.kill('SIGUSR2');
    for (let i = 0; i < 400 && !fs.existsSync(out); i++) await sleep(25);
    return JSON.parse(fs.readFileSync(out, 'utf8')) as Run['loop'];
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-loop-doc-'));
  const t0 = performance.now();
  const uri = client.open(path.join(dir, 'requirements.txt'), text);
  const symbols: number[] = [];
  let completion: Promise<{ ms: number; items: number }> | undefined;
  let names: Promise<number> | undefined;
  while (performance.now() - t0 < WINDOW_MS) {
    if (!names && performance.now() - t0 >= 1000) {
      const n0 = performance.now();
      names = client
        .request('textDocument/completion', { textDocument: { uri }, position: { line: pins.length + 1, character: 5 } })
        .then(() => performance.now() - n0);
    }
    if (!completion && performance.now() - t0 >= 500) {
      const c0 = performance.now();
      completion = client
        .request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 10 } })
        .then((list: { items: unknown[] }) => ({ ms: performance.now() - c0, items: list.items.length }));
    }
    const s0 = performance.now();
    await client.request('textDocument/documentSymbol', { textDocument: { uri } });
    symbols.push(performance.now() - s0);
    await sleep(Math.max(0, 100 - (performance.now() - s0)));
  }
  const loop = await figures();
  const c = await completion!;
  const namesMs = await names!;
  await client.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(out, { force: true });
  return { loop, symbols, completionMs: c.ms, completionItems: c.items, namesMs };
}

for (const label of ['cold', 'warm'] as const) {
  const runs: Run[] = [];
  const warmDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-loop-cache-'));
  if (label === 'warm') await run(warmDir); // fills the cache: the project list and the pages
  for (let i = 0; i < RUNS; i++) {
    const dir = label === 'cold' ? fs.mkdtempSync(path.join(os.tmpdir(), 'rls-loop-cache-')) : warmDir;
    runs.push(await run(dir));
    if (label === 'cold') fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.rmSync(warmDir, { recursive: true, force: true });
  const p99s = runs.map((r) => r.loop.p99).sort((a, b) => a - b);
  const maxes = runs.map((r) => r.loop.max).sort((a, b) => a - b);
  process.stdout.write(
    `${label}: event-loop delay in the first ${WINDOW_MS / 1000} s after didOpen: p99 ${p99s.join(' / ')} ms, max ${maxes.join(' / ')} ms (${RUNS} runs)\n`,
  );
  const stalls = runs.map((r) => r.loop.stalls.map((x) => `${x.ms} ms at ${x.at} (cpu ${x.cpuMs})`).join(', ') || 'none');
  process.stdout.write(`${label}: stalls over 40 ms (when, in ms after the first turn; the process's CPU meanwhile): ${stalls.join(' | ')}\n`);
  report(
    summarize(
      `${label}: documentSymbol round trip meanwhile`,
      runs.flatMap((r) => r.symbols),
    ),
    `max ${Math.max(...runs.flatMap((r) => r.symbols)).toFixed(0)} ms`,
  );
  const completions = runs.map((r) => r.completionMs).sort((a, b) => a - b);
  process.stdout.write(
    `${label}: requests== completion 500 ms after didOpen: p50 ${percentile(completions, 50).toFixed(0)} ms, max ${completions[completions.length - 1].toFixed(0)} ms, items ${runs.map((r) => r.completionItems).join(' / ')}\n`,
  );
  process.stdout.write(`${label}: first name completion (reqeu) 1 s after didOpen: ${runs.map((r) => r.namesMs.toFixed(0)).join(' / ')} ms\n`);
}
index.stop();
