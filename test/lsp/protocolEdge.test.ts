// The protocol edge (issue #29, findings 10-13): params of the wrong shape, a document too large to analyse,
// requests after `shutdown`, a broken stream or a closed stdin, an error nothing handled, and a fuzz of
// malformed params over every method the server announces. The built server, spoken to over stdio, raw
// bytes where a test needs a frame no client library would write.

import { test, describe, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { indexedEnv, SERVER_MAIN, TestClient, testEnv } from './client.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-edge-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const fileUri = (name: string) => pathToFileURL(path.join(dir, name)).toString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The error a request was answered with (a test fails if it was answered with a result). */
async function errorOf(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    const value = await p;
    assert.fail(`expected an error, got ${JSON.stringify(value)}`);
  } catch (error) {
    const e = error as { code?: number; message: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, message: e.message };
  }
}

const names = async (client: TestClient, uri: string) =>
  ((await client.request('textDocument/documentSymbol', { textDocument: { uri } }, 10_000)) as { name: string }[]).map((s) => s.name);

/** A hover on a small file of its own answers: the server is alive and serving. */
async function serving(client: TestClient, name: string): Promise<void> {
  const uri = client.open(path.join(dir, name), 'requests==2.31.0\n');
  const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } }, 10_000);
  assert.ok(hover, 'a hover on a small file answers');
  assert.equal(client.exited, false);
}

const vmKb = (pid: number, field: 'VmRSS' | 'VmHWM') => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

describe('params are checked before any handler reads them', () => {
  // A server each, so that each test shows its own failure.
  let client: TestClient;
  beforeEach(async () => ({ client } = await TestClient.start()));
  afterEach(() => client.stop());

  test('a didOpen whose text is a number or null is ignored, and the server keeps serving', async () => {
    client.notify('textDocument/didOpen', { textDocument: { uri: fileUri('number.txt'), languageId: 'pip-requirements', version: 1, text: 12345 } });
    client.notify('textDocument/didOpen', { textDocument: { uri: fileUri('null.txt'), languageId: 'pip-requirements', version: 1, text: null } });
    await sleep(300); // the push of their diagnostics, where the server died
    await serving(client, 'after-text.txt');
    assert.ok(
      client.logs.some((l) => /didOpen.*params\.textDocument\.text must be a string/.test(l)),
      client.logs.join('\n'),
    );
  });

  test('a null or path-like uri is ignored, not converted', async () => {
    client.notify('textDocument/didOpen', { textDocument: { uri: null, languageId: 'pip-requirements', version: 1, text: 'flask\n' } });
    client.notify('textDocument/didOpen', { textDocument: { uri: 'relative/requirements.txt', languageId: 'pip-requirements', version: 1, text: 'flask\n' } });
    await serving(client, 'after-uri.txt');
    assert.deepEqual(
      client.logs.filter((l) => /Cannot read|is not a function|failed with message/.test(l)),
      [],
    );
    assert.equal(client.diagnostics.has('relative/requirements.txt'), false);
  });

  test('a request with params of the wrong shape answers InvalidParams (-32602), naming the param', async () => {
    const uri = client.open(path.join(dir, 'shape.txt'), 'requests==2.31.0\n');
    const empty = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const hover = await errorOf(client.request('textDocument/hover', {}));
    assert.equal(hover.code, -32602, hover.message);
    assert.match(hover.message, /params\.textDocument must be an object/);
    for (const [method, params, says] of [
      ['textDocument/hover', { textDocument: { uri }, position: { line: -1, character: 0 } }, /params\.position\.line/],
      ['textDocument/definition', { textDocument: { uri }, position: { line: 0, character: 1.5 } }, /params\.position\.character/],
      ['textDocument/completion', { textDocument: { uri: 7 }, position: { line: 0, character: 0 } }, /params\.textDocument\.uri/],
      ['textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: null } }, /params\.range\.end/],
      ['textDocument/documentSymbol', { textDocument: null }, /params\.textDocument/],
      ['textDocument/codeAction', { textDocument: { uri }, range: empty, context: { diagnostics: 'x' } }, /diagnostics/],
    ] as const) {
      const e = await errorOf(client.request(method, params));
      assert.equal(e.code, -32602, `${method}: ${e.message}`);
      assert.match(e.message, says);
    }
    // The same requests with good params are served.
    assert.ok(await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } }));
  });

  test('a didChange at a non-integer position is ignored: the document is not corrupted', async () => {
    const uri = client.open(path.join(dir, 'change.txt'), 'ZrYsk==1.0\nflask\n');
    await client.waitForDiagnostics(uri);
    client.change(uri, [{ range: { start: { line: 0, character: 0.5 }, end: { line: 0, character: 1.5 } }, text: 'Q' }]);
    client.change(uri, [{ range: { start: { line: '0', character: 0 }, end: { line: 0, character: 0 } }, text: 'Q' }]);
    client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 42 }]);
    assert.deepEqual(await names(client, uri), ['ZrYsk', 'flask']);
    // A good edit after them still applies.
    client.change(uri, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 5 } }, text: 'django' }]);
    assert.deepEqual(await names(client, uri), ['ZrYsk', 'django']);
  });
});

