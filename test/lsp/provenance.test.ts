// End-to-end: provenance from pyproject.toml and missing files, over stdio, as an editor sees it.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TestClient } from './client.ts';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/provenance');

describe('provenance from pyproject.toml', () => {
  let client: TestClient;
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-provenance-'));
    fs.cpSync(path.join(FIXTURES, 'uv-groups'), dir, { recursive: true });
    fs.cpSync(path.join(FIXTURES, 'piptools-missing', 'requirements.txt'), path.join(dir, 'missing', 'requirements.txt'), { recursive: true });
    ({ client } = await TestClient.start({
      rootUri: pathToFileURL(dir).toString(),
      capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
    }));
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const hoverAt = async (uri: string, line: number, character: number): Promise<string> =>
    (await client.request('textDocument/hover', { textDocument: { uri }, position: { line, character } })).contents.value;

  test('hover links each pyproject.toml source to the line of the dependency', async () => {
    const txt = path.join(dir, 'requirements.txt');
    const uri = client.open(txt, fs.readFileSync(txt, 'utf8'));
    const pyUri = pathToFileURL(path.join(dir, 'pyproject.toml')).toString();
    assert.match(
      await hoverAt(uri, 12, 1),
      new RegExp(`typing-extensions 4\\.10\\.0 ← myproject \\(\\[pyproject\\.toml:5\\]\\(${pyUri}#L5\\), \`\\[project\\] dependencies\`\\)`),
    );
    assert.match(
      await hoverAt(uri, 6, 1),
      new RegExp(`iniconfig 2\\.0\\.0 ← myproject \\(\\[pyproject\\.toml:12\\]\\(${pyUri}#L12\\), \`\\[dependency-groups\\] bar\`\\)`),
    );
  });

  test('go to definition: from a pin, and from its # via source, to the dependency in pyproject.toml', async () => {
    const uri = pathToFileURL(path.join(dir, 'requirements.txt')).toString();
    const def = async (line: number, character: number) =>
      (await client.request('textDocument/definition', { textDocument: { uri }, position: { line, character } })).map((l: any) => [
        path.basename(fileURLToPath(l.uri)),
        l.range.start.line,
        l.range.start.character,
      ]);
    assert.deepEqual(await def(2, 1), [['pyproject.toml', 7, 8]], 'anyio: the extra dev');
    assert.deepEqual(await def(11, 20), [['pyproject.toml', 10, 8]], 'the `myproject (pyproject.toml:foo)` of sortedcontainers');
    const refs = await client.request('textDocument/references', {
      textDocument: { uri },
      position: { line: 12, character: 1 },
      context: { includeDeclaration: false },
    });
    assert.deepEqual(
      refs.map((l: any) => [path.basename(fileURLToPath(l.uri)), l.range.start.line]),
      [['pyproject.toml', 4]],
    );
  });

  test('a bound added in pyproject.toml that the pin no longer meets turns up as stale-pin', async () => {
    const txt = path.join(dir, 'requirements.txt');
    const uri = pathToFileURL(txt).toString();
    await client.waitForDiagnostics(uri, () => true);
    assert.deepEqual(
      client.diagnostics.get(uri)!.filter((d) => d.code === 'stale-pin' || d.code === 'not-compiled'),
      [],
    );
    const py = path.join(dir, 'pyproject.toml');
    fs.writeFileSync(py, fs.readFileSync(py, 'utf8').replace('"typing-extensions"', '"typing-extensions<4"'));
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(py).toString(), type: 2 }] });
    const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'stale-pin'));
    const stale = diags.filter((d) => d.code === 'stale-pin');
    assert.deepEqual(
      stale.map((d) => [d.range.start.line, d.message]),
      [[12, "pyproject.toml:5 asks for 'typing-extensions<4', which 4.10.0 is outside: recompile pyproject.toml."]],
    );
  });

  test('a -r or -c source that is not there is named as not found', async () => {
    const txt = path.join(dir, 'missing', 'requirements.txt');
    const uri = client.open(txt, fs.readFileSync(txt, 'utf8'));
    const value = await hoverAt(uri, 6, 1);
    assert.match(value, /small-fake-a 0\.1 ← -c constraints\.txt \(not found\)\n- small-fake-a 0\.1 ← requirements\.in \(not found\)/);
  });
});
