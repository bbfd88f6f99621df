// The keyed, priority-aware limiter (shared/limiter.ts), and the disk work that goes through its disk key.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createLimiter } from '../../server/src/shared/limiter.ts';
import { DiskCache } from '../../server/src/index/diskCache.ts';
import { createFetcher } from '../../server/src/index/fetcher.ts';
import { startIndexServer } from '../fixtures/indexServer.ts';

const tick = () => new Promise((r) => setTimeout(r, 2));

test('a key runs at most its limit at once, in the order asked; results and errors pass through', async () => {
  const limiter = createLimiter(() => 3);
  let running = 0;
  let most = 0;
  const started: number[] = [];
  const job = (n: number) =>
    limiter.run('disk', async () => {
      started.push(n);
      most = Math.max(most, ++running);
      await tick();
      running--;
      if (n === 7) throw new Error('seven');
      return n * 2;
    });
  const results = await Promise.allSettled(Array.from({ length: 20 }, (_, n) => job(n)));
  assert.equal(most, 3);
  assert.deepEqual(
    started,
    Array.from({ length: 20 }, (_, n) => n),
  );
  assert.equal(results[7].status, 'rejected');
  assert.equal((results[8] as PromiseFulfilledResult<number>).value, 16);
  // A job that fails frees its slot, and so does one that throws before it returns a promise.
  await assert.rejects(
    limiter.run('disk', () => {
      throw new Error('at once');
    }),
    /at once/,
  );
  assert.equal(await job(1), 2);
  assert.equal(limiter.active('disk'), 0);
});

test('each key has its own slots: a busy host does not hold the disk', async () => {
  const limiter = createLimiter((key) => (key === 'disk' ? 1 : 2));
  let release!: () => void;
  const hanging = new Promise<void>((r) => (release = r));
  const slow = [limiter.run('host-a', () => hanging), limiter.run('host-a', () => hanging)];
  assert.equal(await limiter.run('disk', async () => 'read'), 'read');
  assert.equal(limiter.active('host-a'), 2);
  release();
  await Promise.all(slow);
});

test('an urgent job runs before the background ones queued under its key, and hurry makes a queued one urgent', async () => {
  const limiter = createLimiter(() => 1);
  const order: string[] = [];
  const job = (name: string) => async () => {
    order.push(name);
    await tick();
  };
  const all = [
    limiter.run('disk', job('first')),
    ...Array.from({ length: 5 }, (_, i) => limiter.run('disk', job(`background ${i}`), { tag: `b${i}` })),
    limiter.run('disk', job('request'), { urgent: true }),
  ];
  limiter.hurry('b4');
  await Promise.all(all);
  assert.deepEqual(order, ['first', 'request', 'background 4', 'background 0', 'background 1', 'background 2', 'background 3']);
});

test('the disk cache reads through the disk key: 3,000 reads asked at once run a few at a time', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-disk-reads-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cache = new DiskCache(dir);
  const urls = Array.from({ length: 3000 }, (_, i) => `https://index.example/pypi/p${i}/1.0/json`);
  for (const url of urls.slice(0, 50)) await cache.write(url, { fetchedAt: 1, contentType: 'application/json', body: '[]' });
  await cache.flush();
  // Counted where the reads reach the disk (a stat, then the file), as libuv sees them.
  let atOnce = 0;
  let most = 0;
  const counted = <A extends unknown[], R>(f: (...args: A) => Promise<R>) =>
    async function (this: unknown, ...args: A): Promise<R> {
      most = Math.max(most, ++atOnce);
      try {
        return await f.apply(this, args);
      } finally {
        atOnce--;
      }
    };
  const { stat, readFile } = fs.promises;
  fs.promises.stat = counted(stat) as typeof stat;
  fs.promises.readFile = counted(readFile) as typeof readFile;
  try {
    const read = await Promise.all(urls.map((url) => cache.readAsync(url)));
    assert.equal(read.filter(Boolean).length, 50, 'every entry written is read back');
    assert.ok(most <= 8, `${most} reads at once`);
  } finally {
    fs.promises.stat = stat;
    fs.promises.readFile = readFile;
  }
});

test("the fetcher's requests wait for their host's slots, and one a request awaits (hurry) goes next", async (t) => {
  const server = await startIndexServer([]);
  server.faults.delayMs = 20;
  const fetcher = createFetcher({ maxPerHost: 1, env: { NETRC: '/nonexistent' } });
  t.after(async () => {
    await fetcher.close();
    await server.stop();
  });
  const urls = [0, 1, 2, 3, 4].map((i) => `${server.url}/simple/p${i}/`);
  const answers = urls.map((url) => fetcher.get(url, 'text/html'));
  // Once the requests wait for the host's one slot, a hover awaits the last.
  await new Promise((r) => setImmediate(r));
  fetcher.hurry(urls[4]);
  await Promise.all(answers);
  assert.deepEqual(
    server.requests.map((r) => r.path),
    ['/simple/p0/', '/simple/p4/', '/simple/p1/', '/simple/p2/', '/simple/p3/'],
  );
});