describe('a document over the size limit is kept but not analysed', () => {
  let client: TestClient;
  before(async () => ({ client } = await TestClient.start()));
  after(() => client.stop());

  test('after a 50 MB didOpen another file answers within 3 s, and the server stays under 1 GB', { timeout: 120_000 }, async () => {
    const small = client.open(path.join(dir, 'small.txt'), 'requests==2.31.0\n');
    await client.waitForDiagnostics(small);
    const line = 'requests==2.31.0 --hash=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n';
    const big = client.open(path.join(dir, 'big.txt'), line.repeat(Math.ceil((50 * 1024 * 1024) / line.length)));
    // The 3 s is measured and printed; the limit here is a hang guard (the old server never answered).
    const sent = performance.now();
    const hover = await client.request('textDocument/hover', { textDocument: { uri: small }, position: { line: 0, character: 2 } }, 20_000);
    console.log(`# another file's hover after a 50 MB didOpen: ${(performance.now() - sent).toFixed(0)} ms`);
    assert.ok(hover);
    const diags = await client.waitForDiagnostics(big, () => true, 10_000);
    assert.equal(diags.length, 1, JSON.stringify(diags));
    assert.equal(diags[0].message, 'This file is 50 MB; files over 10 MB are not checked');
    assert.equal(diags[0].range.start.line, 0);
    // Every feature answers empty for it.
    assert.deepEqual(await client.request('textDocument/documentSymbol', { textDocument: { uri: big } }), []);
    assert.deepEqual(await client.request('textDocument/semanticTokens/full', { textDocument: { uri: big } }), { data: [] });
    assert.equal(await client.request('textDocument/hover', { textDocument: { uri: big }, position: { line: 0, character: 2 } }), null);
    assert.deepEqual(await client.request('textDocument/foldingRange', { textDocument: { uri: big } }), []);
    const hwm = vmKb(client.process.pid!, 'VmHWM');
    assert.ok(hwm < 1024 * 1024, `peak RSS ${Math.round(hwm / 1024)} MB`);
    client.notify('textDocument/didClose', { textDocument: { uri: big } });
    assert.ok(await client.request('textDocument/hover', { textDocument: { uri: small }, position: { line: 0, character: 2 } }, 20_000));
  });

  test('an edit past the limit stops the analysis, and one back under it resumes it', { timeout: 60_000 }, async () => {
    const uri = client.open(path.join(dir, 'grows.txt'), 'requests==\n');
    await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'missing-version'));
    client.change(uri, [{ text: 'flask==\n' + 'requests\n'.repeat((11 * 1024 * 1024) / 9) }]);
    const big = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'file-too-large'), 10_000);
    assert.equal(big.length, 1);
    assert.match(big[0].message, /^This file is 11(\.\d)? MB; files over 10 MB are not checked$/);
    assert.deepEqual(await names(client, uri), []);
    client.change(uri, [{ range: { start: { line: 1, character: 0 }, end: { line: 2_000_000, character: 0 } }, text: '' }]);
    await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'missing-version'), 10_000);
    assert.deepEqual(await names(client, uri), ['flask']);
  });
});

