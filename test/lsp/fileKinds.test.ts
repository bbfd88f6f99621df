// Every place Python dependencies are written (issue 25), over LSP: pyproject.toml's arrays, a script's PEP 723
// block and pylock.toml's entries get what a requirements line gets, with ranges inside the strings; the rest of
// each file (the TOML around, the Python code) gets nothing. A real venv holds requests 2.30.0; the loopback
// index serves the projects and their advisories.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { indexedEnv, TestClient, type Diag } from './client.ts';
import { ADVISORIES } from '../fixtures/advisories.ts';
import { FIXTURE_PROJECTS, startIndexServer, VULNERABLE_PROJECTS, type IndexServer } from '../fixtures/indexServer.ts';
import { buildWheels, makeVenv, pipInstall } from '../fixtures/python.ts';

let server: IndexServer;
let client: TestClient;
let dir: string;
before(
  async () => {
    const django = FIXTURE_PROJECTS.find((p) => p.name === 'Django')!;
    const setuptools = {
      name: 'setuptools',
      summary: 'Easily download, build, install, upgrade, and uninstall Python packages',
      files: [{ filename: 'setuptools-69.5.1-py3-none-any.whl' }],
    };
    server = await startIndexServer([...VULNERABLE_PROJECTS, django, setuptools], { advisories: ADVISORIES });
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rls-kinds-')));
    buildWheels(path.join(dir, 'wheels'), [{ name: 'requests', version: '2.30.0' }]);
    pipInstall(makeVenv(path.join(dir, '.venv')), path.join(dir, 'wheels'), ['requests==2.30.0'], path.join(dir, 'home'));
    const settings = { diagnostics: { environment: true, outdated: false } };
    ({ client } = await TestClient.start({ env: indexedEnv(server.url), rootUri: pathToFileURL(dir).toString(), initializationOptions: settings }));
  },
  { timeout: 120_000 },
);
after(
  async () => {
    await client.stop();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  },
  { timeout: 60_000 },
);

const PYPROJECT = `[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "demo"
version = "0.1.0"
description = "A project = with [brackets] and \\"quotes\\" that a requirements parser would trip on"
dependencies = [
  "django=5.0",
  "reqeusts",
  "requests>=2.31",
  "flask>=3",
]

[project.optional-dependencies]
templates = ["jinja2==3.1.2"]

[tool.ruff]
line-length = 100
select = ["E", "F"]
`;

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle));
const at = (text: string, needle: string, offset = 0) => ({
  line: lineOf(text, needle),
  character: text.split('\n')[lineOf(text, needle)].indexOf(needle) + offset,
});
const apply = (text: string, uri: string, action: any) => TextDocument.applyEdits(TextDocument.create(uri, 'toml', 1, text), action.edit?.changes?.[uri] ?? []);

