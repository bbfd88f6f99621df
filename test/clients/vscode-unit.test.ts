// The VS Code extension's start-up logic (pure parts), its manifest's Workspace Trust and setting scopes, and the
// bundled extension run against a stand-in `vscode` module; its package is checked in vscode-e2e.test.ts, which builds it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import {
  commandArguments,
  environmentLabel,
  initializationOptions,
  packageOnLine,
  restrictedModeMessage,
  runsProcess,
  statusText,
  statusTooltip,
  withoutProcessCommands,
} from '../../client/vscode/src/options.ts';
import { readSettings } from '../../server/src/settings.ts';
import { createVscodeStandIn } from './fixtures/vscodeStandIn.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const EXTENSION = path.resolve(here, '../../client/vscode');
const manifest = JSON.parse(fs.readFileSync(path.join(EXTENSION, 'package.json'), 'utf8'));
const properties: Record<string, { scope?: string; enum?: string[]; default?: unknown }> = manifest.contributes.configuration.properties;

test('initializationOptions: the venvPath setting wins, else the Python extension’s interpreter', () => {
  assert.equal(initializationOptions({ venvPath: '/p/.venv' }, '/other/bin/python', true).venvPath, '/p/.venv');
  assert.equal(initializationOptions({}, '/p/.venv/bin/python', true).venvPath, '/p/.venv/bin/python');
  assert.equal(initializationOptions({ diagnostics: { enable: false } }, undefined, true).venvPath, null);
  assert.deepEqual(initializationOptions({ diagnostics: { enable: false } }, undefined, true).diagnostics, { enable: false });
});

test('the status bar shows the environment and the index state the server reports', () => {
  assert.equal(initializationOptions({}, undefined, true).statusNotifications, true);
  assert.equal(statusText({ index: 'offline', environment: '.venv (Python 3.11.7)' }, 'x'), '$(package) .venv (Python 3.11.7) · index offline');
  assert.equal(statusText({ index: 'loading' }, '.venv'), '$(package) .venv · index loading');
  assert.equal(statusText({ index: 'ready', environment: 'venv' }, '.venv'), '$(package) venv');
});

test('the status item says why installed versions are not checked when there is no environment', () => {
  assert.match(statusTooltip({ index: 'ready', environment: 'no environment' }), /No virtual environment found: installed versions are not checked/);
  assert.match(statusTooltip({ index: 'offline', environment: 'no environment' }), /^No virtual environment found.*\nThe package index cannot be reached/);
  assert.equal(statusTooltip({ index: 'ready', environment: '.venv (Python 3.12.1)' }), 'Environment the requirements files are checked against');
});

test('the status bar names the environment', () => {
  assert.equal(environmentLabel('/home/u/p/.venv/bin/python'), '.venv');
  assert.equal(environmentLabel('C:\\p\\env\\Scripts\\python.exe'), 'env');
  assert.equal(environmentLabel('/home/u/p/venv'), 'venv');
  assert.equal(environmentLabel(undefined), 'no environment selected');
});

test('palette commands get the active file (and a package name); lenses and actions keep their own arguments', () => {
  assert.deepEqual(commandArguments('requirements.compile', [], 'file:///p/requirements.in'), ['file:///p/requirements.in']);
  assert.deepEqual(commandArguments('requirements.upgradePackage', [], 'file:///p/requirements.txt', 'Django'), ['file:///p/requirements.txt', 'Django']);
  assert.deepEqual(commandArguments('requirements.upgradePackage', [], 'file:///p/requirements.txt'), ['file:///p/requirements.txt']);
  assert.deepEqual(commandArguments('requirements.compile', ['file:///a.in', { upgrade: true }], 'file:///b.in'), ['file:///a.in', { upgrade: true }]);
  assert.equal(commandArguments('requirements.sync', [], undefined), undefined);
  assert.deepEqual(commandArguments('requirements.freeze', [], 'file:///p/requirements.txt', undefined, { target: 'file:///p/frozen.txt' }), [
    'file:///p/frozen.txt',
    { target: 'file:///p/frozen.txt' },
  ]);
  assert.deepEqual(commandArguments('requirements.createVenv', [], 'file:///p/requirements.txt', undefined, { python: '/usr/bin/python3.12' }), [
    'file:///p/requirements.txt',
    { python: '/usr/bin/python3.12' },
  ]);
  assert.equal(packageOnLine('Django[argon2]>=4 ; python_version > "3"  # web'), 'Django');
  assert.equal(packageOnLine('    # via -r requirements.in'), undefined);
  assert.equal(packageOnLine('-r base.txt'), undefined);
});