test('after shutdown, requests answer InvalidRequest (-32600), notifications are ignored, exit ends the process', { timeout: 30_000 }, async () => {
  const { client } = await TestClient.start();
  const uri = client.open(path.join(dir, 'shutdown.txt'), 'requests==2.31.0\n');
  await client.waitForDiagnostics(uri);
  assert.equal(await client.request('shutdown', null), null);
  const e = await errorOf(client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } }, 5_000));
  assert.equal(e.code, -32600, e.message);
  const late = client.open(path.join(dir, 'late.txt'), 'requests==\n');
  await sleep(500);
  assert.equal(client.diagnostics.has(late), false, 'a didOpen after shutdown is not checked');
  const exit = new Promise<number | null>((r) => client.process.once('exit', (code) => r(code)));
  client.notify('exit', null);
  assert.equal(await exit, 0);
  client.connection.dispose();
});

describe('a broken stream or a closed stdin ends the process with a logged reason', () => {
  const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const children: ChildProcess[] = [];
  after(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

  /** A server past initialize, with a file open, spoken to in bytes, as an editor starts it (with its process id); `exited` resolves with its exit code. */
  async function raw() {
    const child = spawn(process.execPath, [SERVER_MAIN, '--stdio'], { stdio: 'pipe', env: testEnv() });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    child.stdin!.on('error', () => undefined); // the server may be gone before a write lands
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const params = { processId: process.pid, rootUri: null, capabilities: {} };
    child.stdin!.write(frame(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params })));
    for (let i = 0; i < 200 && !stdout.includes('"id":1'); i++) await sleep(50);
    assert.match(stdout, /"id":1/, 'initialize is answered');
    child.stdin!.write(frame(JSON.stringify({ jsonrpc: '2.0', method: 'initialized', params: {} })));
    const textDocument = { uri: fileUri('raw.txt'), languageId: 'pip-requirements', version: 1, text: 'requests==2.31.0\n' };
    child.stdin!.write(frame(JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument } })));
    for (let i = 0; i < 200 && !stdout.includes('publishDiagnostics'); i++) await sleep(50);
    return { child, exited, stderr: () => stderr };
  }

  /** The exit code, or 'alive' if the process has not exited within `ms`. */
  const within = (exited: Promise<number | null>, ms: number) => Promise.race([exited, sleep(ms).then(() => 'alive' as const)]);

  const body = '{"jsonrpc":"2.0","id":2,"method":"shutdown"}';
  for (const [name, bytes, reason] of [
    ['a frame without Content-Length', `Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n${body}`, /without Content-Length/],
    ['a Content-Length that is not a number', `Content-Length: abc\r\n\r\n${body}`, /not a number/],
    ['a Content-Length too large', `Content-Length: 999999999999\r\n\r\n${body}`, /over the limit/],
    ['a Content-Length too small', `Content-Length: 10\r\n\r\n${body}`, /not JSON/],
  ] as const) {
    test(`${name} ends the process within 10 s`, { timeout: 30_000 }, async () => {
      const server = await raw();
      server.child.stdin!.write(bytes);
      assert.equal(await within(server.exited, 10_000), 1);
      assert.match(server.stderr(), reason);
    });
  }

  test('a closed stdin ends the process within 5 s', { timeout: 30_000 }, async () => {
    const server = await raw();
    server.child.stdin!.end();
    assert.equal(await within(server.exited, 5_000), 1);
    assert.match(server.stderr(), /input was closed/);
  });
});

