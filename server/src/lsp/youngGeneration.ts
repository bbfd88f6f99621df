// The server's heap policy: a language server idles most of its life, between short bursts of work.

import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** Young generation (both semi-spaces) the server lets V8 grow to: the size it reaches after start-up. */
export const YOUNG_GENERATION_CAP = 8 * 1024 * 1024;

const youngGeneration = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;

/**
 * Stops V8 from growing the young generation past YOUNG_GENERATION_CAP. V8 doubles it, up to 2 × 16 MiB,
 * each time as many bytes have survived young collections since the last growth as it holds, and gives
 * nothing back while the process idles; so one big file, or a while of typing in a large one, left the
 * server 24 MiB larger for good. Capped, the survivors go to old space, which V8's memory reducer returns
 * to the system once the server idles (a 1 MiB file: +56 MiB for good before, +33 MiB then +12 MiB after).
 * The growth factor is read each time V8 would grow the space, so setting it once the cap is reached is
 * enough. For the server only: `check` is a batch run, better served by V8's default.
 */
export function capYoungGeneration(cap = YOUNG_GENERATION_CAP): void {
  const freeze = () => {
    try {
      setFlagsFromString('--semi-space-growth-factor=1');
    } catch {
      // A Node.js that refuses the flag runs with V8's default policy.
    }
  };
  if (youngGeneration() >= cap) return freeze();
  // Growth happens at the end of a collection, so the first collection that finds it at the cap freezes it.
  const observer = new PerformanceObserver(() => {
    if (youngGeneration() < cap) return;
    freeze();
    observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}
