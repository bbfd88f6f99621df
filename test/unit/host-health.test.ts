// Host health (issue 24): a host that fails is not asked again by every request. Its state (reachable, failing
// since T, unresolvable), the fetcher answering a down host at once, the backoff's probe, `check`'s vulnerability
// step giving up on an unresolvable host at its first failure, and the waiter awaiting a fact one budget in all.
// Servers on 127.0.0.1 only; names are resolved by an injected lookup, never by the system's resolver.

import { test, after, mock } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Lookup } from '../../server/src/index/addressPolicy.ts';
import type { AddressInfo } from 'node:net';
import { createFetcher } from '../../server/src/index/fetcher.ts';
import { createHostHealth, hostFailureOf, type HostDown } from '../../server/src/index/hostHealth.ts';
import { createFactsWaiter } from '../../server/src/lsp/wait.ts';
import type { IndexView } from '../../server/src/index/indexView.ts';
import { checkFiles } from '../../server/src/cli/check.ts';
import { vulnerabilityVerdict } from '../../server/src/cli/vulnerabilities.ts';
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

/** A loopback port nothing listens on: connecting to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A resolver that knows no name (as DNS answers for a typo, or an air-gapped runner for any name), counting calls. */
function unresolvable(): { lookup: Lookup; calls: string[] } {
  const calls: string[] = [];
  const lookup: Lookup = (hostname, _options, callback) => {
    calls.push(hostname);
    const error: NodeJS.ErrnoException = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    setImmediate(() => callback(error, []));
  };
  return { lookup, calls };
}

test('states: down once (failing or unresolvable, since when), probed after the backoff and again while it fails, back once', async () => {
  const health = createHostHealth({ firstBackoffMs: 10, maxBackoffMs: 40 });
  const changes: [string, HostDown | undefined][] = [];
  health.onChange((origin, down) => changes.push([origin, down && { ...down }]));
  let probes = 0;
  let answer: 'fail' | 'ok' = 'fail';
  const origin = 'http://index.test';
  const probe = async () => {
    probes++;
    if (answer === 'ok') health.succeeded(origin);
    else health.failed(origin, { kind: 'failing', reason: 'connection refused' }, probe);
  };
  assert.equal(health.down(origin), undefined, 'a host is reachable until it fails');
  health.failed(origin, { kind: 'unresolvable', reason: 'the name does not resolve: ENOTFOUND' }, probe);
  const down = health.down(origin)!;
  assert.equal(down.kind, 'unresolvable');
  assert.equal(typeof down.since, 'number');
  // Another request that was under way fails too: no second "down".
  health.failed(origin, { kind: 'unresolvable', reason: 'the name does not resolve: ENOTFOUND' }, probe);
  assert.equal(changes.length, 1);
  const firstRetry = down.retryAt! - Date.now();
  assert.ok(firstRetry <= 10, `first probe within the first backoff (${firstRetry} ms)`);
  for (let i = 0; i < 200 && probes < 3; i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(probes >= 3, 'probed again and again while it fails');
  assert.equal(health.down(origin)!.reason, 'connection refused', 'the latest reason counts');
  assert.equal(health.down(origin)!.since, down.since, 'failing since the first failure');
  answer = 'ok';
  for (let i = 0; i < 200 && health.down(origin); i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(health.down(origin), undefined);
  assert.deepEqual(
    changes.map(([o, d]) => [o, d?.kind]),
    [
      [origin, 'unresolvable'],
      [origin, undefined],
    ],
  );
  health.dispose();
});

test('what a failure says about the host: DNS, refused, reset, timeouts; not a forbidden address', () => {
  const e = (code: string, message = code) => Object.assign(new Error(message), { code });
  assert.deepEqual(hostFailureOf(e('ENOTFOUND')), { kind: 'unresolvable', reason: 'the name does not resolve: ENOTFOUND' });
  assert.equal(hostFailureOf(e('EAI_AGAIN'))?.kind, 'unresolvable');
  assert.deepEqual(hostFailureOf(e('ECONNREFUSED')), { kind: 'failing', reason: 'connection refused' });
  assert.equal(hostFailureOf(e('ECONNRESET'))?.reason, 'connection reset');
  assert.equal(hostFailureOf(e('UND_ERR_HEADERS_TIMEOUT'))?.reason, 'timed out');
  assert.equal(hostFailureOf(Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }))?.reason, 'timed out');
  assert.equal(hostFailureOf(e('ERR_FORBIDDEN_ADDRESS')), undefined);
  assert.equal(hostFailureOf('no'), undefined);
});