test('an error nothing handled (an index page with &#x110000;) leaves the server serving', { timeout: 60_000 }, async () => {
  const seen: string[] = [];
  const index = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html><body><a href="/files/requests-2.31.0.tar.gz">requests-&#x110000;.tar.gz</a></body></html>');
  });
  await new Promise<void>((r) => index.listen(0, '127.0.0.1', r));
  const { client } = await TestClient.start({ env: indexedEnv(`http://127.0.0.1:${(index.address() as AddressInfo).port}`) });
  try {
    client.open(path.join(dir, 'hostile.txt'), 'requests==2.31.0\n');
    for (let i = 0; i < 200 && !seen.some((u) => u.startsWith('/simple/requests')); i++) await sleep(50);
    await sleep(1000); // the page is parsed as it lands
    assert.equal(client.exited, false, client.stderr.join(''));
    await serving(client, 'after-hostile.txt');
  } finally {
    await client.stop();
    index.close();
  }
});

/** Methods of the capabilities the server announces; a capability not listed here fails the test, so that a new one is fuzzed too. */
function announcedMethods(caps: Record<string, any>): { requests: string[]; notifications: string[] } {
  const requests: string[] = [];
  const byCapability: Record<string, (c: any) => string[]> = {
    textDocumentSync: () => [],
    documentSymbolProvider: () => ['textDocument/documentSymbol'],
    documentLinkProvider: (c) => ['textDocument/documentLink', ...(c.resolveProvider ? ['documentLink/resolve'] : [])],
    foldingRangeProvider: () => ['textDocument/foldingRange'],
    hoverProvider: () => ['textDocument/hover'],
    definitionProvider: () => ['textDocument/definition'],
    referencesProvider: () => ['textDocument/references'],
    inlayHintProvider: () => ['textDocument/inlayHint'],
    executeCommandProvider: () => ['workspace/executeCommand'],
    codeLensProvider: (c) => ['textDocument/codeLens', ...(c.resolveProvider ? ['codeLens/resolve'] : [])],
    codeActionProvider: (c) => ['textDocument/codeAction', ...(c.resolveProvider ? ['codeAction/resolve'] : [])],
    completionProvider: (c) => ['textDocument/completion', ...(c.resolveProvider ? ['completionItem/resolve'] : [])],
    semanticTokensProvider: (c) => [...(c.full ? ['textDocument/semanticTokens/full'] : []), ...(c.range ? ['textDocument/semanticTokens/range'] : [])],
    diagnosticProvider: () => ['textDocument/diagnostic'],
  };
  for (const [key, value] of Object.entries(caps)) {
    assert.ok(byCapability[key], `the fuzz does not know the capability ${key}`);
    requests.push(...byCapability[key](value));
  }
  const sync = caps.textDocumentSync;
  const notifications = ['workspace/didChangeWatchedFiles', 'workspace/didChangeConfiguration', '$/cancelRequest', '$/setTrace'];
  if (sync?.openClose) notifications.push('textDocument/didOpen', 'textDocument/didClose');
  if (sync?.change) notifications.push('textDocument/didChange');
  return { requests, notifications };
}

