// What the index is doing now: project fetches and disk-cache reads under way. Work no answer waits for (the disk
// writes, the popularity table) waits for a quiet moment rather than taking the loop from the facts a file awaits.

export interface Quiet {
  /** A fetch or a read that an answer may wait for has begun. */
  began(): void;
  /** It has ended. */
  ended(): void;
  /** Resolves once nothing has been under way for a moment, or after QUIET_WAIT_MS at most. */
  whenQuiet(): Promise<void>;
}

const QUIET_WAIT_MS = 2000;

export function createQuiet(): Quiet {
  let active = 0;
  let quietWaiters: (() => void)[] = [];
  return {
    began: () => void active++,
    ended() {
      if (--active > 0) return;
      const waiters = quietWaiters;
      quietWaiters = [];
      for (const w of waiters) w();
    },
    async whenQuiet() {
      const until = Date.now() + QUIET_WAIT_MS;
      // Quiet for a moment: the facts that just landed start the next reads (their files' includes, a republish).
      while (Date.now() < until) {
        if (active > 0) await new Promise<void>((resolve) => quietWaiters.push(resolve));
        await new Promise((resolve) => setTimeout(resolve, 30).unref());
        if (active === 0) return;
      }
    },
  };
}
