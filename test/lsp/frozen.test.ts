// The pip freeze workflow over LSP with real parts: a venv holding stand-ins for flask 3.0.3 and requests 2.32.3
// and their dependencies (wheels built from test/fixtures/flaskStandIns.ts; nothing is downloadable), the file
// `pip freeze` prints for it, the derive action, the built-in compile, freeze, and venv creation.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { indexedEnv, TestClient, testEnv } from './client.ts';
import { startIndexServer } from '../fixtures/indexServer.ts';
import { buildWheels, isolatedPipEnv, pipInstall } from '../fixtures/python.ts';
import { frozenText, INSTALLED, installedStandIns, STAND_INS } from '../fixtures/flaskStandIns.ts';

let dir: string;
let wheels: string;
let venv: string;
let frozen: string;
let client: TestClient;
const edits: unknown[] = [];
const prompts: { message: string; actions: { title: string }[] }[] = [];
const home = () => path.join(dir, 'home');
const uriOf = (name: string) => pathToFileURL(path.join(dir, name)).toString();
const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
const run = (command: string, ...args: unknown[]) => client.request('workspace/executeCommand', { command, arguments: args }, 180_000);
/** Requirement lines only: no comments, no options, no blanks. */
const requirementLines = (text: string) => text.split('\n').filter((l) => /^[A-Za-z0-9]/.test(l));
/** `name==version` with PEP 503 names (the compile writes them normalized, pip freeze as the project spells them). */
const pinsOf = (text: string) =>
  requirementLines(text)
    .map((l) => l.split(/\s/)[0].replace(/^[^=]+/, (n) => n.toLowerCase().replace(/[-_.]+/g, '-')))
    .sort();

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-frozen-'));
  fs.mkdirSync(path.join(home(), '.config'), { recursive: true });
  wheels = path.join(dir, 'wheels');
  buildWheels(wheels, STAND_INS);
  // A venv with its own pip: the built-in compile runs it, and `pip freeze` writes the file under test.
  venv = path.join(dir, '.venv');
  execFileSync('python3', ['-m', 'venv', venv], { stdio: 'pipe' });
  pipInstall(venv, wheels, INSTALLED, home());
  frozen = execFileSync(path.join(venv, 'bin', 'python'), ['-m', 'pip', 'freeze'], { env: isolatedPipEnv(home()) }).toString();
  fs.writeFileSync(path.join(dir, 'requirements.txt'), frozen);
  ({ client } = await TestClient.start({
    rootUri: pathToFileURL(dir).toString(),
    capabilities: {
      window: { workDoneProgress: true },
      workspace: { applyEdit: true, workspaceEdit: { documentChanges: true, resourceOperations: ['create'] } },
    },
    initializationOptions: { compile: { tool: 'builtin', args: ['--find-links', wheels] } },
    env: testEnv({ HOME: home(), XDG_CONFIG_HOME: path.join(home(), '.config') }),
  }));
  client.connection.onRequest('workspace/applyEdit', (p: { edit: unknown }) => {
    edits.push(p.edit);
    return { applied: true };
  });
  client.connection.onRequest('window/showMessageRequest', (p: { message: string; actions: { title: string }[] }) => {
    prompts.push(p);
    return p.actions[0];
  });
});
after(async () => {
  if (client?.exited) console.error(client.stderr.join(''));
  await client?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('freeze → requirements.in → compile: the same 12 pins come back, now with # via', async () => {
  assert.equal(requirementLines(frozen).length, 12, `pip freeze printed:\n${frozen}`);
  assert.equal(frozen, frozenText(), 'the Neovim test writes the same file without running pip');
  const uri = client.open(path.join(dir, 'requirements.txt'), frozen);
  const diagnostics = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'frozen-file'), 20_000);
  const hint = diagnostics.find((d) => d.code === 'frozen-file')!;
  assert.equal(hint.range.start.line, 0);
  assert.match(
    hint.message,
    /^Looks like pip freeze output: 10 of 12 pins are only here because another pin requires them \(read from \.venv \(Python [\d.]+\)'s installed metadata\)/,
  );

  const actions: any[] = await client.request('textDocument/codeAction', { textDocument: { uri }, range: hint.range, context: { diagnostics: [hint] } });
  const derive = actions.find((a) => a.title === 'Derive requirements.in (top-level packages)');
  assert.ok(derive, actions.map((a) => a.title).join('\n'));
  assert.equal(derive.isPreferred, true);
  assert.ok(actions.some((a) => a.title === 'Derive requirements.in (top-level packages, ~= today’s versions)'));
  const [create, text] = derive.edit.documentChanges;
  assert.deepEqual(create, { kind: 'create', uri: uriOf('requirements.in'), options: { overwrite: false, ignoreIfExists: false } });
  // The client applies the edit: the file appears with the text.
  fs.writeFileSync(path.join(dir, 'requirements.in'), text.edits[0].newText);
  assert.deepEqual(requirementLines(read('requirements.in')), ['Flask', 'requests'], 'names as pip freeze wrote them');

  // The .txt now has its .in: the follow-up compiles it keeping today's versions (newer Flask, MarkupSafe, idna are in the wheel folder).
  client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('requirements.in'), type: 1 }] });
  const after: any[] = await client.request('textDocument/codeAction', { textDocument: { uri }, range: hint.range, context: { diagnostics: [] } });
  const compile = after.find((a) => a.title === "Compile requirements.in, keeping today's versions");
  assert.ok(compile, after.map((a) => a.title).join('\n'));
  assert.ok(!after.some((a) => /^Derive/.test(a.title)), 'no second .in is offered');
  client.notify('textDocument/didClose', { textDocument: { uri } });
  const result = await run(compile.command.command, ...compile.command.arguments);
  assert.equal(result.ok, true, result.message);
  const compiled = read('requirements.txt');
  assert.deepEqual(pinsOf(compiled), pinsOf(frozen), compiled);
  assert.equal(pinsOf(compiled).length, 12);
  assert.match(compiled, /^flask==3\.0\.3\n\s+# via -r requirements\.in$/im);
  assert.match(compiled, /^markupsafe==2\.1\.5\n\s+# via\n\s+#\s+jinja2\n\s+#\s+werkzeug$/im);
  for (const pin of requirementLines(compiled))
    assert.match(compiled, new RegExp(`^${pin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n\\s+# via`, 'm'), `${pin} has provenance`);
});

