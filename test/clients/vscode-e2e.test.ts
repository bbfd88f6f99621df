// The extension in a real VS Code (code-server, from npm) driven by Debian's Chromium through playwright-core:
// what a user sees — the problem in the Problems panel, an option in the suggest widget, a hover — and the
// README's pictures of it (test-output/vscode-problems.png, vscode-hover.png).
// Needs scripts/e2e-vscode/install.sh (run by .ci/run); without it the test fails and says how to install.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { buildWheels } from '../fixtures/python.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(here, '../..');
const CACHE = process.env.RLS_E2E_CACHE ?? path.join(os.homedir(), '.cache/rls-e2e/4.139.1');
const CODE_SERVER = path.join(CACHE, 'code-server/node_modules/.bin/code-server');
const NODE24 = path.join(CACHE, 'node24/node_modules/node/bin');
const OUTPUT = path.join(REPO, 'test-output');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Chromium and VS Code try outside hosts whatever their flags; the scenario runs in a network namespace of
 * its own (unshare -n, loopback up), so nothing can leave 127.0.0.1. This test re-runs the file inside one.
 */
const INSIDE = process.env.RLS_E2E_NETNS === '1';

// Packaging happens in this file only: two test files packaging at once wrote the same .vsix and broke it.
test(
  'npm run package builds a .vsix under 1 MB with the bundled server, its data, the grammar, a README with pictures and an icon, and no node_modules',
  { skip: INSIDE },
  () => {
    execFileSync('npm', ['run', 'package', '--silent'], { cwd: path.join(REPO, 'client/vscode'), stdio: 'pipe' });
    const vsix = path.join(REPO, 'client/vscode/requirements-language-server.vsix');
    assert.ok(fs.statSync(vsix).size < 1024 * 1024, `${fs.statSync(vsix).size} bytes`);
    const listing = execFileSync('python3', ['-m', 'zipfile', '-l', vsix], { encoding: 'utf8' });
    for (const f of [
      'extension/dist/extension.js',
      'extension/dist/server.cjs',
      'extension/dist/popularity.tsv',
      'extension/dist/packageIndex.cjs',
      'extension/dist/listWorker.cjs',
      'extension/dist/pip-requirements.tmLanguage.json',
      'extension/package.json',
    ]) {
      assert.ok(listing.includes(f), `${f} missing from the .vsix:\n${listing}`);
    }
    assert.ok(!listing.includes('node_modules'), 'no runtime node_modules');
    // What the marketplace and Open VSX show: a README with its pictures, an icon, categories, keywords, a license.
    for (const f of [
      'extension/readme.md',
      'extension/images/icon.png',
      'extension/dist/images/vscode-problems.png',
      'extension/dist/images/vscode-hover.png',
      'extension/LICENSE.txt',
    ]) {
      assert.ok(listing.includes(f), `${f} missing from the .vsix:\n${listing}`);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'client/vscode/package.json'), 'utf8'));
    assert.equal(manifest.icon, 'images/icon.png');
    assert.equal(manifest.license, 'MIT');
    assert.ok(manifest.categories.includes('Programming Languages') && manifest.keywords.includes('requirements.txt'));
    // No made-up repository address: either a real one or none.
    assert.doesNotMatch(JSON.stringify(manifest.repository ?? ''), /example\.(invalid|com)/);
    const readme = fs.readFileSync(path.join(REPO, 'client/vscode/README.md'), 'utf8');
    for (const image of readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g))
      assert.ok(listing.includes(`extension/${image[1]}`), `README picture ${image[1]} is not in the .vsix`);
  },
);

