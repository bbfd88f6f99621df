// What real projects write, seen through the editor: paths that resolve from where pip runs, ${VAR} lines, huge nesting.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TestClient } from './client.ts';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server/bin/requirements-language-server.cjs');

describe('a monorepo opened at its root', () => {
  let client: TestClient;
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-real-'));
    fs.mkdirSync(path.join(dir, 'libs/core'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'libs/core/pyproject.toml'), '');
    fs.mkdirSync(path.join(dir, 'services/api/local'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'services/api/local/setup.py'), '');
    ({ client } = await TestClient.start({ rootUri: pathToFileURL(dir).toString() }));
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a path found from the workspace folder or the file folder is fine and links to what was found; elsewhere a warning names the places looked', async () => {
    const file = path.join(dir, 'services/api/test-requirements.txt');
    const uri = client.open(file, '-e libs/core\n-e ./local\n-e libs/missing\nrequests\n');
    const diags = await client.waitForDiagnostics(uri, (d) => d.length > 0);
    assert.deepEqual(
      diags.map((d) => [d.code, d.severity, d.range.start.line]),
      [['path-not-found', 2, 2]],
    );
    assert.ok(
      diags[0].message.includes(path.join(dir, 'libs/missing')) && diags[0].message.includes(path.join(dir, 'services/api/libs/missing')),
      diags[0].message,
    );
    assert.match(diags[0].message, /from the folder it runs in/);
    const links = await client.request('textDocument/documentLink', { textDocument: { uri } });
    assert.deepEqual(
      links.map((l: any) => [l.range.start.line, l.target]),
      [
        [0, pathToFileURL(path.join(dir, 'libs/core')).toString()],
        [1, pathToFileURL(path.join(dir, 'services/api/local')).toString()],
      ],
    );
  });
  test('the first path completion already lists the folder, read off the request path and awaited briefly', async () => {
    const uri = client.open(path.join(dir, 'services/api/dev-requirements.txt'), '-e ./\n');
    const list = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 5 } });
    const labels = (Array.isArray(list) ? list : list.items).map((i: any) => i.label);
    assert.ok(labels.includes('local/'), JSON.stringify(labels));
  });
});

describe('markers nested past what pip can read', () => {
  const deep = `foo; ${'('.repeat(5000)}python_version >= "3"${')'.repeat(5000)}\nbar; ${Array.from({ length: 5000 }, () => 'os_name == "posix"').join(' and ')}\nbaz==1.0\n`;

  test('check reports marker-too-deep on the line and carries on with the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-deep-'));
    fs.writeFileSync(path.join(dir, 'requirements.txt'), deep);
    const r = spawnSync(process.execPath, [BIN, 'check', 'requirements.txt', '--format', 'json', '--no-vulnerabilities'], { cwd: dir, encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(r.stderr, '');
    assert.deepEqual(
      JSON.parse(r.stdout).map((d: any) => [d.line, d.code, d.severity]),
      [[1, 'marker-too-deep', 'error']],
    );
    assert.equal(r.status, 1);
  });

  test('the server publishes the diagnostic and still answers for the other lines', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-deep-'));
    const { client } = await TestClient.start({ rootUri: pathToFileURL(dir).toString() });
    try {
      const uri = client.open(path.join(dir, 'requirements.txt'), deep);
      const diags = await client.waitForDiagnostics(uri, (d) => d.length > 0);
      assert.deepEqual(
        diags.map((d) => [d.range.start.line, d.code]),
        [[0, 'marker-too-deep']],
      );
      const symbols = await client.request('textDocument/documentSymbol', { textDocument: { uri } });
      assert.deepEqual(
        symbols.map((s: any) => s.name),
        ['foo', 'bar', 'baz'],
      );
    } finally {
      await client.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('${NAME} lines, with the requirements.env setting', () => {
  test('set in the setting: expanded, checked, with symbols; unset: a warning that says what pip makes of it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-env-'));
    const { client } = await TestClient.start({
      rootUri: pathToFileURL(dir).toString(),
      initializationOptions: { diagnostics: { environment: false }, env: { FOO_VERSION: '1.2', PKG_NAME: 'requests', V1: '1', V2: '22' } },
    });
    try {
      const uri = client.open(path.join(dir, 'requirements.txt'), 'foo==${FOO_VERSION}\n${PKG_NAME}>=1.0\nbar==${V1}.${V2}\nbaz==1.0 ${HASH_OPT}\n');
      const diags = await client.waitForDiagnostics(uri, (d) => d.length > 0);
      assert.deepEqual(
        diags.map((d) => [d.range.start.line, d.code, d.severity]),
        [[3, 'unset-variable', 2]],
      );
      assert.match(diags[0].message, /\$\{HASH_OPT\} is not set here/);
      const symbols = await client.request('textDocument/documentSymbol', { textDocument: { uri } });
      // A name a variable gives is shown as written, never as its value (issue 29: a value may be a secret).
      assert.deepEqual(
        symbols.map((s: any) => s.name),
        ['foo', '${PKG_NAME}', 'bar', 'baz'],
      );
      const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 4 } });
      assert.match(hover.contents.value, /^\*\*\$\{PKG\\_NAME\}\*\*/, 'as written, escaped for Markdown');
      assert.doesNotMatch(JSON.stringify([symbols, hover, diags]), /requests/);
    } finally {
      await client.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