test('an unresolvable host: the first request fails with why, the next ones answer at once without asking DNS', async () => {
  const { lookup, calls } = unresolvable();
  const fetcher = createFetcher({ env: noNetrc, lookup, retryHosts: false });
  try {
    const first = await fetcher.get('http://index.invalid/simple/requests/', 'application/json');
    assert.equal(first.ok, false);
    assert.equal(first.unreachable, 'http://index.invalid cannot be reached (the name does not resolve: ENOTFOUND)');
    assert.equal(fetcher.health.down('http://index.invalid')?.kind, 'unresolvable');
    const asked = calls.length;
    const second = await fetcher.get('http://index.invalid/simple/flask/', 'application/json');
    const post = await fetcher.postJson('http://index.invalid/v1/querybatch', { queries: [] });
    assert.equal(calls.length, asked, 'no lookup for a host known to be unresolvable');
    for (const r of [second, post]) {
      assert.equal(r.status, 0);
      assert.equal(r.unreachable, first.unreachable);
      assert.match(r.error!, /was not asked: http:\/\/index\.invalid cannot be reached \(the name does not resolve: ENOTFOUND\) since /);
    }
  } finally {
    await fetcher.close();
  }
});

test('a refused connection and an HTTP 500: failing; nothing more is sent until a probe finds the host back', async () => {
  const port = await closedPort();
  const refused = createFetcher({ env: noNetrc });
  const r = await refused.get(`http://127.0.0.1:${port}/simple/x/`, 'text/html');
  assert.equal(r.unreachable, `http://127.0.0.1:${port} cannot be reached (connection refused)`);
  assert.equal(refused.health.down(`http://127.0.0.1:${port}`)?.kind, 'failing');
  await refused.close();

  let status = 500;
  const index = await serve((_req, res) => res.writeHead(status).end(status === 200 ? 'ok' : 'fault'));
  const fetcher = createFetcher({ env: noNetrc });
  const back: string[] = [];
  fetcher.health.onChange((origin, down) => !down && back.push(origin));
  try {
    const first = await fetcher.get(`${index.url}/simple/a/`, 'text/html');
    assert.deepEqual([first.status, first.unreachable], [500, `${index.url} cannot be reached (HTTP 500)`]);
    const second = await fetcher.get(`${index.url}/simple/b/`, 'text/html');
    assert.equal(second.status, 0);
    assert.deepEqual(
      index.seen.map((s) => s.path),
      ['/simple/a/'],
      'the second request was not sent',
    );
    // The probe (what the backoff runs): HEAD, sent although the host is down; while it fails the host stays down.
    assert.equal(await fetcher.probe(`${index.url}/simple/`, 2000), `${index.url} cannot be reached (HTTP 500)`);
    status = 200;
    assert.equal(await fetcher.probe(`${index.url}/simple/`, 2000), undefined);
    assert.deepEqual(
      index.seen.slice(1).map((s) => s.method),
      ['HEAD', 'HEAD'],
    );
    assert.deepEqual(back, [index.url], 'told once that it answers again');
    assert.equal((await fetcher.get(`${index.url}/simple/b/`, 'text/html')).ok, true);
  } finally {
    await fetcher.close();
  }
});

