// A fact on its way, written once: a key's value is answered at once from memory; a miss, or a value older than an
// age, is loaded in the background (the old value served meanwhile); what changed is announced once per turn of the
// event loop; memory is bounded (by count, or by weight), the oldest asked going first; a failed load is a value.

export interface FactCacheOptions<V> {
  /**
   * Loads a key's fact. `previous` is the value held now, so that a re-check may answer it unchanged (a stamp still
   * the same). A rejection is kept as the key's error (`error(key)`), never thrown at a reader.
   */
  load(key: string, previous: V | undefined): Promise<V>;
  /** How old a value may get before `get` re-checks it in the background (default: never). */
  maxAgeMs?: number;
  /** How long a failed load is kept before `get` tries again (default: `maxAgeMs`). */
  retryMs?: number;
  /** Keys kept at most (default 10,000); past it the least recently asked go. */
  maxEntries?: number;
  /** The weight kept at most, with `sizeOf` (an entry being loaded weighs 1). */
  maxSize?: number;
  sizeOf?: (value: V) => number;
  /** Whether a landed value is news (announced); `before` is undefined on a first load. Default: not the same value. */
  changed?: (before: V | undefined, after: V) => boolean;
  /** When a value was true (an answer read back from a disk cache: when it was fetched); its age counts from then. Default: when it landed. */
  asOf?: (value: V) => number;
}

/**
 * A load that failed, and what to answer meanwhile if nothing is held (a stale copy found on the way): thrown by a
 * load, it is kept as the key's error, and the fallback as its value, until `retryMs` has passed.
 */
export class LoadFailed<V> {
  // Not an Error: a round of 15,000 releases failing at once would capture 15,000 stack traces no one reads.
  constructor(
    readonly message: string,
    readonly fallback?: V,
  ) {}
}

export interface FactCache<V> {
  /** The value now, or undefined; starts nothing. */
  peek(key: string): V | undefined;
  /** The value now (a stale one while it is re-checked); starts a load when there is none, or it is old. */
  get(key: string): V | undefined;
  /** The load of `key` under way, resolving once it has landed; undefined when none is. */
  pending(key: string): Promise<void> | undefined;
  /** A value not older than the age, loading it when needed and waiting (for explicit actions: a command, the CLI). */
  ensure(key: string): Promise<V | undefined>;
  /** Why the last load of `key` failed, while that is the last word on it. */
  error(key: string): string | undefined;
  /** A value known otherwise (read synchronously by an explicit action); announced when it is news, unless `quietly`. */
  set(key: string, value: V, quietly?: boolean): void;
  /** Forgets a key; a load of it under way lands nowhere. */
  delete(key: string): void;
  clear(): void;
  /** The key's value counts as old from now on: the next `get` loads it again (a source that answers again). */
  expire(key: string): void;
  /**
   * Loads `key` again now, in the background, serving the value held meanwhile (the client says a file changed); during
   * a load, once more after it, since what it read may be from before the change.
   */
  recheck(key: string): void;
  /** The first loads under way (keys with no value yet), for a request's brief wait; undefined when none are. */
  firstLoads(): Promise<void> | undefined;
  /** Called once per turn of the event loop with the keys whose values changed in it. */
  onDidChange(listener: (keys: ReadonlySet<string>) => void): void;
  /** The keys held, least recently asked first. */
  keys(): string[];
  readonly size: number;
}

interface Entry<V> {
  value?: V;
  /** What it counts against `maxSize` (1 while it has no value). */
  weight: number;
  error?: string;
  /** When the value (or the error) landed; 0: never. */
  at: number;
  /** When the value was true (`asOf`), else when it landed. */
  asOf: number;
  loading?: Promise<void>;
  /** Asked again during the load: loaded once more when it lands. */
  again?: boolean;
}

