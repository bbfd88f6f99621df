// Issue 25: compiling a pyproject.toml (its dependencies, with an extra or a dependency group) to a requirements
// file over LSP, through the built-in resolver (the one that always runs here: the venv's pip, wheels built here,
// --find-links only), and the code lenses that offer it on the arrays' keys.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TestClient, testEnv } from './client.ts';
import { buildWheels } from '../fixtures/python.ts';

let dir: string;
let client: TestClient;
const home = () => path.join(dir, 'home');

const PYPROJECT = `[build-system]
requires = ["setuptools>=61"]

[project]
name = "demo"
version = "0.1.0"
dependencies = [
  "alpha>=1",
]

[project.optional-dependencies]
dev = ["devtool"]

[dependency-groups]
test = ["testlib", {include-group = "lint"}]
lint = ["linter"]
`;

before(async () => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rls-compile-pyproject-')));
  fs.mkdirSync(path.join(home(), '.config'), { recursive: true });
  buildWheels(path.join(dir, 'wheels'), [
    { name: 'alpha', version: '1.0', requires: ['shared>=1.0'] },
    { name: 'shared', version: '1.5' },
    { name: 'devtool', version: '3.0' },
    { name: 'testlib', version: '1.0' },
    { name: 'linter', version: '0.9' },
  ]);
  execFileSync('python3', ['-m', 'venv', path.join(dir, '.venv')], { stdio: 'pipe' });
  fs.writeFileSync(path.join(dir, 'pyproject.toml'), PYPROJECT);
  ({ client } = await TestClient.start({
    rootUri: pathToFileURL(dir).toString(),
    initializationOptions: { compile: { tool: 'builtin', args: ['--find-links', path.join(dir, 'wheels')] } },
    env: testEnv({ HOME: home(), XDG_CONFIG_HOME: path.join(home(), '.config') }),
  }));
});
after(async () => {
  if (client?.exited) console.error(client.stderr.join(''));
  await client?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const uri = () => pathToFileURL(path.join(dir, 'pyproject.toml')).toString();
const run = (...args: unknown[]) =>
  client.request('workspace/executeCommand', { command: 'requirements.compile', arguments: args }, 180_000) as Promise<{
    ok: boolean;
    message: string;
    output?: string;
  }>;
/** The pins of a compiled file with their `# via` lines, the header left out. */
const body = (text: string) => text.slice(text.indexOf('\n', text.lastIndexOf('#\n')) + 1);

test('code lenses on [project] dependencies, each extra and each group offer the compile', async () => {
  client.open(path.join(dir, 'pyproject.toml'), PYPROJECT, 'toml');
  const lenses = (await client.request('textDocument/codeLens', { textDocument: { uri: uri() } })) as {
    range: { start: { line: number } };
    command: { title: string; arguments: unknown[] };
  }[];
  assert.deepEqual(
    lenses.map((l) => [l.range.start.line, l.command.title, l.command.arguments[1]]),
    [
      [6, 'Compile to requirements.txt', undefined],
      [11, 'Compile [dev] to requirements-dev.txt', { extras: ['dev'] }],
      [14, 'Compile group test to requirements-test.txt', { groups: ['test'] }],
      [15, 'Compile group lint to requirements-lint.txt', { groups: ['lint'] }],
    ],
  );
});

test('pyproject.toml with an extra, through the built-in resolver: the header names the file and the extra, # via says (pyproject.toml)', async () => {
  const result = await run(uri(), { extras: ['dev'] });
  assert.equal(result.ok, true, result.message);
  assert.equal(result.output, pathToFileURL(path.join(dir, 'requirements-dev.txt')).toString());
  const text = fs.readFileSync(path.join(dir, 'requirements-dev.txt'), 'utf8');
  assert.match(text, /^# {4}requirements-language-server compile --find-links \S+ --extra dev --output-file requirements-dev\.txt pyproject\.toml$/m);
  assert.equal(
    body(text),
    ['alpha==1.0', '    # via demo (pyproject.toml)', 'devtool==3.0', '    # via demo (pyproject.toml)', 'shared==1.5', '    # via alpha', ''].join('\n'),
  );
  // The project's build requirements are not its dependencies, and the groups were not asked for.
  assert.doesNotMatch(text, /setuptools|testlib|linter/);
  // Go to definition from the pin and from its `# via demo (pyproject.toml)` lands on the string in pyproject.toml.
  const out = client.open(path.join(dir, 'requirements-dev.txt'), text);
  const def = async (line: number, character: number) =>
    ((await client.request('textDocument/definition', { textDocument: { uri: out }, position: { line, character } })) as any[]).map((l) => [
      path.basename(fileURLToPath(l.uri)),
      l.range.start.line,
      l.range.start.character,
    ]);
  const pin = text.split('\n').indexOf('devtool==3.0');
  assert.deepEqual(await def(pin, 1), [['pyproject.toml', 11, 8]]);
  assert.deepEqual(await def(pin + 1, 14), [['pyproject.toml', 11, 8]]);
  // Recompiling the output compiles what made it: the pyproject.toml with the extra its header names.
  const lenses = (await client.request('textDocument/codeLens', { textDocument: { uri: out } })) as { command: { title: string } }[];
  assert.deepEqual(
    lenses.map((l) => l.command.title),
    ['Recompile from pyproject.toml', 'Sync environment'],
  );
  fs.writeFileSync(path.join(dir, 'requirements-dev.txt'), text + 'stale==0\n');
  const again = await run(pathToFileURL(path.join(dir, 'requirements-dev.txt')).toString());
  assert.equal(again.ok, true, again.message);
  assert.match(again.message, /^Compiled pyproject\.toml → requirements-dev\.txt with the built-in resolver: 3 pins/);
  assert.equal(fs.readFileSync(path.join(dir, 'requirements-dev.txt'), 'utf8'), text);
});

test('a dependency group, its include-group followed; an unknown extra is said, nothing is written', async () => {
  const result = await run(uri(), { groups: ['test'] });
  assert.equal(result.ok, true, result.message);
  const text = fs.readFileSync(path.join(dir, 'requirements-test.txt'), 'utf8');
  assert.match(text, /^# {4}requirements-language-server compile --find-links \S+ --group test --output-file requirements-test\.txt pyproject\.toml$/m);
  assert.match(text, /^linter==0\.9\n {4}# via demo \(pyproject\.toml\)$/m);
  assert.match(text, /^testlib==1\.0$/m);
  assert.match(text, /^alpha==1\.0$/m);
  const unknown = await run(uri(), { extras: ['docs'] });
  assert.equal(unknown.ok, false);
  assert.match(unknown.message, /demo has no extra 'docs'/);
  assert.equal(fs.existsSync(path.join(dir, 'requirements-docs.txt')), false);
});

test('allExtras: every extra, --all-extras in the header, requirements-all-extras.txt', async () => {
  const result = await run(uri(), { allExtras: true });
  assert.equal(result.ok, true, result.message);
  const text = fs.readFileSync(path.join(dir, 'requirements-all-extras.txt'), 'utf8');
  assert.match(text, /^# {4}requirements-language-server compile --find-links \S+ --all-extras --output-file requirements-all-extras\.txt pyproject\.toml$/m);
  assert.equal(body(text), body(fs.readFileSync(path.join(dir, 'requirements-dev.txt'), 'utf8')));
});

test('from a terminal: compile pyproject.toml --extra dev -o - prints what the command writes', () => {
  const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server/bin/requirements-language-server.cjs');
  const args = ['compile', 'pyproject.toml', '--tool', 'builtin', '--find-links', path.join(dir, 'wheels'), '--extra', 'dev', '-o', '-'];
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: testEnv({ HOME: home(), XDG_CONFIG_HOME: path.join(home(), '.config') }),
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(body(r.stdout), body(fs.readFileSync(path.join(dir, 'requirements-dev.txt'), 'utf8')));
  assert.match(r.stdout, /^# {4}requirements-language-server compile --find-links \S+ --extra dev --output-file requirements-dev\.txt pyproject\.toml$/m);
});
