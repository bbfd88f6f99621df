// The package index client against a real HTTP index on 127.0.0.1.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { describeIndexConfig } from '../../server/src/index/packageIndex.ts';
import { freshness } from '../../server/src/index/indexView.ts';
import { createPackageIndex, type PackageIndex } from '../fixtures/packageIndex.ts';
import { resolveIndexConfig, PYPI } from '../../server/src/index/pipConfig.ts';
import { createFetcher } from '../../server/src/index/fetcher.ts';
import { NameIndex, typoDistance } from '../../server/src/index/nameSearch.ts';
import { popularProjects } from '../../server/src/index/popular.ts';
import { redact } from '../../server/src/index/credentials.ts';
import { startIndexServer, FIXTURE_PROJECTS } from '../fixtures/indexServer.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rls-index-'));
const noNetrc = { NETRC: '/nonexistent/netrc' };

function makeIndex(simple: string, cacheDir = tmp(), extra: { timeoutMs?: number; env?: Record<string, string> } = {}) {
  const logs: string[] = [];
  const offline: string[] = [];
  const index: PackageIndex = createPackageIndex({
    cacheDir,
    logger: { info: (m) => logs.push(m), warn: (m) => logs.push(m) },
    env: { ...noNetrc, ...extra.env },
    timeoutMs: extra.timeoutMs ?? 3000,
  });
  index.configure({ indexUrl: simple, extraIndexUrls: [], noIndex: false, source: 'test' });
  index.onOffline((m) => offline.push(m));
  return { index, logs, offline, cacheDir };
}

test('PEP 691 JSON: versions newest first, pre-release and yanked marked, Requires-Python, summary and extras from the JSON API', async () => {
  const server = await startIndexServer(FIXTURE_PROJECTS);
  const { index } = makeIndex(`${server.url}/simple`);
  try {
    const p = (await index.ensureProject('Requests'))!;
    assert.deepEqual(
      p.versions.map((v) => v.version),
      ['3.0.0', '2.33.0rc1', '2.32.3', '2.32.0', '2.31.0'],
    );
    assert.equal(p.versions[1].prerelease, true);
    assert.equal(p.versions[3].yanked, 'Yanked due to conflicts with CVE-2024-35195 mitigation');
    assert.equal(p.versions[0].requiresPython, '>=3.99');
    assert.equal(p.latest, '3.0.0');
    assert.equal(p.summary, 'Python HTTP for Humans.');
    assert.deepEqual(p.extras, ['socks', 'security']);
    assert.ok(server.requests.some((r) => r.path === '/simple/requests/' && r.accept?.startsWith('application/vnd.pypi.simple.v1+json')));
    assert.equal(index.project('requests')?.latest, '3.0.0', 'now answered from memory');
  } finally {
    await index.dispose();
    await server.stop();
  }
});

test('PEP 503 HTML (an index without JSON): the same facts, entities decoded, sdist names spelt differently', async () => {
  const server = await startIndexServer(FIXTURE_PROJECTS, { htmlOnly: true });
  const { index } = makeIndex(`${server.url}/simple`);
  try {
    const p = (await index.ensureProject('requests'))!;
    assert.deepEqual(
      p.versions.map((v) => v.version),
      ['3.0.0', '2.33.0rc1', '2.32.3', '2.32.0', '2.31.0'],
    );
    assert.equal(p.versions[0].requiresPython, '>=3.99');
    assert.equal(p.versions[3].yanked, 'Yanked due to conflicts with CVE-2024-35195 mitigation');
    const z = (await index.ensureProject('zope.interface'))!;
    assert.deepEqual(
      z.versions.map((v) => v.version),
      ['6.4'],
    );
    const d = (await index.ensureProject('django'))!;
    assert.deepEqual(
      d.versions.map((v) => v.version),
      ['5.0.6', '4.2.11'],
    );
  } finally {
    await index.dispose();
    await server.stop();
  }
});