export function createFactCache<V>(options: FactCacheOptions<V>): FactCache<V> {
  const maxAgeMs = options.maxAgeMs ?? Infinity;
  const retryMs = options.retryMs ?? maxAgeMs;
  const changed = options.changed ?? ((before, after) => !Object.is(before, after));
  const maxEntries = options.maxEntries ?? 10_000;
  const maxSize = options.sizeOf ? (options.maxSize ?? Infinity) : Infinity;
  const weightOf = (value: V) => (options.sizeOf ? Math.max(1, Math.min(maxSize, options.sizeOf(value))) : 1);
  // In the order last asked (a Map keeps insertion order; an asked key moves to the end), with their total weight.
  const entries = new Map<string, Entry<V>>();
  let total = 0;
  const fresh = (key: string): Entry<V> => {
    const entry: Entry<V> = { at: 0, asOf: 0, weight: 1 };
    remove(key);
    entries.set(key, entry);
    total += 1;
    trim(key);
    return entry;
  };
  const remove = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    total -= entry.weight;
  };
  /** The least recently asked go while over a bound; never `keep` (what just landed). */
  const trim = (keep: string) => {
    for (const key of entries.keys()) {
      if (entries.size <= maxEntries && total <= maxSize) return;
      if (key !== keep) remove(key);
    }
  };
  const touch = (key: string): Entry<V> | undefined => {
    const entry = entries.get(key);
    if (entry) {
      entries.delete(key);
      entries.set(key, entry);
    }
    return entry;
  };
  const first = new Set<Promise<void>>();
  const listeners: ((keys: ReadonlySet<string>) => void)[] = [];

  // Facts land one by one (a file full of paths, a round of reads): their keys are announced together, once a turn.
  let news: Set<string> | undefined;
  const announce = (key: string) => {
    if (news) return void news.add(key);
    news = new Set([key]);
    setImmediate(() => {
      const keys = news!;
      news = undefined;
      let failure: unknown;
      for (const l of listeners) {
        try {
          l(keys);
        } catch (error) {
          failure ??= error;
        }
      }
      // Every listener heard; the first failure is the process's to log (lsp/lifeline.ts).
      if (failure !== undefined) throw failure;
    });
  };

  const hold = (key: string, entry: Entry<V>, value: V) => {
    entry.value = value;
    const weight = weightOf(value);
    total += weight - entry.weight;
    entry.weight = weight;
    trim(key);
  };
  const land = (key: string, entry: Entry<V>, value: V, quietly = false) => {
    const before = entry.value;
    hold(key, entry, value);
    entry.error = undefined;
    entry.at = Date.now();
    entry.asOf = options.asOf?.(value) ?? entry.at;
    if (!quietly && changed(before, value)) announce(key);
  };

  const load = (key: string, entry: Entry<V>) => {
    const isFirst = entry.value === undefined;
    // Started now (a look-up asked for is on its way when `get` returns); a load that throws at once is a failure too.
    const loading: Promise<void> = new Promise<V>((resolve) => resolve(options.load(key, entry.value)))
      .then(
        (value) => {
          if (entries.get(key) === entry) land(key, entry, value);
        },
        (error: unknown) => {
          if (entries.get(key) !== entry) return;
          entry.error = error instanceof Error || error instanceof LoadFailed ? error.message : String(error);
          entry.at = Date.now();
          if (error instanceof LoadFailed && error.fallback !== undefined && entry.value === undefined) {
            hold(key, entry, error.fallback as V);
            entry.asOf = options.asOf?.(entry.value!) ?? entry.at;
          }
        },
      )
      .finally(() => {
        entry.loading = undefined;
        first.delete(loading);
        if (entry.again && entries.get(key) === entry) {
          entry.again = false;
          void load(key, entry);
        }
      });
    entry.loading = loading;
    if (isFirst) first.add(loading);
    return loading;
  };

  const old = (entry: Entry<V>) => (entry.error !== undefined ? Date.now() - entry.at > retryMs : Date.now() - entry.asOf > maxAgeMs);

  const get = (key: string): V | undefined => {
    const entry = touch(key) ?? fresh(key);
    if (!entry.loading && (entry.at === 0 || old(entry))) void load(key, entry);
    return entry.value;
  };

  return {
    peek: (key) => entries.get(key)?.value,
    get,
    pending: (key) => entries.get(key)?.loading,
    async ensure(key) {
      get(key);
      const entry = entries.get(key);
      await entry?.loading;
      return entry?.value;
    },
    error: (key) => entries.get(key)?.error,
    set(key, value, quietly) {
      const held = touch(key);
      // A load under way would land an older answer over this one: it lands nowhere.
      land(key, held && !held.loading ? held : fresh(key), value, quietly);
    },
    delete: (key) => remove(key),
    clear: () => {
      entries.clear();
      total = 0;
    },
    expire(key) {
      const entry = entries.get(key);
      if (entry) entry.at = entry.asOf = 0;
    },
    recheck(key) {
      const entry = entries.get(key);
      if (entry?.loading) entry.again = true;
      else if (entry) void load(key, entry);
    },
    firstLoads: () => (first.size ? Promise.all(first).then(() => undefined) : undefined),
    onDidChange: (listener) => void listeners.push(listener),
    keys: () => [...entries.keys()],
    get size() {
      return entries.size;
    },
  };
}
