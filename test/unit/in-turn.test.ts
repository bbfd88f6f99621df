import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inTurn } from '../../server/src/shared/inTurn.ts';

test('inTurn runs at most `limit` jobs at once, in the order asked, and passes results and errors through', async () => {
  let running = 0;
  let most = 0;
  const started: number[] = [];
  const job = inTurn(3, async (n: number) => {
    started.push(n);
    most = Math.max(most, ++running);
    await new Promise((r) => setTimeout(r, 2));
    running--;
    if (n === 7) throw new Error('seven');
    return n * 2;
  });
  const results = await Promise.allSettled(Array.from({ length: 20 }, (_, n) => job(n)));
  assert.equal(most, 3);
  assert.deepEqual(started, Array.from({ length: 20 }, (_, n) => n));
  assert.equal(results[7].status, 'rejected');
  assert.deepEqual(
    results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<number>).value),
    Array.from({ length: 20 }, (_, n) => n * 2).filter((v) => v !== 14),
  );
  // A job that fails still frees its turn: the next one runs.
  assert.equal(await job(1), 2);
});

test('a job that throws before returning a promise rejects its own call and frees its turn', async () => {
  let calls = 0;
  const job = inTurn(1, (n: number): Promise<number> => {
    calls++;
    if (n < 0) throw new Error('negative');
    return Promise.resolve(n);
  });
  await assert.rejects(job(-1), /negative/);
  await assert.rejects(job(-2), /negative/);
  assert.equal(await job(3), 3);
  assert.equal(calls, 3);
});