// Workspace Trust (issue 29, finding 9). A workspace's .vscode/settings.json is the repository's, not the user's.

/** The settings that name executables, folders, arguments, values or URLs that lead to running or contacting something. */
const SENSITIVE = [
  'requirements.venvPath',
  'requirements.python',
  'requirements.compile.args',
  'requirements.env',
  'requirements.indexUrl',
  'requirements.extraIndexUrls',
  'requirements.index.allowWorkspaceIndexes',
  'requirements.cacheDir',
  'requirements.vulnerabilities.osvUrl',
  // An untrusted workspace must not hide a typosquat or an advisory by its settings.
  'requirements.lookAlikes',
  'requirements.vulnerabilities.ignore',
];
/** Of those, the ones a workspace must not set even when trusted: the server treats them as the user's own choice of origin (or cache). */
const USER_ONLY = [
  'requirements.indexUrl',
  'requirements.extraIndexUrls',
  'requirements.index.allowWorkspaceIndexes',
  'requirements.cacheDir',
  'requirements.vulnerabilities.osvUrl',
];

test('the extension declares limited support for untrusted workspaces, with a description and the sensitive settings restricted', () => {
  const untrusted = manifest.capabilities?.untrustedWorkspaces;
  assert.equal(untrusted?.supported, 'limited');
  assert.match(untrusted.description, /Restricted Mode/);
  assert.deepEqual([...untrusted.restrictedConfigurations].sort(), [...SENSITIVE].sort());
  for (const key of untrusted.restrictedConfigurations) assert.ok(properties[key], `${key} is restricted but not contributed`);
});

test('every contributed setting has a scope; the sensitive ones are machine-scoped, and those naming an origin or the cache are user settings only', () => {
  const scopes = ['application', 'machine', 'machine-overridable', 'window', 'resource', 'language-overridable'];
  for (const [key, schema] of Object.entries(properties)) assert.ok(scopes.includes(schema.scope ?? ''), `${key} has scope ${schema.scope}`);
  for (const key of SENSITIVE) assert.match(properties[key]?.scope ?? '', /^(machine|machine-overridable|application)$/, key);
  for (const key of USER_ONLY) assert.match(properties[key]?.scope ?? '', /^(machine|application)$/, key);
});

test("requirements.index.allowWorkspaceIndexes: ask (default), always or never, described, restricted and out of a workspace's reach", () => {
  type Schema = { enum?: string[]; enumDescriptions?: string[]; default?: unknown; scope?: string };
  const setting = properties['requirements.index.allowWorkspaceIndexes'] as Schema | undefined;
  assert.deepEqual(setting?.enum, ['ask', 'always', 'never']);
  assert.equal(setting?.enumDescriptions?.length, 3);
  assert.equal(setting?.default, 'ask');
  assert.match(setting?.scope ?? '', /^(machine|application)$/);
});

test('every setting the server reads is contributed, so none reaches it from a workspace unscoped', () => {
  // VS Code passes an undeclared key of a workspace's settings.json through as it is; declared, its scope applies.
  // The server's own reader says what it reads: a proxy records each key readSettings looks at.
  const read = new Set<string>();
  const recorder = (prefix: string): object =>
    new Proxy(
      {},
      {
        get(_t, key) {
          if (typeof key !== 'string') return undefined;
          const name = prefix + key;
          read.add(name);
          for (const p of [...read]) if (name.startsWith(p + '.')) read.delete(p); // keep leaves only
          return recorder(name + '.');
        },
      },
    );
  readSettings(recorder(''));
  assert.ok(read.size > 10, [...read].join(', '));
  for (const key of read) assert.ok(properties[`requirements.${key}`], `the server reads requirements.${key}, which package.json does not contribute`);
});

