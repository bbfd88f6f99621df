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