test('pyproject.toml: the operator error, the unknown name, the installed mismatch and the advisory, each on its line, and no other error', async () => {
  const uri = client.open(path.join(dir, 'pyproject.toml'), PYPROJECT, 'toml');
  const has = (ds: Diag[], code: string) => ds.some((d) => d.code === code);
  const ds = await client.waitForDiagnostics(
    uri,
    (d) => has(d, 'unknown-package') && has(d, 'version-mismatch') && d.some((x) => x.code === 'vulnerable' && x.message.startsWith('jinja2')),
    30_000,
  );
  const on = (code: string) => ds.filter((d) => d.code === code).map((d) => d.range.start.line);
  assert.deepEqual(on('invalid-operator'), [lineOf(PYPROJECT, 'django=5.0')]);
  const operator = ds.find((d) => d.code === 'invalid-operator')!;
  assert.deepEqual(operator.range, { start: at(PYPROJECT, '=5.0'), end: at(PYPROJECT, '=5.0', 1) });
  assert.deepEqual(on('unknown-package'), [lineOf(PYPROJECT, 'reqeusts')]);
  assert.match(ds.find((d) => d.code === 'unknown-package')!.message, /did you mean 'requests'/);
  assert.deepEqual(on('version-mismatch'), [lineOf(PYPROJECT, 'requests>=2.31')]);
  assert.ok(on('vulnerable').includes(lineOf(PYPROJECT, 'jinja2==3.1.2')), JSON.stringify(ds));
  const errors = ds.filter((d) => d.severity === 1).map((d) => `${d.code}@${d.range.start.line}`);
  assert.deepEqual(
    errors.sort(),
    [`invalid-operator@${lineOf(PYPROJECT, 'django')}`, `unknown-package@${lineOf(PYPROJECT, 'reqeusts')}`].sort(),
    JSON.stringify(ds),
  );
  // Nothing outside the arrays: every diagnostic is inside one of the requirement strings.
  const strings = ['setuptools>=61', 'django=5.0', 'reqeusts', 'requests>=2.31', 'flask>=3', 'jinja2==3.1.2'].map((s) => ({
    start: at(PYPROJECT, s),
    end: at(PYPROJECT, s, s.length),
  }));
  const inside = (r: Diag['range']) =>
    strings.some(
      (s) => r.start.line === s.start.line && r.end.line === s.start.line && r.start.character >= s.start.character && r.end.character <= s.end.character,
    );
  for (const d of ds) assert.ok(inside(d.range), `${d.code} at ${JSON.stringify(d.range)}: ${d.message}`);
  // An extra is not the environment's business: jinja2 is not installed, and not said to be missing.
  assert.ok(!ds.some((d) => d.code === 'not-installed' && d.range.start.line === lineOf(PYPROJECT, 'jinja2')));

  // The fix of the operator, and the one of the mismatch, rewrite inside the string.
  const fixes = await client.request('textDocument/codeAction', {
    textDocument: { uri },
    range: operator.range,
    context: { diagnostics: [operator], only: ['quickfix'] },
  });
  assert.match(
    apply(
      PYPROJECT,
      uri,
      fixes.find((a: any) => a.title === "Replace '=' with '=='"),
    ),
    /^ {2}"django==5\.0",$/m,
  );
  const mismatch = ds.find((d) => d.code === 'version-mismatch')!;
  const pins = await client.request('textDocument/codeAction', {
    textDocument: { uri },
    range: mismatch.range,
    context: { diagnostics: [mismatch], only: ['quickfix'] },
  });
  const pin = pins.find((a: any) => a.title === 'Pin to the installed 2.30.0');
  assert.ok(pin, JSON.stringify(pins.map((a: any) => a.title)));
  const fixed = apply(PYPROJECT, uri, pin);
  assert.equal(fixed, PYPROJECT.replace('"requests>=2.31"', '"requests==2.30.0"'));
  // No source action that rewrites lines of a requirements file (sort, normalize, pin all) is offered here.
  const source = await client.request('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: at(PYPROJECT, 'flask'), end: at(PYPROJECT, 'flask') },
    context: { diagnostics: [], only: ['source'] },
  });
  assert.ok(!source.some((a: any) => /sort|normalize|pin all|compile/i.test(a.title)), `offered: ${JSON.stringify(source.map((a: any) => a.title))}`);
});

test('pyproject.toml: a requirement pip rejects: no pin or upgrade (it would insert after the bad operator), and the hover says "requirement"', async () => {
  const text = '[project]\ndependencies = ["django=5.0", "django>=5"]\n';
  const uri = client.open(path.join(dir, 'rejected', 'pyproject.toml'), text, 'toml');
  const refactors = (needle: string) =>
    client.request('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: at(text, needle, 2), end: at(text, needle, 2) },
      context: { diagnostics: [], only: ['refactor'] },
    });
  let good: any[] = [];
  for (let i = 0; i < 100 && !good.some((a) => /latest/.test(a.title)); i++) {
    good = await refactors('"django>=5"');
    if (!good.some((a) => /latest/.test(a.title))) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(
    good.some((a) => /latest/.test(a.title)),
    JSON.stringify(good),
  );
  // Before: 'Pin django to the latest …' inserted '==5.0.6' after 'django', giving "django==5.0.6=5.0".
  const bad = await refactors('"django=5.0"');
  assert.deepEqual(
    bad.map((a: any) => `${a.title}: ${apply(text, uri, a).split('\n')[1]}`),
    [],
  );
  // The hover names the problem; in a TOML string it is a requirement, not a line.
  const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: at(text, '"django=5.0"', 2) });
  assert.match(hover.contents.value, /^\*\*django\*\*\n\npip rejects this requirement: '=' is not a version operator/);
});

