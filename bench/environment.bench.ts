// The environment hot paths: scanning 500 installed distributions cold and warm, diagnostics of a 500-line file
// against them, and the time from a change in site-packages to republished diagnostics over LSP.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { readEnvironment, readEnvironmentAsync } from '../server/src/environment/venv.ts';
import { checkInstalled, markerEnvironment } from '../server/src/environment/markers.ts';
import { createEnvironmentService } from '../server/src/environment/index.ts';
import { createLanguageService } from '../server/src/service/index.ts';
import { workspaceOf } from '../server/src/workspace/index.ts';
import { parse } from '../server/src/syntax/index.ts';
import { TestClient, testEnv } from '../test/lsp/client.ts';
import { topProjects } from './corpus.ts';
import { measure, printMemory, report, summarize } from './stats.ts';

const N = 500;
const projects = topProjects().slice(0, N);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-env-bench-'));
const venv = path.join(dir, '.venv');
const site = path.join(venv, 'lib', 'python3.11', 'site-packages');
fs.mkdirSync(site, { recursive: true });
fs.writeFileSync(path.join(venv, 'pyvenv.cfg'), 'home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.7\n');
const version = (p: { version: string }) => (/^\d/.test(p.version) ? p.version : '1.0');
projects.forEach((p, i) => {
  const d = path.join(site, `${p.name.replace(/-/g, '_')}-${version(p)}.dist-info`);
  fs.mkdirSync(d);
  const deps = [projects[(i + 1) % N], projects[(i + 7) % N]].map((q) => `Requires-Dist: ${q.name}>=0.1`).join('\n');
  fs.writeFileSync(
    path.join(d, 'METADATA'),
    `Metadata-Version: 2.1\nName: ${p.name}\nVersion: ${version(p)}\nSummary: ${p.summary.replace(/\n/g, ' ')}\n${deps}\nProvides-Extra: test\n\n`,
  );
});
const text = projects.map((p, i) => (i % 10 === 0 ? `${p.name}>=999` : `${p.name}==${version(p)}`)).join('\n') + '\n';
const found = { root: venv, source: 'nearby' as const };

const cold: number[] = [];
for (let i = 0; i < 20; i++) {
  // A cold scan: a fresh folder path each time, so nothing is cached.
  const copy = path.join(dir, `copy-${i}`);
  fs.cpSync(venv, copy, { recursive: true });
  const t0 = performance.now();
  readEnvironment({ root: copy, source: 'nearby' });
  cold.push(performance.now() - t0);
  fs.rmSync(copy, { recursive: true, force: true });
}
report(summarize(`cold scan of ${N} distributions`, cold));
report(await measure(`warm scan of ${N} distributions`, 100, () => readEnvironment(found)));
// The server's scan: the same disk steps, asynchronous (the event loop stays free; the wall time is longer).
report(await measure(`warm scan of ${N} distributions, asynchronous (the server's)`, 50, () => readEnvironmentAsync(found)));
const snapshot = readEnvironment(found);
const markers = markerEnvironment(snapshot.pythonVersion);
report(await measure('pip check over them (markers, Requires-Dist)', 50, () => checkInstalled(snapshot, markers)));

const environments = createEnvironmentService({ env: {}, logger: { info: () => undefined, warn: () => undefined } });
const file = path.join(dir, 'requirements.txt');
await environments.resolve(file, [dir]); // discovery and the scan, asynchronous; features read the snapshot
const service = createLanguageService({ environment: (f) => environments.peek(f, [dir])?.facts ?? null });
const doc = parse(text);
const ctx = workspaceOf(() => undefined).contextWith(file, doc);
report(await measure(`full diagnostics of a ${N}-line file`, 100, () => service.diagnostics(ctx)));
environments.dispose();
printMemory();

// Over LSP: a new dist-info folder in site-packages → republished diagnostics (watch + debounce + re-check).
// The file asks for the newpkgN it will install, so each install changes what it says (the server publishes only a
// change: a distribution no line names would publish nothing).
const lspText = text + Array.from({ length: 15 }, (_, i) => `newpkg${i}\n`).join('');
fs.writeFileSync(file, lspText);
const { client } = await TestClient.start({ initializationOptions: { diagnostics: { environment: true } }, env: testEnv() });
const uri = client.open(file, lspText);
await client.waitForDiagnostics(uri, (d) => d.length > 0);
const changes: number[] = [];
for (let i = 0; i < 15; i++) {
  const published = client.nextDiagnostics(uri, 20000);
  const t0 = performance.now();
  fs.mkdirSync(path.join(site, `newpkg${i}-1.0.dist-info`));
  fs.writeFileSync(path.join(site, `newpkg${i}-1.0.dist-info`, 'METADATA'), `Name: newpkg${i}\nVersion: 1.0\n\n`);
  await published;
  changes.push(performance.now() - t0);
}
report(summarize('site-packages change → publishDiagnostics (300 ms debounce included)', changes));
await client.stop();
fs.rmSync(dir, { recursive: true, force: true });
