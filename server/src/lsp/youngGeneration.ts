// The server's heap policy: a language server idles most of its life, between short bursts of work.

import { setFlagsFromString } from 'node:v8';

/**
 * Keeps V8's young generation at the size it has when the server starts (4 MiB measured). V8 doubles it,
 * up to 2 × 16 MiB, each time as many bytes have survived young collections since the last growth as it
 * holds, and gives nothing back while the process idles (its memory reducer shrinks old space only): one
 * big file, or a while of typing in a large one, left the server about 24 MiB larger for good. Kept small,
 * the survivors go to old space, which the memory reducer returns once the server idles. A 1 MiB file:
 * +56 MiB for good before; +35 MiB, then +12 MiB after 20 s idle, now. It costs about 1 ms per keystroke
 * when an edit's diagnostics walk 20,000 included lines (the young collections come more often).
 *
 * It is set at start, not when the space reaches a size: a collection's report reaches JavaScript only
 * after the synchronous work that caused it, and one big file's diagnostics doubled the space twice in
 * between. The growth factor is read each time V8 would grow the space. Not for `check`, a batch run.
 */
export function keepYoungGenerationSmall(): void {
  try {
    setFlagsFromString('--semi-space-growth-factor=1');
  } catch {
    // A Node.js that refuses the flag runs with V8's default policy.
  }
}