test('pyproject.toml: a string still being typed (no closing quote yet) does not take the array\'s "]" as part of it', async () => {
  // VS Code has no TOML language of its own, so no closing quote is typed for the user: this is the line as typed.
  const text = '[project]\ndependencies = ["flask>=3", "django==]\n\n[tool.ruff]\nline-length = 100\n';
  const uri = client.open(path.join(dir, 'typing', 'pyproject.toml'), text, 'toml');
  const ds = await client.waitForDiagnostics(uri, (d) => d.length > 0, 30_000);
  // Before: "']' is not a valid version for '=='".
  assert.ok(!ds.some((d) => d.message.includes("']'")), JSON.stringify(ds));
  const end = at(text, 'django==', 'django=='.length);
  for (const d of ds) assert.ok(d.range.start.line === end.line && d.range.end.character <= end.character, JSON.stringify(d));
  let labels: string[] = [];
  for (let i = 0; i < 100 && !labels.includes('5.0.6'); i++) {
    const list = await client.request('textDocument/completion', { textDocument: { uri }, position: end });
    labels = (list?.items ?? list ?? []).map((x: any) => x.label);
    if (!labels.includes('5.0.6')) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(labels.includes('5.0.6'), JSON.stringify(labels));
});

test('pyproject.toml: hover on "flask>=3" describes flask; nothing over the TOML around', async () => {
  const uri = client.open(path.join(dir, 'hover', 'pyproject.toml'), PYPROJECT, 'toml');
  let hover: any;
  for (let i = 0; i < 50 && !/A simple framework/.test(hover?.contents?.value ?? ''); i++) {
    hover = await client.request('textDocument/hover', { textDocument: { uri }, position: at(PYPROJECT, 'flask>=3', 2) });
    if (!/A simple framework/.test(hover?.contents?.value ?? '')) await new Promise((r) => setTimeout(r, 100));
  }
  assert.match(hover.contents.value, /flask/i);
  assert.match(hover.contents.value, /A simple framework for building complex web applications/);
  for (const needle of ['line-length', 'name = "demo"', 'dependencies = [', 'build-backend']) {
    assert.equal(await client.request('textDocument/hover', { textDocument: { uri }, position: at(PYPROJECT, needle, 1) }), null, needle);
  }
});

test('pyproject.toml: completion after "flask== lists the index\'s versions, and nothing in a TOML key', async () => {
  const text = PYPROJECT.replace('"flask>=3"', '"flask=="');
  const uri = client.open(path.join(dir, 'complete', 'pyproject.toml'), text, 'toml');
  const position = at(text, 'flask==', 'flask=='.length);
  let labels: string[] = [];
  for (let i = 0; i < 50 && !labels.includes('3.0.3'); i++) {
    const list = await client.request('textDocument/completion', { textDocument: { uri }, position });
    labels = list.items.map((x: any) => x.label);
    if (!labels.includes('3.0.3')) await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(labels.filter((l) => /^\d/.test(l)).sort(), ['3.0.0', '3.0.3']);
  const outside = await client.request('textDocument/completion', { textDocument: { uri }, position: at(text, 'line-length', 4) });
  assert.equal((outside?.items ?? []).length, 0, JSON.stringify(outside));
});

test('pyproject.toml: [dependency-groups] include-group of a missing group, and a cycle, are errors; other arrays are read too', async () => {
  const text = `[dependency-groups]
dev = ["pytest-nope=1", {include-group = "lint"}, {include-group = "docs"}]
lint = ["ruff", {include-group = "dev"}]

[tool.uv]
constraint-dependencies = ["flask=3"]
override-dependencies = ["jinja2>=3"]
dev-dependencies = ["-r requirements.txt"]
`;
  const uri = client.open(path.join(dir, 'groups', 'pyproject.toml'), text, 'toml');
  const ds = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'unknown-group'));
  const codes = (code: string) => ds.filter((d) => d.code === code).map((d) => d.range.start.line);
  assert.deepEqual(codes('unknown-group'), [1]);
  assert.match(ds.find((d) => d.code === 'unknown-group')!.message, /No dependency group 'docs'/);
  assert.deepEqual(codes('group-cycle'), [1, 2]);
  assert.deepEqual(codes('invalid-operator').sort(), [1, 5]);
  assert.deepEqual(codes('requirements-file-only'), [7]);
  // Go to definition on an include-group: the group.
  const defs = await client.request('textDocument/definition', {
    textDocument: { uri },
    position: { line: 1, character: text.split('\n')[1].indexOf('"lint"') + 2 },
  });
  assert.deepEqual(defs, [{ uri, range: { start: { line: 2, character: 0 }, end: { line: 2, character: 4 } } }]);
});