test('a fuzz of 300 malformed params over every announced method: no crash, no internal error, the document intact', { timeout: 180_000 }, async () => {
  // A pull client, so that textDocument/diagnostic is announced and fuzzed too.
  const { client, initializeResult } = await TestClient.start({ capabilities: { textDocument: { diagnostic: {} } } });
  try {
    const { requests, notifications } = announcedMethods(initializeResult.capabilities);
    const text = 'requests==2.31.0\n-r other.txt\nflask>=2 ; python_version > "3.8"\n';
    const kept = client.open(path.join(dir, 'fuzzed.txt'), text);
    const scratch = client.open(path.join(dir, 'scratch.txt'), 'django\n');
    const before = await names(client, kept);
    const position = { line: 0, character: 3 };
    const range = { start: { line: 0, character: 0 }, end: { line: 2, character: 5 } };
    const doc = { uri: kept };
    // Well-formed params of each method, to break. Those that would act (edit, run a command) act on a scratch file or on nothing.
    const valid: Record<string, unknown> = {
      'textDocument/documentSymbol': { textDocument: doc },
      'textDocument/documentLink': { textDocument: doc },
      'textDocument/foldingRange': { textDocument: doc },
      'textDocument/codeLens': { textDocument: doc },
      'textDocument/semanticTokens/full': { textDocument: doc },
      'textDocument/diagnostic': { textDocument: doc },
      'textDocument/hover': { textDocument: doc, position },
      'textDocument/definition': { textDocument: doc, position },
      'textDocument/completion': { textDocument: doc, position, context: { triggerKind: 1 } },
      'textDocument/references': { textDocument: doc, position, context: { includeDeclaration: true } },
      'textDocument/inlayHint': { textDocument: doc, range },
      'textDocument/semanticTokens/range': { textDocument: doc, range },
      'textDocument/codeAction': { textDocument: doc, range, context: { diagnostics: [{ range, message: 'm', code: 'missing-version' }] } },
      'codeAction/resolve': { title: 't', data: { uri: kept } },
      'completionItem/resolve': { label: 'requests', data: { uri: kept } },
      'workspace/executeCommand': { command: 'fuzz.noSuchCommand', arguments: [kept] },
      'textDocument/didOpen': { textDocument: { uri: fileUri('opened.txt'), languageId: 'pip-requirements', version: 1, text: 'six\n' } },
      'textDocument/didClose': { textDocument: { uri: fileUri('opened.txt') } },
      'textDocument/didChange': { textDocument: { uri: scratch, version: 9 }, contentChanges: [{ range: { start: position, end: position }, text: 'x' }] },
      'workspace/didChangeWatchedFiles': { changes: [{ uri: fileUri('other.txt'), type: 2 }] },
      'workspace/didChangeConfiguration': { settings: null },
      '$/cancelRequest': { id: 999_999 },
      '$/setTrace': { value: 'off' },
    };
    for (const m of [...requests, ...notifications]) assert.ok(m in valid, `no well-formed params for ${m}`);

    let seed = 0x2929;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    const JUNK = [null, undefined, -1, 1.5, 2 ** 40, -0.5, 0, 2 ** 31 - 1, 'x', '', '0', true, [], {}, [1, 2], { uri: 5 }, 'file:///nope.txt', { line: 0 }];
    const junk = (): unknown => pick([...JUNK, 'a'.repeat(10_000), [[[]]]]);
    /** The params with one part (a key somewhere, or the whole) replaced by junk or removed. */
    const mutate = (value: unknown): unknown => {
      if (random() < 0.1 || typeof value !== 'object' || value === null) return junk();
      const copy: any = Array.isArray(value) ? [...value] : { ...value };
      const keys = Object.keys(copy);
      if (!keys.length) return junk();
      const key = pick(keys);
      const roll = random();
      if (roll < 0.2) delete copy[key];
      else if (roll < 0.5) copy[key] = junk();
      else copy[key] = mutate(copy[key]);
      return copy;
    };

    const internal: string[] = [];
    const all = [...requests, ...notifications];
    for (let batch = 0; batch < 10; batch++) {
      const pending: Promise<void>[] = [];
      for (let i = 0; i < 30; i++) {
        const method = pick(all);
        const params = mutate(valid[method]);
        if (notifications.includes(method)) {
          client.notify(method, params);
          continue;
        }
        pending.push(
          client.request(method, params, 30_000).then(
            () => undefined,
            (error: { code?: number; message: string }) => {
              if (typeof error.code !== 'number') throw error; // no answer at all
              if (error.code === -32603) internal.push(`${method} ${JSON.stringify(params)?.slice(0, 300)}: ${error.message}`);
            },
          ),
        );
      }
      await Promise.all(pending);
      assert.equal(client.exited, false, `the server exited: ${client.stderr.join('')}`);
    }
    assert.deepEqual(internal, []);
    assert.deepEqual(await names(client, kept), before, 'the fuzzed document is unchanged');
    await serving(client, 'after-fuzz.txt');
  } finally {
    await client.stop();
  }
});