test("check's vulnerability step: an unresolvable index is given up at its first failure, said once, and counted as unchecked", async () => {
  const { lookup, calls } = unresolvable();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-health-check-'));
  try {
    const file = path.join(dir, 'requirements.txt');
    fs.writeFileSync(file, Array.from({ length: 30 }, (_, i) => `package-${i}==1.${i}\n`).join(''));
    const warnings: string[] = [];
    const env = { ...noNetrc, PIP_CONFIG_FILE: '/dev/null', PIP_INDEX_URL: 'http://index.invalid/simple' };
    const { vulnerabilities: report } = await checkFiles([file], {
      root: dir,
      env,
      vulnerabilities: { source: 'pypi', osvUrl: 'https://osv.invalid', ignore: [], cacheDir: path.join(dir, 'cache'), warn: (m) => warnings.push(m), lookup },
    });
    // The first requests go out together (a few at a time); none after the first failure.
    assert.ok(calls.length <= 6, `${calls.length} lookups for 30 pins`);
    const why = 'http://index.invalid cannot be reached (the name does not resolve: ENOTFOUND)';
    assert.deepEqual(report, { asked: 30, unchecked: 30, unreachable: [why], offline: false });
    assert.deepEqual(warnings, [`Known vulnerabilities cannot be checked: the package index ${why}; what is cached on disk is used.`]);
    assert.deepEqual(vulnerabilityVerdict(report, ['vulnerable']), {
      fails: true,
      message: `Known vulnerabilities of 30 of 30 pinned releases could not be checked: ${why}; --fail-on vulnerable fails.`,
    });
    const offline = vulnerabilityVerdict({ ...report, unreachable: [], offline: true }, ['vulnerable']);
    assert.equal(offline.fails, false, '--offline: missing data does not fail the gate');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the waiter awaits a fact on its way for one budget in all: a later request answers at once, incomplete', async () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  try {
    const hanging = new Promise(() => undefined);
    const view = { config: {}, project: () => undefined, pending: () => hanging } as unknown as IndexView;
    const waiter = createFactsWaiter({ budgetMs: () => 60_000, loaded: async () => true });
    // The answer and whether it is complete (it also says which projects it read).
    const ask = () => waiter.answer(undefined, () => waiter.record(view)!.project('requests')).then(({ value, complete }) => ({ value, complete }));
    const settled = async (p: Promise<unknown>) => {
      let done = false;
      void p.then(() => (done = true));
      for (let i = 0; i < 20; i++) await Promise.resolve();
      return done;
    };
    const first = ask();
    assert.equal(await settled(first), false, 'the first request waits');
    mock.timers.tick(30_000);
    // Asked while the first still waits: it waits only for what is left of the budget.
    const during = ask();
    mock.timers.tick(30_000);
    assert.deepEqual(await first, { value: undefined, complete: false });
    assert.equal(await settled(during), true, 'the budget ran out for both at once');
    assert.deepEqual(await during, { value: undefined, complete: false });
    const second = ask();
    assert.equal(await settled(second), true, 'answered without a timer running out');
    assert.deepEqual(await second, { value: undefined, complete: false });
  } finally {
    mock.timers.reset();
  }
});

test('the full project list answering 5xx says nothing about the host (mirrors often fail it alone); a refused connection does', async () => {
  const index = await serve((req, res) => (req.url === '/simple/' ? res.writeHead(504).end('gateway timeout') : res.writeHead(200).end('{}')));
  const fetcher = createFetcher({ env: noNetrc });
  try {
    const list = await fetcher.get(`${index.url}/simple/`, 'text/html', undefined, { maxBytes: 64 * 2 ** 20 });
    assert.deepEqual([list.status, list.unreachable, fetcher.health.down(index.url)], [504, undefined, undefined]);
    assert.equal((await fetcher.get(`${index.url}/simple/a/`, 'text/html')).ok, true, 'project pages still asked');
    const port = await closedPort();
    await fetcher.get(`http://127.0.0.1:${port}/simple/`, 'text/html', undefined, { maxBytes: 64 * 2 ** 20 });
    assert.equal(fetcher.health.down(`http://127.0.0.1:${port}`)?.reason, 'connection refused');
  } finally {
    await fetcher.close();
  }
});
