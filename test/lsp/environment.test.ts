// The active environment, for real: a venv, wheels built here, pip installs while the server runs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TestClient, testEnv, type Diag } from './client.ts';
import { buildWheels, isolatedPipEnv, makeVenv, pipInstall, pipUninstall } from '../fixtures/python.ts';

let dir: string;
let home: string;
let wheels: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-env-'));
  home = path.join(dir, 'home');
  wheels = path.join(dir, 'wheels');
  buildWheels(wheels, [
    { name: 'alpha', version: '1.0', requires: ['beta>=2', 'pywin32>=300; sys_platform == "win32"'], extras: ['speed'] },
    { name: 'beta', version: '1.0' },
    { name: 'beta', version: '2.0' },
  ]);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const codes = (d: Diag[]) => d.map((x) => `${x.code}@${x.range.start.line}`).sort();
const envOn = { diagnostics: { environment: true } };

test('the isolated pip sees none of this machine’s pip configuration', () => {
  const out = execFileSync('python3', ['-m', 'pip', 'config', 'list'], { env: isolatedPipEnv(home), encoding: 'utf8' });
  // Only the variables the isolation sets itself remain: no find-links, no extra indexes, no constraints.
  assert.deepEqual(out.trim().split('\n').sort(), [":env:.config-file='/dev/null'", ":env:.disable-pip-version-check='1'"]);
});

test('diagnostics follow pip install, downgrade, uninstall and deletion of a nearby .venv, live', async () => {
  const project = path.join(dir, 'project');
  const venv = makeVenv(path.join(project, '.venv'));
  pipInstall(venv, wheels, ['alpha==1.0', 'beta==2.0'], home);
  const { client } = await TestClient.start({ initializationOptions: envOn, env: testEnv() });
  try {
    const text = 'alpha[speed,turbo]==1.0\nbeta>=3\ngamma\npywin32==306; sys_platform == "win32"\n';
    const uri = client.open(path.join(project, 'requirements.txt'), text);
    let diags = await client.waitForDiagnostics(uri, (d) => d.length >= 3);
    assert.deepEqual(codes(diags), ['extra-not-provided@0', 'not-installed@2', 'version-mismatch@1']);
    assert.equal(diags.find((d) => d.code === 'version-mismatch')!.message, 'beta 2.0 is installed; this file needs >=3.');
    assert.match(diags.find((d) => d.code === 'extra-not-provided')!.message, /does not declare the extra 'turbo' \(it has: speed\)/);
    assert.match(diags.find((d) => d.code === 'not-installed')!.message, /gamma is not installed in \.venv \(Python 3\.\d+\.\d+\)/);

    // A downgrade with --no-deps breaks alpha's Requires-Dist: pip check's complaint shows up with no edit.
    pipInstall(venv, wheels, ['--no-deps', 'beta==1.0'], home);
    diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'dependency-conflict'), 15000);
    assert.equal(
      diags.find((d) => d.code === 'dependency-conflict')!.message,
      'alpha requires beta>=2, but beta 1.0 is installed (pip check would report it).',
    );
    assert.equal(diags.find((d) => d.code === 'dependency-conflict')!.range.start.line, 0, 'on the line that brought alpha in');

    pipUninstall(venv, ['alpha'], home);
    diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'not-installed' && x.range.start.line === 0), 15000);
    assert.deepEqual(codes(diags), ['not-installed@0', 'not-installed@2', 'version-mismatch@1']);

    fs.rmSync(venv, { recursive: true, force: true });
    // No environment is not the file's fault: no diagnostic says so (the notice, the status and line 1's hover do).
    diags = await client.waitForDiagnostics(uri, (d) => d.length === 0, 15000);
    assert.deepEqual(codes(diags), []);
  } finally {
    await client.stop();
  }
});

test('no environment: a clean file gets no diagnostic; one notice a session, the hover of line 1 and the status item say so', async () => {
  const project = path.join(dir, 'no-venv');
  fs.mkdirSync(project, { recursive: true });
  const { client } = await TestClient.start({ initializationOptions: envOn, env: testEnv() });
  try {
    const notices = () =>
      client.notifications.filter((n) => n.method === 'window/showMessage' && /No virtual environment found/.test((n.params as { message: string }).message));
    const first = client.open(path.join(project, 'requirements.txt'), 'requests==2.32.3\n');
    const second = client.open(path.join(project, 'requirements-dev.txt'), 'flask\n');
    // The hover of line 1 answers once the environment is known to be missing; the files were checked against that.
    let hover: any;
    for (let i = 0; i < 100 && !/Environment: none found/.test(hover?.contents?.value ?? ''); i++) {
      if (i) await new Promise((r) => setTimeout(r, 100));
      hover = await client.request('textDocument/hover', { textDocument: { uri: first }, position: { line: 0, character: 1 } });
    }
    assert.match(hover.contents.value, /Environment: none found/);
    await client.waitForDiagnostics(second, () => notices().length > 0);
    await client.request('textDocument/hover', { textDocument: { uri: second }, position: { line: 0, character: 1 } });
    assert.deepEqual(client.diagnostics.get(first), []);
    assert.deepEqual(client.diagnostics.get(second), []);
    assert.equal(notices().length, 1, 'one notice for two files');
    assert.match((notices()[0].params as { message: string }).message, /requirements(-dev)?\.txt, so installed versions are not checked/);
  } finally {
    await client.stop();
  }
  // A client with the status item (VS Code) sees "no environment" there, and no notice.
  const status = await TestClient.start({ initializationOptions: { ...envOn, statusNotifications: true }, env: testEnv() });
  try {
    const uri = status.client.open(path.join(project, 'requirements.txt'), 'requests==2.32.3\n');
    assert.deepEqual(await status.client.waitForDiagnostics(uri), []);
    const sent = status.client.notifications.filter((n) => n.method === 'requirements/status').map((n) => (n.params as { environment?: string }).environment);
    assert.ok(sent.includes('no environment'), JSON.stringify(sent));
    assert.equal(status.client.notifications.filter((n) => n.method === 'window/showMessage').length, 0);
  } finally {
    await status.client.stop();
  }
});

