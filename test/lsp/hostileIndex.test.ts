// A misbehaving index (issue 29): pages that once crashed the parser, redirects that once carried credentials to
// another origin, and answers too big to hold. The server keeps running, keeps answering, and keeps its secrets.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { indexedEnv, TestClient } from './client.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-hostile-'));
const stops: (() => Promise<void>)[] = [];
after(async () => {
  for (const stop of stops) await stop();
  fs.rmSync(dir, { recursive: true, force: true });
}, { timeout: 60_000 });

interface Seen {
  path: string;
  authorization?: string;
}

/** An HTTP server on 127.0.0.1 answering with `handler`; it records every request. */
async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '/', authorization: req.headers.authorization });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

async function start(env: NodeJS.ProcessEnv): Promise<TestClient> {
  const { client } = await TestClient.start({ env, initializationOptions: { diagnostics: { environment: false }, index: { waitMs: 5000 }, logLevel: 'info' } });
  stops.push(() => client.stop());
  return client;
}

const until = async (condition: () => boolean, ms = 10_000) => {
  for (const t0 = Date.now(); !condition() && Date.now() - t0 < ms; ) await new Promise((r) => setTimeout(r, 25));
};

test('an index page with `&#x110000;` and `href="%zz"` leaves the server running and answering', async () => {
  const page = (name: string) =>
    `<!DOCTYPE html><html><body>\n<a href="/files/${name}-1.0.tar.gz">&#x110000;</a>\n<a href="/files/%zz"></a>\n` +
    `<a href="/files/${name}-2.0.tar.gz#sha256=${'0'.repeat(64)}">${name}-2.0.tar.gz</a>\n</body></html>`;
  const index = await serve((req, res) => {
    const m = /^\/simple\/([^/]+)\/$/.exec(req.url ?? '');
    if (m) res.writeHead(200, { 'content-type': 'text/html' }).end(page(m[1]));
    else res.writeHead(404).end();
  });
  const client = await start(indexedEnv(index.url));
  const uri = client.open(path.join(dir, 'entities.txt'), 'hostile==\n');
  await until(() => index.seen.some((s) => s.path === '/simple/hostile/'));
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(client.exited, false, `the server exited: ${client.stderr.join('').slice(-2000)}`);
  const list = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 9 } }, 10_000);
  assert.equal(client.exited, false, `the server exited: ${client.stderr.join('')}`);
  // The well-formed anchor still counts.
  assert.ok(list.items.some((i: { label: string }) => i.label === '2.0'), JSON.stringify(list.items));
  const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } }, 10_000);
  assert.equal(client.exited, false);
  assert.ok(hover === null || typeof hover === 'object');
});
