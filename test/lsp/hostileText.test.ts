// Issue #29 over the wire: a hostile line does not stall the server (finding 4b), and a `${VAR}`'s value never
// leaves it in what it shows (finding 6), whatever the request.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TestClient, testEnv } from './client.ts';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rls-hostile-'));

test('a 300 KB line of `${` is answered within 2 s of opening it (it held the first answer for 30.9 s)', async () => {
  const dir = tempDir();
  const { client } = await TestClient.start({ rootUri: pathToFileURL(dir).toString() });
  try {
    // The server is warm first, so that the time measured is the line's.
    const warm = client.open(path.join(dir, 'warm.txt'), 'requests\n');
    await client.request('textDocument/hover', { textDocument: { uri: warm }, position: { line: 0, character: 1 } });
    const start = performance.now();
    const uri = client.open(path.join(dir, 'requirements.txt'), `${'${'.repeat(150_000)}\nrequests==2.31.0\n`);
    const symbols = await client.request('textDocument/documentSymbol', { textDocument: { uri } });
    const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 2 } });
    const ms = performance.now() - start;
    console.log(`# a 300 KB line of \${: answered ${ms.toFixed(0)} ms after opening it`);
    // A hang guard (no wall-clock asserts in CI): the issue's 2 s is the printed figure; the old scan took 30.9 s.
    assert.ok(ms < 15_000, `answered after ${ms.toFixed(0)} ms`);
    assert.ok(symbols.some((s: { name: string }) => s.name === 'requests'));
    assert.match(JSON.stringify(hover), /requests/);
    await client.waitForDiagnostics(uri, (d) => d.length > 0, 5000);
  } finally {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a variable's value from the server's environment is in nothing it publishes or answers", async () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'S3CRET-VALUE.txt'), 'foo==\n');
  const lines = [
    'pkg3==${CI_SECRET}',
    '-r ${CI_SECRET}.txt',
    '${CI_SECRET}==1.0',
    'pkg @ https://u:${CI_SECRET}@h/p-1.0-py3-none-any.whl',
    '--index-url https://${CI_SECRET}@h/simple',
    'pkg5; python_version == "${CI_SECRET}"',
  ];
  const { client } = await TestClient.start({ rootUri: pathToFileURL(dir).toString(), env: testEnv({ CI_SECRET: 'S3CRET-VALUE' }) });
  try {
    const uri = client.open(path.join(dir, 'requirements.txt'), lines.join('\n') + '\n');
    const diagnostics = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'include-has-errors'));
    const shown: unknown[] = [diagnostics];
    shown.push(await client.request('textDocument/documentSymbol', { textDocument: { uri } }));
    shown.push(await client.request('textDocument/documentLink', { textDocument: { uri } }));
    const whole = { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } };
    shown.push(await client.request('textDocument/inlayHint', { textDocument: { uri }, range: whole }));
    for (const [line, text] of lines.entries()) {
      for (let character = 0; character <= text.length; character += 3) {
        shown.push(await client.request('textDocument/hover', { textDocument: { uri }, position: { line, character } }));
        shown.push(await client.request('textDocument/definition', { textDocument: { uri }, position: { line, character } }));
      }
      const range = { start: { line, character: 0 }, end: { line, character: 0 } };
      const context = { diagnostics: diagnostics.filter((d) => d.range.start.line === line) };
      shown.push(await client.request('textDocument/codeAction', { textDocument: { uri }, range, context }));
    }
    const all = JSON.stringify(shown) + client.logs.join('\n');
    assert.doesNotMatch(all, /S3CRET/i);
    assert.match(JSON.stringify(diagnostics), /\$\{CI_SECRET\}\.txt:1: 'foo==' needs a version/);
  } finally {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