test('the derive command (clients without CreateFile) writes the .in itself, never overwrites it, and offers the missing lines as an edit', async () => {
  fs.mkdirSync(path.join(dir, 'cmd'));
  fs.writeFileSync(path.join(dir, 'cmd', 'requirements.txt'), frozen);
  const uri = pathToFileURL(path.join(dir, 'cmd', 'requirements.txt')).toString();
  const first = await run('requirements.deriveRequirementsIn', uri, { bounds: 'minimum' });
  assert.equal(first.ok, true, first.message);
  assert.deepEqual(first.topLevel, ['Flask', 'requests']);
  assert.deepEqual(requirementLines(fs.readFileSync(path.join(dir, 'cmd', 'requirements.in'), 'utf8')), ['Flask>=3.0.3', 'requests>=2.32.3']);
  // The user removed requests from the .in: the command adds it back as an edit, and keeps their text.
  fs.writeFileSync(path.join(dir, 'cmd', 'requirements.in'), 'Flask>=3  # mine\n');
  const second = await run('requirements.deriveRequirementsIn', uri);
  assert.equal(second.ok, true, second.message);
  assert.equal(fs.readFileSync(path.join(dir, 'cmd', 'requirements.in'), 'utf8'), 'Flask>=3  # mine\n', 'not overwritten');
  const edit = edits.at(-1) as { changes: Record<string, { newText: string; range: unknown }[]> };
  assert.deepEqual(edit.changes[pathToFileURL(path.join(dir, 'cmd', 'requirements.in')).toString()], [
    { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, newText: 'requests\n' },
  ]);
});