test('a non-normalized project URL is redirected and followed', async () => {
  const server = await startIndexServer(FIXTURE_PROJECTS);
  const fetcher = createFetcher({ env: noNetrc });
  try {
    const res = await fetcher.get(`${server.url}/simple/Zope.Interface/`, 'application/vnd.pypi.simple.v1+json');
    assert.equal(res.status, 200);
    assert.match(res.body, /zope_interface-6\.4/);
    assert.deepEqual(
      server.requests.map((r) => r.path),
      ['/simple/Zope.Interface/', '/simple/zope-interface/'],
    );
  } finally {
    await fetcher.close();
    await server.stop();
  }
});

test('conditional requests: the second fetch sends If-None-Match and gets a 304; concurrent callers share one request', async () => {
  const server = await startIndexServer(FIXTURE_PROJECTS);
  const { index } = makeIndex(`${server.url}/simple`);
  try {
    await Promise.all([index.ensureProject('django'), index.ensureProject('django'), index.ensureProject('Django')]);
    assert.equal(server.requests.filter((r) => r.path === '/simple/django/').length, 1);
    await index.ensureProject('django');
    const second = server.requests.filter((r) => r.path === '/simple/django/')[1];
    assert.ok(second.ifNoneMatch, 'If-None-Match sent');
    assert.deepEqual(
      index.project('django')!.versions.map((v) => v.version),
      ['5.0.6', '4.2.11'],
    );
  } finally {
    await index.dispose();
    await server.stop();
  }
});

test('offline: answers come from the disk cache, and the user is told once', async () => {
  const server = await startIndexServer(FIXTURE_PROJECTS);
  const cacheDir = tmp();
  const first = makeIndex(`${server.url}/simple`, cacheDir);
  await first.index.ensureProject('requests');
  await first.index.dispose();
  await server.stop();
  const second = makeIndex(`${server.url}/simple`, cacheDir);
  try {
    assert.equal(second.index.project('requests'), undefined, 'not in memory: read from the disk off the request path');
    await second.index.pending('requests');
    assert.equal(second.index.project('requests')?.latest, '3.0.0', 'from disk');
    await second.index.ensureProject('requests');
    await second.index.ensureProject('django');
    assert.equal(second.offline.length, 1);
    assert.match(second.offline[0], /cannot be reached .*use what is cached on disk/);
    // Files with other index options switch the configuration back and forth; the user is still told once.
    second.index.configure({ indexUrl: PYPI, extraIndexUrls: [], noIndex: true, source: 'another file' });
    second.index.configure({ indexUrl: `${server.url}/simple`, extraIndexUrls: [], noIndex: false, source: 'test' });
    await second.index.ensureProject('zope.interface');
    assert.equal(second.offline.length, 1);
  } finally {
    await second.index.dispose();
  }
});

test('a server that never answers times out; 500s are told as the index failing, malformed pages are plain warnings; nothing throws', async () => {
  const server = await startIndexServer(FIXTURE_PROJECTS);
  // A session each: after a timeout or a 500 the host is in backoff, and the next request would not reach it.
  const hung = makeIndex(`${server.url}/simple`, tmp(), { timeoutMs: 300 });
  const failing = makeIndex(`${server.url}/simple`);
  const malformed = makeIndex(`${server.url}/simple`);
  try {
    server.faults.hang = true;
    const t0 = Date.now();
    assert.equal(await hung.index.ensureProject('requests'), undefined);
    assert.ok(Date.now() - t0 < 3000);
    assert.match(hung.offline[0], /timed out/);
    server.faults.hang = false;
    server.faults.status = 500;
    assert.equal(await failing.index.ensureProject('django'), undefined);
    assert.deepEqual(
      failing.offline.map((m) => /cannot be reached \(HTTP 500\)/.test(m)),
      [true],
    );
    server.faults.status = undefined;
    server.faults.malformed = true;
    assert.equal(await malformed.index.ensureProject('zope.interface'), undefined);
    assert.ok(
      malformed.logs.some((l) => /neither PEP 691 JSON nor PEP 503 HTML/.test(l)),
      malformed.logs.join('\n'),
    );
  } finally {
    for (const i of [hung, failing, malformed]) await i.index.dispose();
    await server.stop();
  }
});