test('commands that run a tool are hidden from the palette in Restricted Mode; the others are not', () => {
  const palette: { command: string; when?: string }[] = manifest.contributes.menus?.commandPalette ?? [];
  const tools = ['requirements.compile', 'requirements.upgradePackage', 'requirements.sync', 'requirements.install', 'requirements.createVenv'];
  for (const { command } of manifest.contributes.commands as { command: string }[]) {
    const when = palette.find((p) => p.command === command)?.when ?? '';
    assert.equal(runsProcess(command), tools.includes(command), command);
    if (tools.includes(command)) assert.match(when, /\bisWorkspaceTrusted\b/, command);
    else assert.doesNotMatch(when, /isWorkspaceTrusted/, command);
  }
});

test('initializationOptions carry workspaceTrusted, which no key in the settings can override', () => {
  assert.equal(initializationOptions({}, undefined, false).workspaceTrusted, false);
  assert.equal(initializationOptions({}, undefined, true).workspaceTrusted, true);
  // An undeclared `requirements.workspaceTrusted` in a workspace's settings.json arrives in the settings object.
  assert.equal(initializationOptions({ workspaceTrusted: true } as object, undefined, false).workspaceTrusted, false);
});

test('Restricted Mode: lenses and actions that run a tool are left out, and invoking one says why', () => {
  const lenses = [
    { title: 'Compile → requirements.txt', command: 'requirements.compile' },
    { title: 'Derive', command: 'requirements.deriveRequirementsIn' },
    { title: 'Install', kind: 'quickfix', command: { title: 'Install', command: 'requirements.install' } },
    { title: 'Pin', kind: 'refactor.rewrite' },
  ];
  assert.deepEqual(
    withoutProcessCommands(lenses)?.map((l) => l.title),
    ['Derive', 'Pin'],
  );
  assert.equal(withoutProcessCommands(null), null);
  assert.match(restrictedModeMessage('requirements.sync'), /^Sync runs pip-sync, uv or pip.*Restricted Mode.*trust the workspace/);
});

