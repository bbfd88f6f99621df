// The one fact cache (shared/factCache.ts): answered from memory, loaded in the background, re-checked after an age,
// announced once per turn, bounded, and a failed load a value.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFactCache, LoadFailed } from '../../server/src/shared/factCache.ts';

const turn = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a miss answers undefined at once and loads; the keys that landed in a turn are announced together', async () => {
  const loads: string[] = [];
  const facts = createFactCache<string>({ load: async (key) => (loads.push(key), key.toUpperCase()) });
  const heard: string[][] = [];
  facts.onDidChange((keys) => heard.push([...keys]));
  assert.equal(facts.get('a'), undefined);
  assert.equal(facts.get('b'), undefined);
  assert.equal(facts.peek('c'), undefined, 'peek starts nothing');
  assert.ok(facts.pending('a'), 'the load is under way');
  assert.equal(facts.get('a'), undefined, 'asked again while it loads: one load');
  await facts.firstLoads();
  assert.equal(facts.firstLoads(), undefined);
  assert.equal(facts.pending('a'), undefined);
  assert.equal(facts.get('a'), 'A');
  await turn();
  assert.deepEqual(loads, ['a', 'b']);
  assert.deepEqual(heard, [['a', 'b']]);
});

test('a value older than the age is served while it is re-checked; only a change is announced', async () => {
  let version = 1;
  const previous: (string | undefined)[] = [];
  const facts = createFactCache<string>({
    maxAgeMs: 20,
    load: async (_key, before) => (previous.push(before), `v${version}`),
  });
  let announced = 0;
  facts.onDidChange(() => announced++);
  assert.equal(await facts.ensure('k'), 'v1');
  await turn();
  assert.equal(announced, 1);
  await sleep(30);
  assert.equal(facts.get('k'), 'v1', 'stale, while it reloads');
  await facts.pending('k');
  await turn();
  assert.equal(announced, 1, 'the same answer is no news');
  assert.deepEqual(previous, [undefined, 'v1'], 'a re-check sees the value held');
  version = 2;
  facts.recheck('k');
  assert.equal(facts.get('k'), 'v1');
  await facts.pending('k');
  assert.equal(facts.get('k'), 'v2');
  await turn();
  assert.equal(announced, 2);
});

test('a failed load is a value: no throw, the error is kept, and tried again after retryMs', async () => {
  let fail = true;
  const facts = createFactCache<number>({
    retryMs: 20,
    load: async () => {
      if (fail) throw new Error('disk on fire');
      return 7;
    },
  });
  assert.equal(await facts.ensure('k'), undefined);
  assert.equal(facts.error('k'), 'disk on fire');
  fail = false;
  assert.equal(facts.get('k'), undefined, 'not asked again at once');
  assert.equal(facts.pending('k'), undefined);
  await sleep(30);
  facts.get('k');
  await facts.pending('k');
  assert.equal(facts.get('k'), 7);
  assert.equal(facts.error('k'), undefined);
});

test('memory is bounded by count or by weight, the least recently asked going first; a forgotten load lands nowhere', async () => {
  const byCount = createFactCache<number>({ maxEntries: 3, load: async (key) => Number(key) });
  for (const k of ['1', '2', '3']) await byCount.ensure(k);
  byCount.get('1');
  await byCount.ensure('4');
  assert.equal(byCount.size, 3);
  assert.equal(byCount.peek('2'), undefined, 'the oldest asked went');
  assert.equal(byCount.peek('1'), 1);

  const byWeight = createFactCache<string>({ maxSize: 10, sizeOf: (v) => v.length, load: async (key) => 'x'.repeat(Number(key)) });
  await byWeight.ensure('4');
  await byWeight.ensure('5');
  await byWeight.ensure('6');
  assert.equal(byWeight.peek('4'), undefined);
  assert.equal(byWeight.peek('6'), 'xxxxxx');

  let release!: (value: string) => void;
  const gate = new Promise<string>((r) => (release = r));
  const slow = createFactCache<string>({ load: () => gate });
  slow.get('k');
  const landing = slow.pending('k');
  slow.delete('k');
  release('late');
  await landing;
  assert.equal(slow.peek('k'), undefined);
  slow.set('k', 'known');
  assert.equal(slow.peek('k'), 'known');
});

test('a re-check asked for during a load loads once more after it (what it read may be from before the change)', async () => {
  let disk = 'old';
  let loads = 0;
  let release!: () => void;
  const facts = createFactCache<string>({
    load: async () => {
      loads++;
      const read = disk;
      if (loads === 1) await new Promise<void>((r) => (release = r));
      return read;
    },
  });
  facts.get('k');
  disk = 'new';
  facts.recheck('k');
  release();
  await facts.pending('k');
  while (facts.pending('k')) await facts.pending('k');
  assert.equal(loads, 2);
  assert.equal(facts.get('k'), 'new');
});

test('a value is as old as asOf says; a failure may bring a stale fallback, held until retryMs or expire()', async () => {
  let answer: 'stale' | 'fail' | 'fresh' = 'fail';
  let loads = 0;
  const facts = createFactCache<{ text: string; at: number }>({
    maxAgeMs: 60_000,
    retryMs: 60_000,
    asOf: (value) => value.at,
    load: async () => {
      loads++;
      if (answer === 'fail') throw new LoadFailed('the source failed', { text: 'from disk, a day old', at: Date.now() - 86_400_000 });
      return { text: answer, at: answer === 'stale' ? Date.now() - 86_400_000 : Date.now() };
    },
  });
  assert.equal((await facts.ensure('k'))?.text, 'from disk, a day old', 'the fallback answers');
  assert.equal(facts.error('k'), 'the source failed');
  facts.get('k');
  assert.equal(loads, 1, 'not asked again before retryMs');
  answer = 'stale';
  facts.expire('k');
  facts.get('k');
  await facts.pending('k');
  assert.equal(loads, 2, 'expired: asked again');
  assert.equal(facts.error('k'), undefined);
  facts.get('k');
  assert.equal(loads, 3, 'a day old by asOf: older than maxAgeMs, asked again at once');
  await facts.pending('k');
  answer = 'fresh';
  facts.get('k');
  await facts.pending('k');
  assert.equal(facts.get('k')?.text, 'fresh');
  assert.equal(loads, 4);
});