test('basic auth from the URL and from ~/.netrc; the password never shows in a log line or an error', async () => {
  const auth = { username: 'deploy', password: 's3cr3t-token' };
  const server = await startIndexServer(FIXTURE_PROJECTS, { auth });
  try {
    const fromUrl = makeIndex(server.simple);
    assert.equal((await fromUrl.index.ensureProject('django'))?.versions.length, 2);
    await fromUrl.index.dispose();
    const netrc = path.join(tmp(), 'netrc');
    fs.writeFileSync(netrc, `machine 127.0.0.1\n  login ${auth.username}\n  password ${auth.password}\n`);
    const fromNetrc = makeIndex(`${server.url}/simple`, tmp(), { env: { NETRC: netrc } });
    assert.equal((await fromNetrc.index.ensureProject('django'))?.versions.length, 2);
    await fromNetrc.index.dispose();
    const wrong = makeIndex(`http://deploy:wrong-pass@127.0.0.1:${new URL(server.url).port}/simple`);
    assert.equal(await wrong.index.ensureProject('django'), undefined);
    assert.ok(wrong.logs.some((l) => /HTTP 401/.test(l)));
    for (const l of [...fromUrl.logs, ...wrong.logs]) assert.ok(!l.includes('s3cr3t') && !l.includes('wrong-pass'), l);
    await wrong.index.dispose();
    assert.equal(redact('see https://u:p@host/simple and http://tok@h2/'), 'see https://****@host/simple and http://****@h2/');
  } finally {
    await server.stop();
  }
});

test("index configuration as pip resolves it: the file, PIP_* variables, PIP_CONFIG_FILE, the user's pip.conf, settings", () => {
  const files: Record<string, string> = {
    '/cfg/pip.conf': '[global]\nindex-url = https://conf.example/simple\nextra-index-url =\n  https://a.example/simple\n  https://b.example/simple\n',
    '/home/u/.config/pip/pip.conf': '[install]\nindex-url = https://user.example/simple\n',
  };
  const read = (p: string) => files[p];
  const base = { HOME: '/home/u', XDG_CONFIG_DIRS: '/nowhere' };
  const none = { extraIndexUrls: [], noIndex: false };
  assert.equal(
    resolveIndexConfig({
      file: { ...none, indexUrl: 'https://file.example/simple' },
      env: { ...base, PIP_INDEX_URL: 'https://env.example/simple' },
      readFile: read,
    }).indexUrl,
    'https://file.example/simple',
  );
  assert.equal(
    resolveIndexConfig({ file: none, env: { ...base, PIP_INDEX_URL: 'https://env.example/simple' }, readFile: read }).indexUrl,
    'https://env.example/simple',
  );
  const viaFile = resolveIndexConfig({ file: none, env: { ...base, PIP_CONFIG_FILE: '/cfg/pip.conf' }, readFile: read });
  assert.equal(viaFile.indexUrl, 'https://conf.example/simple');
  assert.deepEqual(viaFile.extraIndexUrls, ['https://a.example/simple', 'https://b.example/simple']);
  assert.equal(resolveIndexConfig({ file: none, env: base, readFile: read }).indexUrl, 'https://user.example/simple');
  assert.equal(
    resolveIndexConfig({
      file: none,
      env: { ...base, PIP_CONFIG_FILE: '/dev/null' },
      readFile: read,
      settings: { indexUrl: 'https://settings.example/simple' },
    }).indexUrl,
    'https://settings.example/simple',
  );
  assert.equal(resolveIndexConfig({ file: none, env: { ...base, PIP_CONFIG_FILE: '/dev/null' }, readFile: read }).indexUrl, PYPI);
  assert.equal(resolveIndexConfig({ file: none, env: { ...base, PIP_NO_INDEX: '1' }, readFile: read }).noIndex, true);
});

test('name search: prefix by popularity, exact first, typos, normalized names', () => {
  const { names } = popularProjects();
  const index = new NameIndex([], names);
  const top = (q: string, n = 3) => index.search(q, n).items.map((i) => i.name);
  assert.equal(top('req')[0], 'requests');
  assert.equal(top('reqeusts')[0], 'requests');
  assert.equal(top('djnago')[0], 'django');
  assert.equal(top('Zope.Interface')[0], 'zope-interface');
  assert.equal(top('numpy')[0], 'numpy', 'exact match first');
  assert.equal(index.suggest('reqeusts'), 'requests');
  assert.equal(typoDistance('reqeusts', 'requests', 2), 1);
});

