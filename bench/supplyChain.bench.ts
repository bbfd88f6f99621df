// Issue 28's facts on a 300-pin file (licence policy, cooldown, wheels for the venv, look-alikes): each a fact the
// index already served, so they add no request on the keystroke path. Over LSP against a loopback index whose
// pages carry upload times, licences and per-release files: a keystroke → its publish, p50/p95, with the policy
// on and with it off, and the requests the index received during the keystrokes (goal: none).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { indexedEnv, TestClient } from '../test/lsp/client.ts';
import { startIndexServer, type FixtureProject } from '../test/fixtures/indexServer.ts';
import { topProjects } from './corpus.ts';
import { printMemory, report, summarize } from './stats.ts';

const PINS = 300;
const KEYSTROKES = 40;
const DAY = 86_400_000;
const picked = topProjects()
  .filter((p) => /^\d+(\.\d+)*$/.test(p.version))
  .slice(0, PINS);
const projects: FixtureProject[] = picked.map((p, i) => ({
  name: p.name,
  summary: p.summary,
  license: ['MIT', 'Apache-2.0', 'BSD-3-Clause', 'GPL-3.0-only'][i % 4],
  files: [
    // Every third release only has an sdist and a Windows wheel (no-wheel), every fifth came out yesterday (too-new).
    ...(i % 3 === 0
      ? [{ filename: `${p.name.replace(/-/g, '_')}-${p.version}-cp311-cp311-win_amd64.whl` }, { filename: `${p.name.replace(/-/g, '_')}-${p.version}.tar.gz` }]
      : [{ filename: `${p.name.replace(/-/g, '_')}-${p.version}-py3-none-any.whl` }]),
  ].map((f) => ({ ...f, uploadTime: new Date(Date.now() - (i % 5 === 0 ? 1 : 400) * DAY).toISOString() })),
}));
const text = picked.map((p) => `${p.name}==${p.version}`).join('\n') + '\n';
// The venv says Python 3.11 (no-wheel needs it); nothing is installed, so every line is also not-installed.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-supply-bench-'));
fs.mkdirSync(path.join(dir, '.venv', 'lib', 'python3.11', 'site-packages'), { recursive: true });
fs.writeFileSync(path.join(dir, '.venv', 'pyvenv.cfg'), 'home = /usr/bin\nversion = 3.11.7\n');
const index = await startIndexServer(projects);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(label: string, settings: Record<string, unknown>) {
  const { client } = await TestClient.start({
    env: indexedEnv(index.url),
    initializationOptions: { diagnostics: { environment: true, outdated: false }, ...settings },
  });
  try {
    const uri = client.open(path.join(dir, `requirements-${label.replace(/\W+/g, '-')}.txt`), text);
    // Every line's facts: the no-wheel and too-new counts settle once the 300 pages are in.
    const on = settings.cooldownDays !== 0;
    const settled = (d: { code?: unknown }[]) =>
      on ? d.filter((x) => x.code === 'too-new').length >= PINS / 5 && d.filter((x) => x.code === 'no-wheel').length >= PINS / 3 : d.length >= PINS;
    await client.waitForDiagnostics(uri, settled, 120_000).catch(() => process.stdout.write(`  (${label}: facts not all in after 120 s)\n`));
    await sleep(1500);
    const counts = new Map<string, number>();
    for (const d of client.diagnostics.get(uri) ?? []) counts.set(String(d.code), (counts.get(String(d.code)) ?? 0) + 1);
    const before = index.requests.length;
    const times: number[] = [];
    let content = text;
    for (let i = 0; i < KEYSTROKES; i++) {
      // A keystroke at the end of the first line's version (a digit typed and removed, alternately).
      const first = content.indexOf('\n');
      content = i % 2 === 0 ? content.slice(0, first) + '1' + content.slice(first) : content.slice(0, first - 1) + content.slice(first);
      const t0 = performance.now();
      const version = client.change(uri, [{ text: content }]);
      for (;;) {
        const hit = client.publishes.find((p) => p.uri === uri && p.at >= t0 && (p.version ?? 0) >= version);
        if (hit) break;
        if (performance.now() - t0 > 30_000) throw new Error('no publish within 30 s');
        await sleep(1);
      }
      times.push(performance.now() - t0);
      await sleep(30);
    }
    const asked = index.requests.slice(before).map((r) => r.path);
    report(
      summarize(`${label}: keystroke → publish, ${PINS} pins`, times),
      `index requests during the keystrokes: ${asked.length}${asked.length ? ` (${asked.slice(0, 3).join(', ')})` : ''}`,
    );
    process.stdout.write(`  ${[...counts].map(([c, n]) => `${c} ${n}`).join(', ')}\n`);
  } finally {
    await client.stop();
  }
}

try {
  await run('policy on', { cooldownDays: 7, licenses: { deny: ['GPL-3.0-only'] }, lookAlikes: true });
  await run('policy off', { cooldownDays: 0, licenses: { allow: [], deny: [] }, lookAlikes: false });
  printMemory();
} finally {
  await index.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