test('VIRTUAL_ENV wins over a nearby .venv; a setting wins over both; hover shows the installed version', async () => {
  const project = path.join(dir, 'project2');
  const near = makeVenv(path.join(project, '.venv'));
  const other = makeVenv(path.join(dir, 'other-env'));
  pipInstall(other, wheels, ['beta==1.0'], home);
  pipInstall(near, wheels, ['beta==2.0'], home);
  const { client } = await TestClient.start({ initializationOptions: envOn, env: testEnv({ VIRTUAL_ENV: other }) });
  try {
    const uri = client.open(path.join(project, 'requirements.txt'), 'beta>=2\n');
    const diags = await client.waitForDiagnostics(uri, (d) => d.length > 0);
    assert.equal(diags[0].message, 'beta 1.0 is installed; this file needs >=2.');
    const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } });
    assert.match(hover.contents.value, /installed \*\*1\.0\*\*/);
    assert.ok(hover.contents.value.includes(`Environment: \`${other}\` — other-env (Python 3.`), hover.contents.value);
    assert.match(hover.contents.value, /found by VIRTUAL_ENV, 1 distributions/);
    assert.ok(
      client.logs.some((l) => l.includes(`Using the environment ${other} (found by VIRTUAL_ENV`)),
      client.logs.join('\n'),
    );
    client.notify('workspace/didChangeConfiguration', { settings: { requirements: { venvPath: path.join(near, 'bin', 'python') } } });
    const after = await client.waitForDiagnostics(uri, (d) => d.length === 0);
    assert.deepEqual(after, []);
  } finally {
    await client.stop();
  }
});

test('include-system-site-packages: the base environment counts; a corrupt METADATA falls back to its folder name', async () => {
  const base = makeVenv(path.join(dir, 'base-env'));
  pipInstall(base, wheels, ['beta==1.0'], home);
  const project = path.join(dir, 'project3');
  const venv = makeVenv(path.join(project, '.venv'));
  // Point the venv's base at the first environment, as `python -m venv --system-site-packages` from it would.
  const cfgPath = path.join(venv, 'pyvenv.cfg');
  const cfg = fs
    .readFileSync(cfgPath, 'utf8')
    .replace(/^home = .*$/m, `home = ${path.join(base, 'bin')}`)
    .replace(/include-system-site-packages = false/, 'include-system-site-packages = true');
  fs.writeFileSync(cfgPath, cfg);
  const site = fs.readdirSync(path.join(venv, 'lib')).map((p) => path.join(venv, 'lib', p, 'site-packages'))[0];
  fs.mkdirSync(path.join(site, 'broken-1.0.dist-info'));
  fs.writeFileSync(path.join(site, 'broken-1.0.dist-info', 'METADATA'), '\u0000garbage');
  const { client } = await TestClient.start({ initializationOptions: envOn, env: testEnv() });
  try {
    const uri = client.open(path.join(project, 'requirements.txt'), 'beta==1.0\nbroken==1.0\n');
    await new Promise((r) => setTimeout(r, 300));
    const diags = await client.waitForDiagnostics(uri, () => true);
    assert.deepEqual(codes(diags), [], JSON.stringify(diags));
  } finally {
    await client.stop();
  }
});

test('a file without # via annotations: hover derives why a package is there from the installed Requires-Dist', async () => {
  const project = path.join(dir, 'project4');
  const venv = makeVenv(path.join(project, '.venv'));
  pipInstall(venv, wheels, ['alpha==1.0'], home);
  const { client } = await TestClient.start({ initializationOptions: envOn, env: testEnv() });
  try {
    // pip freeze output: no annotations.
    const uri = client.open(path.join(project, 'requirements.txt'), 'alpha==1.0\nbeta==2.0\n');
    await client.waitForDiagnostics(uri);
    const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 1 } });
    const value: string = hover.contents.value;
    assert.match(value, /\*\*beta\*\* — test package beta/);
    assert.match(value, /Why it is here\*\* \(derived from the installed packages\)\n- beta 2\.0 ← alpha 1\.0/);
    assert.match(value, /Required by\*\* alpha/);
    assert.match(value, /installed \*\*2\.0\*\*/);
    const top = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } });
    assert.match(top.contents.value, /Pulls in\*\* beta/);
  } finally {
    await client.stop();
  }
});
