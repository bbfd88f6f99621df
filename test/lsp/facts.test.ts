// Facts at once: a fresh server answers the first request with what the index is fetching (brief waits),
// and two files on two indexes each complete from their own index (one view per configuration).

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node.js';
import { indexedEnv, TestClient } from './client.ts';
import { ADVISORIES, type FixtureAdvisory } from '../fixtures/advisories.ts';
import { startIndexServer, FIXTURE_PROJECTS, VULNERABLE_PROJECTS, type FixtureProject, type IndexServer } from '../fixtures/indexServer.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-facts-'));
const stops: (() => Promise<void>)[] = [];
after(
  async () => {
    for (const stop of stops) await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  },
  { timeout: 60_000 },
);

/** A budget generous enough for a loaded machine (the default is 1 s): the tests are about waiting at all. */
const BUDGET = 15_000;

async function fresh(
  options: { waitMs?: number; projects?: FixtureProject[]; advisories?: FixtureAdvisory[] } = {},
): Promise<{ client: TestClient; index: IndexServer }> {
  const index = await startIndexServer(options.projects ?? FIXTURE_PROJECTS, { advisories: options.advisories });
  const { client } = await TestClient.start({
    env: indexedEnv(index.url),
    // A file here names a mirror of its own: the user trusts the workspace's indexes.
    initializationOptions: { diagnostics: { environment: false }, index: { waitMs: options.waitMs ?? BUDGET, allowWorkspaceIndexes: 'always' } },
  });
  stops.push(async () => {
    await client.stop();
    await index.stop();
  });
  return { client, index };
}

const labels = (list: { items: { label: string }[] }) => list.items.map((x) => x.label);
const projectRequests = (index: IndexServer, name: string) => index.requests.filter((r) => r.path === `/simple/${name}/`).length;

test('a fresh server: the first `requests==` lists the versions, newest final first; `django[` the extras; the first menu the upgrade', async () => {
  const { client } = await fresh();
  const versions = client.open(path.join(dir, 'first.txt'), 'requests==\n');
  const list = await client.request('textDocument/completion', { textDocument: { uri: versions }, position: { line: 0, character: 10 } });
  assert.deepEqual(labels(list), ['3.0.0', '2.32.3', '2.31.0', '2.33.0rc1', '2.32.0']);
  assert.equal(list.isIncomplete, false);

  const extras = client.open(path.join(dir, 'extras.txt'), 'django[\n');
  assert.deepEqual(labels(await client.request('textDocument/completion', { textDocument: { uri: extras }, position: { line: 0, character: 7 } })), [
    'argon2',
    'bcrypt',
  ]);

  const pinned = client.open(path.join(dir, 'pinned.txt'), 'requests==2.30.0\nzope.interface==6.0\n');
  const menu = async (line: number) => {
    const range = { start: { line, character: 3 }, end: { line, character: 3 } };
    const actions: { title: string }[] = await client.request('textDocument/codeAction', {
      textDocument: { uri: pinned },
      range,
      context: { diagnostics: [] },
    });
    return actions.map((a) => a.title);
  };
  const first = await menu(0);
  assert.ok(first.includes('Upgrade requests to 3.0.0'), JSON.stringify(first));
  const second = await menu(1);
  assert.ok(second.includes('Upgrade zope.interface to 6.4'), JSON.stringify(second));
});

test('a completion sent with didOpen, from a client that is asked for its settings and a user whose pip reads config files, lists the versions', async () => {
  // What an editor does: initialize, initialized, didOpen and the first completion in one breath, the server asking
  // the client for its settings meanwhile (so the index module is not loaded yet) and pip's config files not read
  // yet. Each came back one brief-wait round after the other, and the fetch found no round left: empty, incomplete.
  const index = await startIndexServer(FIXTURE_PROJECTS);
  const home = fs.mkdtempSync(path.join(dir, 'home-'));
  fs.mkdirSync(path.join(home, '.config', 'pip'), { recursive: true });
  fs.writeFileSync(path.join(home, '.config', 'pip', 'pip.conf'), `[global]\nindex-url = ${index.url}/simple\n`);
  // PIP_INDEX_URL too (the same index), so that a machine's own /etc/pip.conf cannot send the test elsewhere.
  const env = indexedEnv(index.url, { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') });
  delete env.PIP_CONFIG_FILE;
  const { client } = await TestClient.start({
    env,
    capabilities: { workspace: { configuration: true } },
    initializationOptions: { diagnostics: { environment: false }, index: { waitMs: BUDGET } },
  });
  stops.push(async () => {
    await client.stop();
    await index.stop();
  });
  const uri = client.open(path.join(dir, 'with-open.txt'), 'requests==\n');
  const list = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 10 } });
  assert.deepEqual([labels(list), list.isIncomplete], [['3.0.0', '2.32.3', '2.31.0', '2.33.0rc1', '2.32.0'], false]);
});