/** Bundles src/extension.ts as build.mjs does and loads it with the stand-in as its `vscode`; the recording server beside it. */
async function loadExtension(standIn: ReturnType<typeof createVscodeStandIn>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-vscode-unit-'));
  fs.mkdirSync(path.join(dir, 'dist'));
  fs.copyFileSync(path.join(here, 'fixtures/recordingServer.cjs'), path.join(dir, 'dist/server.cjs'));
  const bundle = path.join(dir, 'dist/extension.js');
  const entryPoints = [path.join(EXTENSION, 'src/extension.ts')];
  await build({ entryPoints, outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node18', external: ['vscode'], logLevel: 'warning' });
  // `require('vscode')` from the bundle resolves to this empty package, whose cache entry is the stand-in.
  fs.mkdirSync(path.join(dir, 'node_modules/vscode'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'node_modules/vscode/index.js'), "throw new Error('the vscode stand-in was not installed');\n");
  const require = createRequire(bundle);
  const resolved = require.resolve('vscode');
  require.cache[resolved] = { id: resolved, filename: resolved, loaded: true, exports: standIn.vscode } as unknown as NodeJS.Module;
  const extension = require(bundle) as { activate(context: unknown): Promise<void>; deactivate(): Promise<void> };
  const context = { subscriptions: [] as { dispose(): unknown }[], asAbsolutePath: (p: string) => path.join(dir, p) };
  const messages = () => {
    const file = path.join(dir, 'dist/messages.jsonl');
    return fs.existsSync(file)
      ? fs
          .readFileSync(file, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { method?: string; params?: any })
      : [];
  };
  return { dir, extension, context, messages };
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('the bundled extension: untrusted, the server starts untrusted and tool commands stay in the client; trust restarts it trusted', async () => {
  // The workspace's settings.json claims trust with an undeclared key; it must not count.
  const standIn = createVscodeStandIn({ trusted: false, settings: { requirements: { workspaceTrusted: true, logLevel: 'debug' } } });
  const { dir, extension, context, messages } = await loadExtension(standIn);
  try {
    await extension.activate(context);
    const initialize = () => messages().filter((m) => m.method === 'initialize');
    const first = await until('initialize', () => initialize()[0]);
    assert.equal(first.params.initializationOptions.workspaceTrusted, false);
    assert.equal(first.params.initializationOptions.logLevel, 'debug');

    const uri = 'file:///p/requirements.in';
    const compile = await until('requirements.compile registered', () => standIn.commands.get('requirements.compile'));
    assert.equal(await compile(uri), undefined);
    assert.match(standIn.messages.at(-1)?.text ?? '', /^Compile runs .*Restricted Mode/);
    // freeze runs no process: it reaches the server, and compile, invoked before it on the same stream, did not.
    await standIn.commands.get('requirements.freeze')!(uri);
    await until('freeze at the server', () => messages().find((m) => m.method === 'workspace/executeCommand') ?? undefined);
    assert.deepEqual(
      messages()
        .filter((m) => m.method === 'workspace/executeCommand')
        .map((m) => m.params.command),
      ['requirements.freeze'],
    );

    const document = { uri: (standIn.vscode.Uri as { parse(s: string): unknown }).parse(uri), languageId: 'pip-requirements', version: 1 };
    const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };
    const titles = async () => ((await standIn.codeLensProviders[0].provideCodeLenses(document, token)) ?? []).map((l) => l.command?.title);
    assert.deepEqual(await titles(), ['Derive requirements.in']);

    standIn.grantTrust();
    const second = await until('a second initialize', () => initialize()[1]);
    assert.equal(second.params.initializationOptions.workspaceTrusted, true);
    await until('the restarted client', () => (standIn.codeLensProviders.length ? true : undefined));
    assert.deepEqual(await titles(), ['Compile → requirements.txt', 'Sync environment', 'Derive requirements.in']);
    await standIn.commands.get('requirements.compile')!(uri);
    await until('compile at the server', () => messages().find((m) => m.method === 'workspace/executeCommand' && m.params.command === 'requirements.compile'));
  } finally {
    await extension.deactivate().catch(() => undefined);
    for (const d of context.subscriptions) d.dispose();
    // The recording server appends `exit` after stop() resolves; past that line it writes nothing more. Every one of
    // them: the server started again after trust was granted wrote on while the folder was removed (ENOTEMPTY).
    const count = (method: string) => messages().filter((m) => m.method === method).length;
    await until('every recording server to exit', () => (count('exit') >= Math.max(1, count('initialize')) ? true : undefined), 5000).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  }
});

test('publishable: the manifest names its repository, homepage and bugs; a full MIT licence with a copyright line at the root and in the .vsix', () => {
  const repo = 'https://github.com/requirements-language-server/requirements-language-server';
  assert.deepEqual(manifest.repository, { type: 'git', url: `${repo}.git`, directory: 'client/vscode' });
  assert.equal(manifest.homepage, `${repo}#readme`);
  assert.deepEqual(manifest.bugs, { url: `${repo}/issues` });
  assert.doesNotMatch(manifest.scripts.package, /--allow-missing-repository/);
  const root = fs.readFileSync(path.join(EXTENSION, '../../LICENSE'), 'utf8');
  assert.match(root, /^MIT License\n\nCopyright \(c\) 2026 The requirements-language-server authors\n/);
  for (const clause of [
    'to use, copy, modify, merge, publish, distribute, sublicense, and/or sell',
    'The above copyright notice and this permission notice shall be included in all',
    'IN NO EVENT SHALL THE\nAUTHORS OR COPYRIGHT HOLDERS BE LIABLE',
  ]) {
    assert.ok(root.includes(clause), clause);
  }
  // vsce puts client/vscode/LICENSE into the .vsix as LICENSE.txt.
  assert.equal(fs.readFileSync(path.join(EXTENSION, 'LICENSE'), 'utf8'), root);
  const readme = fs.readFileSync(path.join(EXTENSION, 'README.md'), 'utf8');
  assert.ok(readme.includes(`](${repo}#readme)`) && readme.includes(`](${repo}/issues)`), 'the extension README links the repository');
});