test('freeze this environment: the same lines as pip freeze, as a new file or as an edit of an existing one', async () => {
  const target = path.join(dir, 'frozen-again.txt');
  const created = await run('requirements.freeze', pathToFileURL(target).toString());
  assert.equal(created.ok, true, created.message);
  assert.equal(fs.readFileSync(target, 'utf8'), frozen, 'byte for byte what pip freeze printed');
  const all = await run('requirements.freeze', pathToFileURL(target).toString(), { all: true });
  assert.equal(all.ok, true);
  const edit = edits.at(-1) as { changes: Record<string, { newText: string }[]> };
  assert.match(edit.changes[pathToFileURL(target).toString()][0].newText, /^pip==/m, 'pip is listed when asked');
});

test('create a virtual environment here: python -m venv .venv, then install the file into it when the user says so', async () => {
  fs.mkdirSync(path.join(dir, 'fresh'));
  fs.writeFileSync(path.join(dir, 'fresh', 'requirements.txt'), `--find-links ${wheels}\nblinker==1.8.2\n`);
  const uri = pathToFileURL(path.join(dir, 'fresh', 'requirements.txt')).toString();
  const result = await run('requirements.createVenv', uri);
  assert.equal(result.ok, true, result.message);
  assert.equal(result.installed, true);
  assert.match(prompts.at(-1)!.message, /Created \.venv with .*python3?\. Install requirements\.txt into it\?/);
  const site = fs.readdirSync(path.join(dir, 'fresh', '.venv', 'lib')).map((p) => path.join(dir, 'fresh', '.venv', 'lib', p, 'site-packages'))[0];
  assert.ok(fs.existsSync(path.join(site, 'blinker-1.8.2.dist-info')), 'installed into the new venv');
  const again = await run('requirements.createVenv', uri);
  assert.equal(again.ok, false);
  assert.match(again.message, /\.venv already exists/);
});

test('with no environment, the package index metadata (PEP 658) tells what requires what, and the hint says so', async () => {
  const projects = installedStandIns().map((w) => ({
    name: w.name,
    files: [{ filename: `${w.name}-${w.version}-py3-none-any.whl`, requiresDist: w.requires ?? [] }],
  }));
  const index = await startIndexServer(projects, { metadata: true, noJsonApi: true });
  const alone = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-frozen-novenv-'));
  const { client: other } = await TestClient.start({
    rootUri: pathToFileURL(alone).toString(),
    initializationOptions: {},
    env: indexedEnv(index.url, { HOME: home() }),
  });
  try {
    const uri = other.open(path.join(alone, 'requirements.txt'), frozen);
    const diagnostics = await other.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'frozen-file' && !/not known yet/.test(x.message)), 20_000);
    const hint = diagnostics.find((d) => d.code === 'frozen-file')!;
    assert.match(
      hint.message,
      /^Looks like pip freeze output: 10 of 12 pins are only here because another pin requires them \(read from the package index's metadata \(no environment found\)\)/,
    );
    assert.ok(
      index.requests.some((r) => r.path === '/files/Flask-3.0.3-py3-none-any.whl.metadata'),
      "the release's own metadata was read",
    );
    const actions: any[] = await other.request('textDocument/codeAction', { textDocument: { uri }, range: hint.range, context: { diagnostics: [hint] } });
    const derive = actions.find((a) => a.title === 'Derive requirements.in (top-level packages)');
    assert.deepEqual(derive.command.arguments, [uri, { bounds: 'none' }], 'a client without CreateFile gets the command');
    const result = await other.request('workspace/executeCommand', { command: derive.command.command, arguments: derive.command.arguments });
    assert.deepEqual(result.topLevel, ['Flask', 'requests']);
    assert.match(
      fs.readFileSync(path.join(alone, 'requirements.in'), 'utf8'),
      /^# Top-level packages of requirements\.txt, derived from the package index's metadata/,
    );
  } finally {
    await other.stop();
    await index.stop();
    fs.rmSync(alone, { recursive: true, force: true });
  }
});
