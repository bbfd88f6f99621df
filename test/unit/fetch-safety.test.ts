// The index client against a misbehaving index (issue 29): credentials stay with their origin across redirects,
// link-local and metadata addresses are never contacted (literal or resolved), bodies are capped while they
// stream, and the disk cache keeps to its total. Servers on 127.0.0.1 only.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as dns from 'node:dns';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createFetcher } from '../../server/src/index/fetcher.ts';
import { forbiddenHost, isForbiddenAddress, redirectHop, type Lookup } from '../../server/src/index/addressPolicy.ts';
import { DiskCache } from '../../server/src/index/diskCache.ts';
import { serveRaw } from '../fixtures/rawServer.ts';

const noNetrc = { NETRC: '/nonexistent' };
const stops: (() => Promise<void>)[] = [];
after(async () => {
  for (const stop of stops) await stop();
});

/** A raw server on 127.0.0.1 (test/fixtures/rawServer.ts), stopped after the tests. */
async function serve(handler: Parameters<typeof serveRaw>[0]) {
  const server = await serveRaw(handler);
  stops.push(server.stop);
  return server;
}

test('link-local and metadata addresses: recognized in every spelling, loopback and private ones allowed', () => {
  const forbidden = ['169.254.169.254', '169.254.0.1', '100.100.100.200', 'fe80::1', '[fe80::1]', 'FEBF::1', 'fd00:ec2::254'];
  for (const a of [...forbidden, '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '64:ff9b::a9fe:a9fe']) assert.equal(isForbiddenAddress(a), true, a);
  const allowed = ['127.0.0.1', '::1', '10.0.0.1', '192.168.1.1', '172.16.0.1', 'fd00::1', 'fec0::1', '100.100.100.201', '::ffff:127.0.0.1'];
  for (const a of [...allowed, 'not an address']) assert.equal(isForbiddenAddress(a), false, a);
  const metadata = ['http://169.254.169.254/latest/', 'http://0xA9FEA9FE/', 'http://2852039166/', 'http://[::ffff:169.254.169.254]/'];
  for (const u of [...metadata, 'http://metadata.google.internal./x', 'http://METADATA/x', 'http://[fd00:ec2::254]/']) assert.ok(forbiddenHost(new URL(u)), u);
  for (const u of ['http://127.0.0.1:8080/simple', 'https://pypi.org/simple', 'http://localhost/', 'http://metadata.example.com/']) {
    assert.equal(forbiddenHost(new URL(u)), undefined, u);
  }
});

test('redirects: credentials only to the same origin; never https to http, another scheme, or a forbidden host', () => {
  const origin = new URL('https://index.example/simple/pkg/');
  const hop = (location: string, from = origin) => redirectHop(origin, from, location);
  assert.deepEqual(hop('/simple/pkg-2/'), { follow: new URL('https://index.example/simple/pkg-2/'), withCredentials: true });
  assert.deepEqual(hop('https://files.example/pkg/'), { follow: new URL('https://files.example/pkg/'), withCredentials: false });
  const port = new URL('https://index.example:8443/pkg/');
  assert.deepEqual(hop('https://index.example:8443/pkg/'), { follow: port, withCredentials: false }, 'another port is another origin');
  const same = new URL('https://index.example/pkg/');
  assert.deepEqual(hop('https://eve:pw@index.example/pkg/'), { follow: same, withCredentials: true }, 'credentials in a location are dropped');
  assert.match((hop('http://index.example/simple/pkg/') as { refused: string }).refused, /from https to http/);
  assert.match((hop('file:///etc/passwd') as { refused: string }).refused, /only http and https/);
  assert.match((hop('https://169.254.169.254/latest/meta-data/') as { refused: string }).refused, /link-local/);
  assert.match((hop('http://[') as { refused: string }).refused, /not a URL/);
  // Back to the origin after another one: the index itself, so its credentials may go again.
  const back = hop('https://index.example/simple/pkg/', new URL('https://files.example/x'));
  assert.deepEqual(back, { follow: new URL('https://index.example/simple/pkg/'), withCredentials: true });
});

test('a redirect to another origin (another port of 127.0.0.1) carries no Authorization; the password is in no error', async () => {
  const host2 = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<a href="/f/pkg-1.0.tar.gz">pkg-1.0.tar.gz</a>'));
  const host1 = await serve((req, res) => {
    if (req.url === '/simple/same/') res.writeHead(302, { location: '/simple/pkg/' }).end();
    else if (req.url === '/simple/pkg/') res.writeHead(302, { location: `${host2.url}/simple/pkg/` }).end();
    else res.writeHead(302, { location: `http://alice:S3CRET-PW@127.0.0.1:${host2.port}/deny` }).end();
  });
  const fetcher = createFetcher({ env: noNetrc });
  try {
    const res = await fetcher.get(`http://alice:S3CRET-PW@127.0.0.1:${host1.port}/simple/pkg/`, 'text/html');
    assert.equal(res.ok, true, res.error);
    assert.match(res.body, /pkg-1\.0/);
    const basic = `Basic ${Buffer.from('alice:S3CRET-PW').toString('base64')}`;
    assert.equal(host1.seen[0].authorization, basic, 'the index itself gets its credentials');
    assert.deepEqual(
      host2.seen.map((s) => s.authorization),
      [undefined],
      'the other origin gets none',
    );

    // Within the origin, the credentials go on.
    await fetcher.get(`http://alice:S3CRET-PW@127.0.0.1:${host1.port}/simple/same/`, 'text/html');
    assert.deepEqual(
      host1.seen.slice(1).map((s) => [s.path, s.authorization]),
      [
        ['/simple/same/', basic],
        ['/simple/pkg/', basic],
      ],
    );

    // Credentials written into a redirect's location are not used either.
    const denied = await fetcher.get(`http://alice:S3CRET-PW@127.0.0.1:${host1.port}/other/`, 'text/html');
    assert.equal(host2.seen.at(-1)!.path, '/deny');
    assert.equal(host2.seen.at(-1)!.authorization, undefined);
    assert.doesNotMatch(JSON.stringify(denied), /S3CRET/);
  } finally {
    await fetcher.close();
  }
});

test('credentials that are not valid percent-encoding (`%zz`) are an error value, never a rejection', async () => {
  const index = await serve((_req, res) => res.writeHead(200).end('ok'));
  const fetcher = createFetcher({ env: noNetrc });
  try {
    const res = await fetcher.get(`http://bob:%zzS3CRET@127.0.0.1:${index.port}/simple/`, 'text/html');
    assert.equal(res.ok, false);
    assert.match(res.error ?? '', /its credentials cannot be read \(URI malformed\)/);
    assert.doesNotMatch(res.error ?? '', /S3CRET/);
    assert.equal(index.seen.length, 0);
  } finally {
    await fetcher.close();
  }
});

test('a link-local or metadata host is refused: written as a literal, or as a name that resolves to one', async () => {
  const index = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('ok'));
  const resolved: string[] = [];
  // The test's resolver. Names that must be refused before any look-up (metadata names) point at the loopback
  // index too, so that a regression reaches this server (and is counted) rather than the network.
  const lookup: Lookup = (hostname, options, callback) => {
    resolved.push(hostname);
    const loopback = hostname === 'index.test' || hostname === 'metadata' || hostname.startsWith('metadata.google.internal');
    if (loopback) return callback(null, [{ address: '127.0.0.1', family: 4 }]);
    if (hostname === 'both.test')
      return callback(null, [
        { address: '127.0.0.1', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ]);
    if (hostname === 'metadata-alias.test') return callback(null, [{ address: '169.254.169.254', family: 4 }]);
    if (hostname === 'v6.test') return callback(null, [{ address: 'fe80::1', family: 6 }]);
    dns.lookup(hostname, options, callback);
  };
  const fetcher = createFetcher({ env: noNetrc, lookup, timeoutMs: 3000 });
  try {
    const allowed = await fetcher.get(`http://index.test:${index.port}/simple/`, 'text/html');
    assert.equal(allowed.ok, true, `a name resolving to loopback is fetched (${allowed.error})`);
    // Literal addresses are checked by forbiddenHost (above); [fe80::1] without a zone cannot leave this machine either way.
    const port = index.port;
    for (const url of [`http://[fe80::1]:${port}/simple/`, `http://metadata.google.internal:${port}/computeMetadata/v1/`, `http://METADATA:${port}/x`]) {
      const res = await fetcher.get(url, 'text/html');
      assert.equal(res.ok, false, url);
      assert.match(res.error ?? '', /is not fetched: .* never contacted/, url);
    }
    for (const name of ['metadata-alias.test', 'both.test', 'v6.test']) {
      const res = await fetcher.get(`http://${name}:${index.port}/simple/`, 'text/html');
      assert.equal(res.ok, false, name);
      assert.match(res.error ?? '', /resolves to (169\.254\.169\.254|fe80::1), a link-local or cloud metadata address, which is never contacted/, name);
    }
    assert.ok(resolved.includes('metadata-alias.test'), 'the injected resolver was asked');
    // A redirect to a metadata name is not followed either.
    const redirecting = await serve((_req, res) => res.writeHead(302, { location: `http://metadata.google.internal:${index.port}/computeMetadata/v1/` }).end());
    const res = await fetcher.get(`${redirecting.url}/simple/`, 'text/html');
    assert.match(res.error ?? '', /redirected to metadata\.google\.internal is a cloud metadata service, which is never contacted/);
    assert.deepEqual(
      index.seen.map((s) => s.path),
      ['/simple/'],
      'only the allowed request reached the server',
    );
  } finally {
    await fetcher.close();
  }
});

test('a body over the cap is cut off while it streams and answered as an error; the connection is dropped', async () => {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let written = 0;
  const index = await serve((req, res) => {
    if (req.url === '/small/') return void res.writeHead(200, { 'content-type': 'text/html' }).end('small');
    const length = req.url === '/declared/' ? { 'content-length': String(8 * 2 ** 20) } : {};
    res.writeHead(200, { 'content-type': 'text/html', ...length });
    // 8 MB, chunk by chunk while the client reads: a client that stops reading stops the writes.
    const send = () => {
      while (written < 8 * 2 ** 20) {
        written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', send);
      }
      res.end();
    };
    res.on('close', () => res.removeAllListeners('drain'));
    send();
  });
  const fetcher = createFetcher({ env: noNetrc, maxBodyBytes: 2 ** 20 });
  try {
    const streamed = await fetcher.get(`${index.url}/chunked/`, 'text/html');
    assert.equal(streamed.ok, false);
    assert.equal(streamed.body, '');
    assert.equal(streamed.error, `${index.url}/chunked/ answered more than 1 MB; ignored`);
    assert.ok(written < 6 * 2 ** 20, `the server was stopped early (${written} bytes written)`);
    const declared = await fetcher.get(`${index.url}/declared/`, 'text/html');
    assert.equal(declared.error, `${index.url}/declared/ answered more than 1 MB; ignored`);
    // A request may allow more (the project list).
    written = 0;
    const allowed = await fetcher.get(`${index.url}/chunked/`, 'text/html', undefined, { maxBytes: 16 * 2 ** 20 });
    assert.equal(allowed.ok, true, allowed.error);
    assert.equal(allowed.body.length, 8 * 2 ** 20);
    assert.equal((await fetcher.get(`${index.url}/small/`, 'text/html')).body, 'small', 'the connection pool still works');
  } finally {
    await fetcher.close();
  }
});

test('the disk cache keeps to its total: the oldest entries go, the folder is counted once', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-disk-cap-'));
  try {
    // An entry written by an earlier session (named as the cache names it) counts too, as the oldest.
    const url = 'https://index.example/simple/old/';
    const old = path.join(dir, `${createHash('sha256').update(url).digest('hex').slice(0, 40)}.json`);
    fs.writeFileSync(old, JSON.stringify({ url, fetchedAt: 1, contentType: 'text/html', body: 'o'.repeat(30_000) }));
    fs.utimesSync(old, new Date(1000), new Date(1000));

    const cache = new DiskCache(dir, { maxBytes: 100_000 });
    assert.equal((await cache.readAsync(url))?.body.length, 30_000);
    for (let i = 0; i < 20; i++) {
      await cache.write(`https://index.example/simple/p${i}/`, { fetchedAt: i, contentType: 'text/html', body: String(i % 10).repeat(10_000) });
    }
    await cache.flush();
    const total = fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
    assert.ok(total <= 100_000, `${total} bytes on disk`);
    assert.equal(await cache.readAsync('https://index.example/simple/old/'), undefined, 'the oldest entry went first');
    assert.equal((await cache.readAsync('https://index.example/simple/p19/'))?.body.length, 10_000, 'the newest stays');
    assert.equal(await cache.readAsync('https://index.example/simple/p0/'), undefined);
    // An entry bigger than a quarter of the whole is not written at all.
    await cache.write('https://index.example/simple/huge/', { fetchedAt: 1, contentType: 'text/html', body: 'h'.repeat(40_000) });
    assert.equal(await cache.readAsync('https://index.example/simple/huge/'), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