test('a script: "rich=13" in its PEP 723 block is an error; its Python code gets nothing', async () => {
  const text = `#!/usr/bin/env python
# /// script
# requires-python = ">=3.11"
# dependencies = [
#   "rich=13",
# ]
# ///
import rich
deps = ["requests=1", "reqeusts"]  # not a block: Python's
print(deps)
`;
  const uri = client.open(path.join(dir, 'tool.py'), text, 'python');
  const ds = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'invalid-operator'));
  assert.deepEqual(
    ds.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}`),
    ['invalid-operator@4:9'],
  );
  for (const position of [
    { line: 7, character: 8 },
    { line: 8, character: 10 },
    { line: 0, character: 3 },
  ]) {
    assert.equal(await client.request('textDocument/hover', { textDocument: { uri }, position }), null);
    const list = await client.request('textDocument/completion', { textDocument: { uri }, position });
    assert.equal((list?.items ?? []).length, 0);
  }
  assert.deepEqual(await client.request('textDocument/documentSymbol', { textDocument: { uri } }).then((s: any[]) => s.map((x) => x.name)), ['rich']);
  // The Python server's highlighting and folding stay: no tokens (null, not an empty set an editor would take), no ranges.
  assert.equal(await client.request('textDocument/semanticTokens/full', { textDocument: { uri } }), null);
  assert.deepEqual(await client.request('textDocument/foldingRange', { textDocument: { uri } }), []);
  const plain = client.open(path.join(dir, 'plain.py'), 'x = "requests=1"\nimport os\n', 'python');
  assert.deepEqual(await client.waitForDiagnostics(plain), []);
});

test('pylock.toml: the advisory on the entry that locks requests 2.30.0, and the hover names the package and its version', async () => {
  const text = `lock-version = "1.0"
created-by = "pip"

[[packages]]
name = "requests"
version = "2.30.0"

[[packages.wheels]]
name = "requests-2.30.0-py3-none-any.whl"
url = "https://files.pythonhosted.org/packages/requests-2.30.0-py3-none-any.whl"
hashes = { sha256 = "0000000000000000000000000000000000000000000000000000000000000000" }

[[packages]]
name = "flask"
version = "3.0.0"
`;
  const uri = client.open(path.join(dir, 'pylock.toml'), text, 'toml');
  const ds = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'vulnerable'), 30_000);
  const vulnerable = ds.filter((d) => d.code === 'vulnerable');
  assert.equal(vulnerable.length, 1);
  assert.match(vulnerable[0].message, /^requests 2\.30\.0 has 2 known vulnerabilities/);
  assert.ok([4, 5].includes(vulnerable[0].range.start.line), JSON.stringify(vulnerable[0].range));
  assert.deepEqual(
    ds.filter((d) => d.severity === 1),
    [],
  );
  const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 4, character: 9 } });
  assert.match(hover.contents.value, /requests/);
  assert.match(hover.contents.value, /2\.30\.0/);
  assert.equal(await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 8, character: 10 } }), null);
});