test('through HTTP_PROXY: the built server reaches its index by the proxy (its bundle carries only the parts of undici it uses)', async () => {
  const index = await startIndexServer(FIXTURE_PROJECTS);
  const tunnels: string[] = [];
  // A forward proxy on 127.0.0.1: undici tunnels with CONNECT, for http targets too.
  const proxy = http.createServer((_, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client, head) => {
    tunnels.push(req.url ?? '');
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
  const { client } = await TestClient.start({
    env: indexedEnv(index.url, { HTTP_PROXY: `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`, NO_PROXY: '' }),
    initializationOptions: { diagnostics: { environment: false }, index: { waitMs: BUDGET } },
  });
  stops.push(async () => {
    await client.stop();
    await index.stop();
    proxy.closeAllConnections();
    await new Promise((r) => proxy.close(r));
  });
  const uri = client.open(path.join(dir, 'proxied.txt'), 'zope.interface==\n');
  const list = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 16 } });
  assert.deepEqual(labels(list), ['6.4']);
  assert.ok(tunnels.includes(new URL(index.url).host), JSON.stringify(tunnels));
});

test('a slow index answered within the budget: the first completion still has the versions', async () => {
  const { client, index } = await fresh();
  index.faults.delayMs = 300;
  const uri = client.open(path.join(dir, 'slow.txt'), 'zope.interface==\n');
  const list = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 16 } });
  assert.deepEqual(labels(list), ['6.4']);
});

test('a cancelled request ends its wait; the fetch goes on for the next request', async () => {
  // A budget far longer than the test waits below: only the cancellation can end this wait in time.
  const { client, index } = await fresh({ waitMs: 30_000 });
  index.faults.delayMs = 1500;
  const uri = client.open(path.join(dir, 'cancel.txt'), 'requests==\n');
  const source = new CancellationTokenSource();
  const pending = client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 10 } }, source.token);
  // Cancelled once the server is waiting: the index has been asked.
  for (let i = 0; i < 200 && !index.requests.some((r) => r.path === '/simple/requests/'); i++) await new Promise((r) => setTimeout(r, 10));
  source.cancel();
  const outcome = await Promise.race([
    pending.then(
      () => 'answered',
      (error: { code?: number }) => error.code,
    ),
    new Promise((r) => setTimeout(() => r('still waiting'), 10_000)),
  ]);
  assert.equal(outcome, -32800, 'RequestCancelled');
  // The fetch was not abandoned: the next request finds the versions (within its own wait, if still on the way).
  const next = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 10 } });
  assert.equal(labels(next)[0], '3.0.0');
  assert.equal(projectRequests(index, 'requests'), 1);
});

test('two files on two indexes complete from their own index, alternately, and each index is asked once', async () => {
  const mirrorProjects: FixtureProject[] = [
    { name: 'requests', summary: 'A mirror', files: [{ filename: 'requests-9.9.9-py3-none-any.whl' }, { filename: 'requests-9.0.0-py3-none-any.whl' }] },
  ];
  const { client, index: main } = await fresh();
  const mirror = await startIndexServer(mirrorProjects);
  stops.push(() => mirror.stop());
  const plain = client.open(path.join(dir, 'requirements.txt'), 'requests==\n');
  const mirrored = client.open(path.join(dir, 'mirror-requirements.txt'), `--index-url ${mirror.url}/simple/\nrequests==\n`);
  for (let round = 0; round < 3; round++) {
    const a = await client.request('textDocument/completion', { textDocument: { uri: plain }, position: { line: 0, character: 10 } });
    const b = await client.request('textDocument/completion', { textDocument: { uri: mirrored }, position: { line: 1, character: 10 } });
    assert.deepEqual(labels(a), ['3.0.0', '2.32.3', '2.31.0', '2.33.0rc1', '2.32.0'], `round ${round}: the file's own index`);
    assert.deepEqual(labels(b), ['9.9.9', '9.0.0'], `round ${round}: the mirror`);
  }
  assert.equal(projectRequests(main, 'requests'), 1);
  assert.equal(projectRequests(mirror, 'requests'), 1);
});

test('a fresh server: the first hover on a vulnerable pin shows its advisories; the first menu on one offers the fix', async () => {
  const { client, index } = await fresh({ projects: VULNERABLE_PROJECTS, advisories: ADVISORIES });
  // Advisories answered late: without the wait, the first answers would be made before they land.
  index.faults.advisoryDelayMs = 400;
  const hovered = client.open(path.join(dir, 'vulnerable-hover.txt'), 'requests==2.30.0\n');
  const hover = await client.request('textDocument/hover', { textDocument: { uri: hovered }, position: { line: 0, character: 2 } });
  assert.match(hover?.contents.value ?? '', /\*\*2 known vulnerabilities\*\* in 2\.30\.0/);

  // Asked before any diagnostic was published: the line at the cursor is checked, and the fix is there at once.
  const menued = client.open(path.join(dir, 'vulnerable-menu.txt'), 'jinja2==3.1.2\n');
  const cursor = { start: { line: 0, character: 3 }, end: { line: 0, character: 3 } };
  const titles = (await client.request('textDocument/codeAction', { textDocument: { uri: menued }, range: cursor, context: { diagnostics: [] } })).map(
    (a: { title: string }) => a.title,
  );
  assert.ok(titles.includes('Upgrade to 3.1.3 (fixes 1)'), JSON.stringify(titles));
  assert.ok(titles.includes('Fix all known vulnerabilities (1 pin, 1 advisory)'), JSON.stringify(titles));
  assert.equal(index.requests.filter((r) => r.path === '/pypi/jinja2/3.1.2/json').length, 1, 'asked once');
});