test('VS Code end-to-end runs inside its own network namespace (loopback only)', { skip: INSIDE, timeout: 460_000 }, () => {
  assert.ok(fs.existsSync(CODE_SERVER), `code-server is not installed at ${CODE_SERVER}: run scripts/e2e-vscode/install.sh`);
  const file = fileURLToPath(import.meta.url);
  const inner = `ip link set lo up && exec "${process.execPath}" --import tsx --test "${file}"`;
  let output = '';
  try {
    // NODE_TEST_CONTEXT would make the inner runner talk to this one's parent instead of printing its report.
    const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
    output = execFileSync('unshare', ['-n', '--', 'sh', '-c', inner], { cwd: REPO, env: { ...env, RLS_E2E_NETNS: '1' }, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    assert.fail(`the scenario failed inside the namespace:\n${e.stdout ?? ''}\n${e.stderr ?? ''}\n${e.message}`);
  }
  assert.match(output, /^# pass 1$/m, output);
  assert.match(output, /^# fail 0$/m, output);
});

test('VS Code (code-server): Problems panel, completion and hover from the packaged extension', { skip: !INSIDE, timeout: 400_000 }, async () => {
  assert.ok(fs.existsSync(CODE_SERVER), `code-server is not installed at ${CODE_SERVER}: run scripts/e2e-vscode/install.sh`);
  const require = createRequire(path.join(CACHE, 'playwright/package.json'));
  // playwright-core lives in the e2e cache (installed by the script), not in the repository's dependencies.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const { chromium } = require('playwright-core') as { chromium: any };

  execFileSync('npm', ['run', 'package', '--silent'], { cwd: path.join(REPO, 'client/vscode'), stdio: 'pipe' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-vscode-'));
  const userData = path.join(dir, 'user');
  const extensions = path.join(dir, 'extensions');
  const workspace = path.join(dir, 'workspace');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(
    path.join(userData, 'User/settings.json'),
    JSON.stringify({
      'telemetry.telemetryLevel': 'off',
      'workbench.startupEditor': 'none',
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'update.mode': 'none',
      'security.workspace.trust.enabled': false,
      'requirements.diagnostics.environment': false,
      // The pictures show the editor and the extension, not the chat panel.
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'chat.disableAIFeatures': true,
      // No index is reachable in the namespace; point at loopback so nothing even tries the outside.
      'requirements.indexUrl': 'http://127.0.0.1:9/simple',
    }),
  );
  fs.writeFileSync(path.join(workspace, 'requirements.txt'), 'foo==\n-r base.txt\ndjango=5.0\nnumpy ; python_versoin < "3.12"\n');
  fs.writeFileSync(path.join(workspace, 'base.txt'), 'six\n');
  // For the compile code lens: an .in file, wheels built here, and a venv with pip for the built-in resolver.
  fs.writeFileSync(path.join(workspace, 'requirements-dev.in'), '--no-index\n--find-links wheels\nalpha\n');
  buildWheels(path.join(workspace, 'wheels'), [
    { name: 'alpha', version: '1.0', requires: ['shared>=1'] },
    { name: 'shared', version: '1.5' },
  ]);
  execFileSync('python3', ['-m', 'venv', path.join(workspace, '.venv')], { stdio: 'pipe' });
  // The index is the loopback one the settings name (nothing listens there); the namespace keeps everything local.
  // None of this machine's pip configuration (PIP_*, pip.conf) reaches the server or the pip it runs.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PIP_') && k !== 'VIRTUAL_ENV'));
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    PATH: `${NODE24}:${process.env.PATH}`,
    EXTENSIONS_GALLERY: '{}',
    PIP_CONFIG_FILE: '/dev/null',
    XDG_CACHE_HOME: path.join(dir, 'cache'),
  };
  execFileSync(
    CODE_SERVER,
    ['--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', path.join(REPO, 'client/vscode/requirements-language-server.vsix')],
    { env, stdio: 'pipe' },
  );
  const port = await freePort();
  const cfg = path.join(dir, 'config.yaml');
  fs.writeFileSync(cfg, 'auth: none\n');
  const server = spawn(
    CODE_SERVER,
    [
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--vscode-option',
      'force-disable-user-env',
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensions,
      '--config',
      cfg,
      workspace,
    ],
    { env, detached: true, stdio: 'ignore' },
  );
  const browserDir = path.join(dir, 'browser');
  let context: any;
  let page: any;
  try {
    for (let i = 0; i < 120; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    context = await chromium.launchPersistentContext(browserDir, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    });
    await context.route(
      (u: URL) => u.hostname !== '127.0.0.1',
      (r: { abort(): Promise<void> }) => r.abort(),
    );
    page = context.pages()[0] ?? (await context.newPage());
    // The workbench is a few MB of scripts: on a busy machine the first load can take well over 30 s.
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`, { timeout: 120_000 });
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await page
      .locator('.monaco-list-row[aria-label*="requirements.txt"], [role="treeitem"][aria-label*="requirements.txt"]')
      .first()
      .click({ timeout: 60_000 });
    await page.waitForSelector('.monaco-editor .squiggly-error', { timeout: 60_000 });
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Shift+M');
    const problems = page.locator('.markers-panel');
    await problems.waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('.markers-panel')?.textContent?.includes("needs a version after '=='"), undefined, {
      timeout: 30_000,
    });
    assert.match((await problems.textContent()) ?? '', /'foo==' needs a version after '=='/);
    // The README's pictures (scripts/refresh-docs-images.sh copies them into docs/images).
    fs.mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT, 'vscode-problems.png') });

    // Completion: on a new line, `reque` offers the package requests (from the popularity table: no network
    // here), and `--ind` offers --index-url.
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('reque');
    await page.keyboard.press('Control+Space');
    await page.waitForFunction(
      () => [...document.querySelectorAll('.suggest-widget .monaco-list-row')].some((r) => r.textContent?.includes('requests')),
      undefined,
      { timeout: 30_000 },
    );
    const names = await page.locator('.suggest-widget .monaco-list-row').allTextContents();
    assert.ok(
      names.some((r: string) => r.startsWith('requests')),
      names.join(' | '),
    );
    await page.keyboard.press('Escape');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.type('--ind');
    await page.keyboard.press('Control+Space');
    await page.waitForSelector('.suggest-widget .monaco-list-row', { timeout: 30_000 });
    const rows = await page.locator('.suggest-widget .monaco-list-row').allTextContents();
    assert.ok(
      rows.some((r: string) => r.includes('--index-url')),
      rows.join(' | '),
    );
    await page.keyboard.press('Escape');

    // Hover on the -r option (its own token, not the linked file name after it).
    const dashR = page.locator('.monaco-editor .view-line span', { hasText: /^-r$/ }).first();
    await dashR.hover();
    await page.waitForFunction(() => [...document.querySelectorAll('.monaco-hover')].some((h) => h.textContent?.includes('requirements file')), undefined, {
      timeout: 30_000,
    });
    const hovers = await page.locator('.monaco-hover').allTextContents();
    assert.ok(
      hovers.some((h: string) => /--requirement.*requirements file/.test(h)),
      hovers.join(' | '),
    );
    await page.screenshot({ path: path.join(OUTPUT, 'vscode-hover.png') });
    // The status bar shows the index state the server reports (nothing listens on the loopback index here).
    await page.waitForFunction(() => document.querySelector('.statusbar')?.textContent?.includes('index offline'), undefined, { timeout: 30_000 });
    // The index in use is the one the settings name (loopback here), never the default PyPI.
    const toasts = (await page.locator('.notifications-toasts').allTextContents()).join(' ');
    assert.ok(!toasts.includes('pypi.org'), toasts);

    // The compile code lens on an .in file runs the built-in resolver (no pip-compile here) and writes the .txt.
    await page
      .locator('[role="treeitem"][aria-label*="requirements-dev.in"], .monaco-list-row[aria-label*="requirements-dev.in"]')
      .first()
      .click({ timeout: 30_000 });
    const lens = page.locator('.codelens-decoration a', { hasText: 'Compile → requirements-dev.txt' }).first();
    await lens.waitFor({ timeout: 30_000 });
    await lens.click();
    const compiled = path.join(workspace, 'requirements-dev.txt');
    for (let i = 0; i < 120 && !fs.existsSync(compiled); i++) await new Promise((r) => setTimeout(r, 250));
    assert.match(fs.readFileSync(compiled, 'utf8'), /^alpha==1\.0\n {4}# via -r requirements-dev\.in\nshared==1\.5\n {4}# via alpha\n$/m);
    await page.waitForFunction(() => document.querySelector('.notifications-toasts')?.textContent?.includes('Compiled requirements-dev.in'), undefined, {
      timeout: 30_000,
    });
  } finally {
    fs.mkdirSync(OUTPUT, { recursive: true });
    await page?.screenshot({ path: path.join(OUTPUT, 'vscode-e2e.png') }).catch(() => undefined);
    await context?.close().catch(() => undefined);
    try {
      process.kill(-server.pid!, 'SIGTERM');
    } catch {
      /* already gone */
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
