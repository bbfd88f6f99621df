// Big files: what a 1 MiB realistic file costs the server (resident memory before and after its diagnostics
// and symbols), and `check` on a 6 MiB one as a separate process, as CI runs it (issue 16's goals).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { TestClient, testEnv } from '../test/lsp/client.ts';
import { realisticLines } from './corpus.ts';
import { report, summarize } from './stats.ts';

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const sized = (bytes: number) => {
  const big = realisticLines(Math.ceil(bytes / 30));
  let t = big.join('\n') + '\n';
  while (t.length < bytes) t += t;
  return t.slice(0, t.lastIndexOf('\n', bytes) + 1);
};
const bigDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-bench-big-'));
{
  const oneMb = sized(1 << 20);
  const { client: big } = await TestClient.start();
  const pid = big.process.pid!;
  // Settle: a small file first, so the baseline includes what any open document costs.
  const warm = big.open(path.join(bigDir, 'warm.txt'), 'requests==2.0\n');
  await big.waitForDiagnostics(warm);
  await new Promise((r) => setTimeout(r, 500));
  const before = rssOf(pid);
  const bigUri = big.open(path.join(bigDir, 'requirements.txt'), oneMb);
  const t0 = performance.now();
  const diags = await big.waitForDiagnostics(bigUri, () => true, 120_000);
  const took = performance.now() - t0;
  await big.request('textDocument/documentSymbol', { textDocument: { uri: bigUri } }, 120_000);
  await new Promise((r) => setTimeout(r, 500));
  const after = rssOf(pid);
  process.stdout.write(
    `1 MiB file (${oneMb.split('\n').length - 1} lines) in the server: RSS ${before.toFixed(0)} → ${after.toFixed(0)} MiB, +${(after - before).toFixed(0)} MiB 500 ms after (goal ≤ 40); diagnostics in ${took.toFixed(0)} ms (${diags.length} published)\n`,
  );
  // Then the server idles, as it does most of its life: V8's memory reducer returns old-space garbage.
  let settled = after;
  for (let s = 0; s < 20; s++) {
    await new Promise((r) => setTimeout(r, 1000));
    settled = Math.min(settled, rssOf(pid));
  }
  process.stdout.write(`  … after 20 s idle: RSS ${settled.toFixed(0)} MiB, +${(settled - before).toFixed(0)} MiB\n`);
  await big.stop();
}
{
  const sixMb = sized(6 << 20);
  fs.writeFileSync(path.join(bigDir, 'big.txt'), sixMb);
  const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../server/bin/requirements-language-server.cjs');
  const times: number[] = [];
  let out = '';
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [bin, 'check', 'big.txt', '--format', 'json', '--no-vulnerabilities'], {
      cwd: bigDir,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      env: testEnv(),
    });
    times.push(performance.now() - t0);
    out = r.stdout;
  }
  report(
    summarize(`check on a ${(sixMb.length / 1048576).toFixed(1)} MiB file (${sixMb.split('\n').length - 1} lines, 3 runs; goal < 3 s)`, times),
    `${JSON.parse(out || '[]').length} diagnostics printed`,
  );
}
fs.rmSync(bigDir, { recursive: true, force: true });
