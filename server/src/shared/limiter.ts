// One keyed, priority-aware limiter: each key (the disk, a host) runs at most its own number of jobs at once;
// a job someone awaits (urgent: a request's fact) runs before the queued background ones of its key.

export interface LimitOptions {
  /** A request awaits it: it runs before every background job queued under its key. */
  urgent?: boolean;
  /** A name for the job, so that `hurry` can make it urgent while it waits (a hover asks for a release in a round). */
  tag?: string;
}

export interface Limiter {
  /** Runs `job` once its key has a free slot; its result or its error passes through. */
  run<T>(key: string, job: () => Promise<T>, options?: LimitOptions): Promise<T>;
  /** A slot of `key`, for work that is not one function (the fetcher's request, read while it streams): call the release once. */
  slot(key: string, options?: LimitOptions): Promise<() => void>;
  /** Jobs queued under `tag` become urgent: a request now awaits them. */
  hurry(tag: string): void;
  /** Jobs of `key` running now. */
  active(key: string): number;
}

interface Waiter {
  start: () => void;
  tag?: string;
  /** Started, or moved to the urgent queue: skipped where it still stands in the background queue. */
  gone?: boolean;
}

interface Lane {
  active: number;
  urgent: Waiter[];
  background: Waiter[];
  /** The first background waiter not yet started (a queue of thousands is not shifted one by one). */
  head: number;
}

/**
 * A limiter whose key `k` runs `limitOf(k)` jobs at once. It replaces four hand-written ones (`inTurn`, the
 * advisory client's `bounded` and its disk lanes, the fetcher's per-host slots), none of which knew of the others.
 */
export function createLimiter(limitOf: (key: string) => number): Limiter {
  const lanes = new Map<string, Lane>();
  const tagged = new Map<string, { key: string; waiter: Waiter }[]>();

  const next = (key: string, lane: Lane) => {
    lane.active--;
    let waiter = lane.urgent.shift();
    while (!waiter && lane.head < lane.background.length) {
      const w = lane.background[lane.head++];
      if (!w.gone) waiter = w;
    }
    if (lane.head > 1024 && lane.head * 2 > lane.background.length) {
      lane.background = lane.background.slice(lane.head);
      lane.head = 0;
    }
    if (waiter) return void waiter.start();
    if (lane.active === 0 && !lane.urgent.length) lanes.delete(key);
  };

  const untag = (waiter: Waiter) => {
    if (waiter.tag === undefined) return;
    const list = tagged.get(waiter.tag);
    const rest = list?.filter((t) => t.waiter !== waiter);
    if (rest?.length) tagged.set(waiter.tag, rest);
    else tagged.delete(waiter.tag);
  };

  const slot = (key: string, options: LimitOptions = {}): Promise<() => void> => {
    let lane = lanes.get(key);
    if (!lane) lanes.set(key, (lane = { active: 0, urgent: [], background: [], head: 0 }));
    const l = lane;
    const grant = () => {
      l.active++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        next(key, l);
      };
    };
    if (l.active < Math.max(1, limitOf(key))) return Promise.resolve(grant());
    return new Promise((resolve) => {
      const waiter: Waiter = { tag: options.tag, start: () => undefined };
      waiter.start = () => {
        waiter.gone = true;
        untag(waiter);
        resolve(grant());
      };
      (options.urgent ? l.urgent : l.background).push(waiter);
      if (options.tag !== undefined && !options.urgent) {
        const list = tagged.get(options.tag) ?? [];
        list.push({ key, waiter });
        tagged.set(options.tag, list);
      }
    });
  };

  return {
    slot,
    async run(key, job, options) {
      const release = await slot(key, options);
      try {
        return await job();
      } finally {
        release();
      }
    },
    hurry(tag) {
      const list = tagged.get(tag);
      if (!list) return;
      tagged.delete(tag);
      for (const { key, waiter } of list) {
        const lane = lanes.get(key);
        if (!lane || waiter.gone) continue;
        // Left where it stands in the background queue, marked gone; a copy goes to the urgent one.
        waiter.gone = true;
        lane.urgent.push({ start: waiter.start });
      }
    },
    active: (key) => lanes.get(key)?.active ?? 0,
  };
}

/**
 * Disk work in flight at once, whoever asks (the workspace's reads and path look-ups, the index's and the advisories'
 * disk cache): enough to keep libuv's four threads busy, few enough to leave them to others.
 */
const DISK_WORK_AT_ONCE = 8;

/**
 * The process's one disk key. Kept on `globalThis`, since the index is a bundle of its own (packageIndex.cjs) with its
 * own copy of this module: two module-level limiters would let twice the reads run at once.
 */
const DISK_LIMITER = Symbol.for('requirements-language-server.diskLimiter');
export const diskLimiter: Limiter = ((globalThis as Record<symbol, unknown>)[DISK_LIMITER] ??= createLimiter(() => DISK_WORK_AT_ONCE)) as Limiter;

/** Runs disk work through the disk's key: a file with a thousand `-r` lines, or 3,000 pins' cached advisories, read a few at a time. */
export const onDisk = <T>(work: () => Promise<T>, options?: LimitOptions): Promise<T> => diskLimiter.run('disk', work, options);
