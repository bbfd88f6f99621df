// Runs asynchronous jobs a few at a time, in the order they were asked for.

/**
 * A wrapper that lets at most `limit` calls of `job` run at once; the others wait, as their arguments only.
 * A file with a thousand `-r` lines asked for a thousand reads at once: each held its promise, its request
 * and (for a missing file) its error until libuv's four threads got to it, long enough to outlive young
 * collections, and a hover's own read waited behind them all.
 */
export function inTurn<A extends unknown[], R>(limit: number, job: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  let running = 0;
  const waiting: (() => void)[] = [];
  const next = () => {
    running--;
    waiting.shift()?.();
  };
  return (...args) => {
    const run = () => {
      running++;
      // Through a promise, so that a job that throws before it returns one still frees its turn.
      return Promise.resolve()
        .then(() => job(...args))
        .finally(next);
    };
    if (running < limit) return run();
    return new Promise<R>((resolve, reject) => waiting.push(() => void run().then(resolve, reject)));
  };
}