test('a corrupt disk cache entry is a miss, not an error', async () => {
  const server = await startIndexServer(FIXTURE_PROJECTS);
  const cacheDir = tmp();
  const first = makeIndex(`${server.url}/simple`, cacheDir);
  await first.index.ensureProject('django');
  await first.index.dispose();
  await new Promise((r) => setTimeout(r, 50));
  for (const f of fs.readdirSync(cacheDir)) fs.writeFileSync(path.join(cacheDir, f), '{"truncated');
  const second = makeIndex(`${server.url}/simple`, cacheDir);
  try {
    assert.equal(second.index.project('django'), undefined);
    assert.equal((await second.index.ensureProject('django'))?.latest, '5.0.6');
  } finally {
    await second.index.dispose();
    await server.stop();
  }
});

test('the project list: fetched from the root, stored compactly, loaded back without sorting again', async () => {
  const { compactList, listFile, runListJob } = await import('../../server/src/index/projectList.ts');
  const { nameAt, displayAt, sizeOf } = await import('../../server/src/index/sortedNames.ts');
  const server = await startIndexServer(FIXTURE_PROJECTS, { projectList: ['Django', 'zope.interface', 'requests', 'Flask_Login', 'django'] });
  const fetcher = createFetcher({ env: noNetrc });
  const unpack = (names: import('../../server/src/index/sortedNames.ts').SortedNames) =>
    Array.from({ length: sizeOf(names) }, (_, i) => [nameAt(names, i), displayAt(names, i)]);
  try {
    const res = await fetcher.get(`${server.url}/simple/`, 'application/vnd.pypi.simple.v1+json');
    const dir = tmp();
    const file = listFile(dir, `${server.url}/simple`);
    const parsed = runListJob({ kind: 'parse', file, body: res.body, contentType: res.contentType, fetchedAt: 1234, indexUrl: `${server.url}/simple` });
    assert.ok('names' in parsed);
    const expected = [
      ['django', 'Django'],
      ['flask-login', 'Flask_Login'],
      ['requests', undefined],
      ['zope-interface', 'zope.interface'],
    ];
    assert.deepEqual(unpack(parsed.names), expected);
    assert.deepEqual(unpack(compactList(['Django', 'zope.interface', 'requests', 'Flask_Login'])), expected);
    const back = runListJob({ kind: 'load', file });
    assert.ok('names' in back);
    assert.deepEqual([unpack(back.names), back.fetchedAt], [expected, 1234]);
    const index = new NameIndex(back.names, []);
    assert.equal(index.has('flask-login'), true);
    assert.equal(index.search('flask', 5).items[0].name, 'Flask_Login');
    // A stored list out of order (written by hand, or by another version) is not one: binary search would miss names.
    fs.writeFileSync(file, 'requirements-language-server project list v1\t1234\nzope\nabc\n');
    assert.deepEqual(runListJob({ kind: 'load', file }), { missing: true });
    assert.deepEqual(runListJob({ kind: 'load', file: path.join(dir, 'none.txt') }), { missing: true });
    const empty = runListJob({
      kind: 'parse',
      file,
      body: '{"projects": []}',
      contentType: 'application/json',
      fetchedAt: 1,
      indexUrl: 'http://u:secret@x/simple',
    });
    assert.ok('error' in empty && /listed no projects/.test(empty.error) && !empty.error.includes('secret'), JSON.stringify(empty));
  } finally {
    await fetcher.close();
    await server.stop();
  }
});

test('an index without the JSON API: summary and extras from PEP 658 .metadata files', async () => {
  for (const htmlOnly of [false, true]) {
    const server = await startIndexServer(FIXTURE_PROJECTS, { noJsonApi: true, metadata: true, htmlOnly });
    const { index } = makeIndex(`${server.url}/simple`);
    try {
      const p = (await index.ensureProject('django'))!;
      assert.equal(p.summary, 'A high-level Python web framework.');
      assert.deepEqual(p.extras, ['argon2', 'bcrypt']);
      assert.ok(
        server.requests.some((r) => r.path === '/files/django-5.0.6-py3-none-any.whl.metadata'),
        JSON.stringify(server.requests.map((r) => r.path)),
      );
      assert.ok(
        server.requests.some((r) => r.path === '/pypi/django/json'),
        'the JSON API was tried first',
      );
    } finally {
      await index.dispose();
      await server.stop();
    }
  }
});

test('Cache-Control sets how long facts stay fresh', async () => {
  assert.equal(freshness(undefined, 600_000), 600_000);
  assert.equal(freshness('max-age=120, public', 600_000), 120_000);
  assert.equal(freshness('max-age=86400', 600_000), 600_000, 'never longer than our own default');
  assert.equal(freshness('no-cache', 600_000), 30_000);
  assert.equal(freshness('max-age=0', 600_000), 30_000, 'at most every 30 s');
});

test('HTTP_PROXY is used (and NO_PROXY respected), as pip uses them', async () => {
  const http = await import('node:http');
  const server = await startIndexServer(FIXTURE_PROJECTS);
  const seen: string[] = [];
  // A real forward proxy on 127.0.0.1: it receives absolute-form requests and relays them.
  const proxy = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    const target = new URL(req.url ?? '/');
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  // undici tunnels through the proxy with CONNECT, for http targets too.
  const net = await import('node:net');
  proxy.on('connect', (req, client, head) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  try {
    const via = createFetcher({ env: { ...noNetrc, HTTP_PROXY: proxyUrl } });
    assert.equal((await via.get(`${server.url}/simple/django/`, 'text/html')).status, 200);
    assert.equal(seen.length, 1);
    assert.ok(seen[0] === `${server.url}/simple/django/` || seen[0] === `CONNECT ${new URL(server.url).host}`, seen[0]);
    await via.close();
    const bypass = createFetcher({ env: { ...noNetrc, HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' } });
    assert.equal((await bypass.get(`${server.url}/simple/django/`, 'text/html')).status, 200);
    assert.equal(seen.length, 1, 'NO_PROXY: straight to the index');
    await bypass.close();
  } finally {
    proxy.closeAllConnections();
    await new Promise((r) => proxy.close(r));
    await server.stop();
  }
});

test('the index log line says where each URL came from and lists a URL once', () => {
  const files: Record<string, string> = {
    '/home/u/.config/pip/pip.conf': '[global]\nextra-index-url = file:///srv/wheelhouse/simple/ https://pypi.org/simple/\nfind-links = /opt/wheels\n',
  };
  const config = resolveIndexConfig({
    file: { extraIndexUrls: ['file:///srv/wheelhouse/simple'], noIndex: false },
    env: { HOME: '/home/u', XDG_CONFIG_DIRS: '/nowhere' },
    readFile: (p) => files[p],
  });
  assert.deepEqual(config.extraIndexUrls, ['file:///srv/wheelhouse/simple']);
  assert.equal(
    describeIndexConfig(config),
    'Package index: https://pypi.org/simple (from the default); extra file:///srv/wheelhouse/simple; find-links /opt/wheels (from the requirements file, /home/u/.config/pip/pip.conf)',
  );
});

test('file: URLs are read from disk: a missing project is a 404 (not an unreachable index), a flat folder answers per project, a second read is a 304', async () => {
  const { readFileUrl } = await import('../../server/src/index/fileIndex.ts');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-fileurl-'));
  try {
    fs.writeFileSync(path.join(root, 'Foo_Bar-1.0-py3-none-any.whl'), 'wheel bytes');
    fs.writeFileSync(path.join(root, 'foo_bar-0.9.tar.gz'), 'sdist bytes');
    fs.writeFileSync(path.join(root, 'other-1.0-py3-none-any.whl'), 'x');
    const url = `${pathToFileURL(root).toString()}/foo-bar/`;
    const page = await readFileUrl(url);
    assert.equal(page.status, 200);
    const hrefs = [...page.body.matchAll(/href="([^"]+)"/g)].map((m) => m[1].split('/').pop());
    const digest = createHash('sha256').update('wheel bytes').digest('hex');
    assert.deepEqual(hrefs, [
      `Foo_Bar-1.0-py3-none-any.whl#sha256=${digest}`,
      `foo_bar-0.9.tar.gz#sha256=${createHash('sha256').update('sdist bytes').digest('hex')}`,
    ]);
    assert.equal((await readFileUrl(url, { etag: page.etag })).status, 304);
    const missing = await readFileUrl(`${pathToFileURL(root).toString()}/nothing/`);
    assert.deepEqual([missing.ok, missing.status], [false, 404]);
    const noFolder = await readFileUrl('file:///nonexistent-rls/simple/x/');
    assert.equal(noFolder.status, 404);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a project not in memory is read from the disk cache off the request path, announced, and not fetched while fresh', async () => {
  const server = await startIndexServer(FIXTURE_PROJECTS);
  const cacheDir = tmp();
  const first = makeIndex(`${server.url}/simple`, cacheDir);
  await first.index.ensureProject('requests');
  await first.index.dispose();
  const second = makeIndex(`${server.url}/simple`, cacheDir);
  const announced: string[] = [];
  second.index.onDidChange((names) => announced.push(...names));
  try {
    const asked = server.requests.length;
    assert.equal(second.index.project('requests'), undefined, 'the request path does not read the disk');
    assert.ok(second.index.pending('requests'), 'a request can await the read');
    await second.index.pending('requests');
    await new Promise((r) => setImmediate(r));
    assert.equal(second.index.project('requests')?.latest, '3.0.0');
    assert.deepEqual(announced, ['requests']);
    assert.equal(server.requests.length, asked, 'a fresh disk copy is not fetched again');
  } finally {
    await second.index.dispose();
    await server.stop();
  }
});

test('the facts of a file of 2,500 projects all stay in memory (2,000 did; a pass over the file read the rest from disk each time)', async () => {
  const projects = Array.from({ length: 2500 }, (_, i) => ({
    name: `package-${i}`,
    files: [{ filename: `package_${i}-1.0.0-py3-none-any.whl` }, { filename: `package_${i}-1.1.0-py3-none-any.whl` }],
  }));
  const server = await startIndexServer(projects);
  const { index } = makeIndex(`${server.url}/simple`);
  try {
    for (let i = 0; i < projects.length; i += 100) await Promise.all(projects.slice(i, i + 100).map((p) => index.ensureProject(p.name)));
    const missing = projects.filter((p) => index.peek?.(p.name) === undefined).map((p) => p.name);
    assert.deepEqual(missing.slice(0, 5), [], `${missing.length} of 2,500 were dropped from memory`);
  } finally {
    await index.dispose();
    await server.stop();
  }
});

test('release order: plain versions compared by their numbers agree with PEP 440 (zeros padded, leading zeros, mixed with pre-releases)', async () => {
  const { newestFirst } = await import('../../server/src/index/simpleApi.ts');
  const { rcompare } = await import('@renovatebot/pep440');
  const versions = [
    '1.0',
    '1.0.0',
    '1.0.1',
    '1.10',
    '1.9.9',
    '01.2',
    '1.2',
    '2',
    '2.0rc1',
    '2.0.post1',
    '1!0.1',
    '1.0.dev3',
    '1.0a1',
    '10.0.0',
    '9.99',
    '1.0+local',
    '0.0.0',
    '2.0.0.0.1',
  ];
  for (const a of versions) for (const b of versions) assert.equal(Math.sign(newestFirst(a, b)) || 0, Math.sign(rcompare(a, b)) || 0, `${a} vs ${b}`);
});

test('the popularity table decoded by the worker job searches like the table read here', async () => {
  const { runListJob } = await import('../../server/src/index/projectList.ts');
  const { tableFiles } = await import('../../server/src/index/popular.ts');
  const answer = runListJob({ kind: 'popular', files: ['/nonexistent/popularity.tsv', ...tableFiles()] });
  assert.ok('popular' in answer);
  const fromJob = new NameIndex([], answer.popular);
  const here = new NameIndex([], popularProjects().names);
  for (const q of ['', 'r', 'req', 'reqeusts', 'djnago', 'Zope.Interface', 'numpy', 'x']) {
    assert.deepEqual(fromJob.search(q, 20), here.search(q, 20), q);
  }
  for (const q of ['reqeusts', 'djnago', 'nothing-like-it']) assert.equal(fromJob.suggest(q), here.suggest(q), q);
  assert.deepEqual(runListJob({ kind: 'popular', files: ['/nonexistent/popularity.tsv'] }), { missing: true });
});
