// The package index facade: one HTTP client (and its host health), one disk cache, the responses every view shares,
// the names every index lists, and a view per index configuration; tells when new facts arrived and when an index
// cannot be reached. Never makes a caller wait on the network. The parts: responses.ts (fetched pages, in memory
// and on disk), projectNames.ts (project lists, name search), indexView.ts (one configuration's facts).

import { LRUCache } from 'lru-cache';
import { redact } from './credentials.js';
import { DiskCache } from './diskCache.js';
import type { Lookup } from './addressPolicy.js';
import { createFetcher, type Fetcher } from './fetcher.js';
import { describeDown, healthOrigin as originOf } from './hostHealth.js';
import { createIndexView, type IndexView } from './indexView.js';
import type { IndexConfig } from './pipConfig.js';
import { createProjectNames } from './projectNames.js';
import { createQuiet } from './quiet.js';
import { createResponses } from './responses.js';

// Loaded with this bundle (undici), on first use.
export { createVulnerabilityClient } from './vulnerabilities.js';

export interface IndexLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface PackageIndexOptions {
  cacheDir: string;
  logger: IndexLogger;
  env?: Record<string, string | undefined>;
  readFile?: (p: string) => string | undefined;
  home?: string;
  timeoutMs?: number;
  /** Whether netrc's `default` entry may be sent to an origin (only to those the user configured). */
  netrcDefault?: (origin: string) => boolean;
  /** How long fetched facts count as fresh before a background refresh (default 10 minutes). */
  freshMs?: number;
  /** The cap on one response's body (fetcher.ts's MAX_BODY_BYTES by default); a bigger answer is ignored, with a warning. */
  maxResponseBytes?: number;
  /** The cap on the full project list's body (MAX_LIST_BYTES by default). */
  maxListBytes?: number;
  /** What the latest responses kept in memory may hold together, in characters of their bodies (RESPONSE_CACHE_CHARS). */
  responseCacheChars?: number;
  /** What the disk cache's entries may take together, in bytes (diskCache.ts's MAX_DISK_BYTES). */
  diskCacheBytes?: number;
}

/** The shared part: one HTTP client, one disk cache, one response cache; views are handed out per configuration. */
export interface IndexHub {
  view(config: IndexConfig): IndexView;
  /** Listeners get the normalized names whose facts arrived (empty for a project list). */
  onDidChange(listener: (names: string[]) => void): void;
  /** Called once per index when it cannot be reached (answers then come from the disk cache). */
  onOffline(listener: (message: string) => void): void;
  /** Called when an index told of as unreachable answers again. */
  onOnline(listener: (message: string) => void): void;
  /**
   * Whether `indexUrl` answers: undefined when it does, else why not ("http://host cannot be reached (…)").
   * A host known to be down answers at once; any other is asked with HEAD within `timeoutMs` when `probe`.
   */
  reach(indexUrl: string, timeoutMs: number, probe: boolean): Promise<string | undefined>;
  /** The HTTP client (and its host health) the views use; the advisory client shares it. */
  readonly fetcher: Fetcher;
  dispose(): Promise<void>;
}

/** The log line: each URL once, with where it came from (`(from /etc/pip.conf)`, not `(from the default)` for a pip.conf extra). */
export function describeIndexConfig(config: IndexConfig): string {
  const main = config.noIndex ? 'none (--no-index)' : `${redact(config.indexUrl)} (from ${config.source})`;
  const extras = config.noIndex ? [] : config.extraIndexUrls.map(redact);
  const links = (config.findLinks ?? []).map(redact);
  const more = [...(extras.length ? [`extra ${extras.join(', ')}`] : []), ...(links.length ? [`find-links ${links.join(', ')}`] : [])];
  return `Package index: ${main}${more.length ? `; ${more.join('; ')} (from ${(config.extraSources ?? []).join(', ') || 'the configuration'})` : ''}`;
}

/** The key of a view: everything that changes what the indexes answer. */
export function viewKey(config: Pick<IndexConfig, 'indexUrl' | 'extraIndexUrls' | 'noIndex' | 'findLinks'>): string {
  const strip = (u: string) => u.replace(/\/+$/, '');
  return JSON.stringify([config.noIndex, strip(config.indexUrl), config.extraIndexUrls.map(strip), (config.findLinks ?? []).map(strip)]);
}

export function createIndexHub(options: PackageIndexOptions): IndexHub {
  const fetcher: Fetcher = createFetcher({
    timeoutMs: options.timeoutMs,
    env: options.env,
    readFile: options.readFile,
    home: options.home,
    netrcDefault: options.netrcDefault,
    maxBodyBytes: options.maxResponseBytes,
  });
  const disk = new DiskCache(options.cacheDir, { maxBytes: options.diskCacheBytes });
  const quiet = createQuiet();
  const responses = createResponses({ disk, fetcher, quiet, maxChars: options.responseCacheChars });
  const listeners: ((names: string[]) => void)[] = [];
  const offlineListeners: ((m: string) => void)[] = [];
  const onlineListeners: ((m: string) => void)[] = [];
  // Told once per host while it is down (keyed by origin), and told again when it answers again.
  const offlineTold = new Set<string>();
  // What a host coming back makes new: views forget their misses, failed project lists load again.
  const whenBack = new Set<(origin: string) => void>();
  const backOf = new WeakMap<IndexView, (origin: string) => void>();
  const tellOffline = (indexUrl: string, res: { error?: string; unreachable?: string }) => {
    const origin = originOf(indexUrl);
    if (offlineTold.has(origin)) return;
    offlineTold.add(origin);
    const why = res.unreachable ? redact(res.unreachable) : `${redact(indexUrl)} cannot be reached (${redact(res.error ?? 'no answer')})`;
    const message = `The package index ${why}; completion and checks use what is cached on disk, and it is asked again in the background.`;
    options.logger.warn(message);
    for (const l of offlineListeners) l(message);
  };
  fetcher.health.onChange((origin, down) => {
    if (down) return;
    for (const back of whenBack) back(origin);
    if (!offlineTold.delete(origin)) return;
    const message = `The package index ${origin} answers again.`;
    options.logger.info(message);
    for (const l of onlineListeners) l(message);
    // Open files ask again for what they missed.
    announce([]);
  });
  const announce = (changed: string[]) => {
    // Also called from a timer (announceSoon), where a listener's exception would end the process.
    for (const l of listeners) {
      try {
        l(changed);
      } catch (error) {
        options.logger.warn(`A listener of index changes failed: ${redact(String(error))}`);
      }
    }
  };
  // Facts land one by one (disk-cache reads, fetches: a 50-dependency file's land over a few turns): their names are
  // announced together, once per turn of the event loop, so that the open files are checked once per turn.
  let landed: string[] | undefined;
  const announceSoon = (name: string) => {
    if (landed) return void landed.push(name);
    landed = [name];
    setImmediate(() => {
      const names = landed!;
      landed = undefined;
      announce(names);
    });
  };

  const { cacheDir, logger, maxListBytes } = options;
  const lists = createProjectNames({ cacheDir, fetcher, quiet, logger, maxListBytes, announce, tellOffline });
  whenBack.add(lists.back);
  const context = { fetcher, responses, quiet, lists, logger: options.logger, freshMs: options.freshMs ?? 10 * 60_000, announce, announceSoon, tellOffline };

  // Views by configuration; an evicted view only loses its in-memory facts (the responses and the disk stay).
  const views = new LRUCache<string, IndexView>({ max: 32, dispose: (view) => void whenBack.delete(backOf.get(view)!) });
  return {
    view(config) {
      const key = viewKey(config);
      let view = views.get(key);
      if (!view) {
        const made = createIndexView(config, context);
        view = made.view;
        whenBack.add(made.back);
        backOf.set(view, made.back);
        views.set(key, view);
        options.logger.info(describeIndexConfig(config));
      }
      return view;
    },
    onDidChange: (l) => void listeners.push(l),
    onOffline: (l) => void offlineListeners.push(l),
    onOnline: (l) => void onlineListeners.push(l),
    async reach(indexUrl, timeoutMs, probe) {
      if (/^file:/i.test(indexUrl)) return undefined;
      const origin = originOf(indexUrl);
      const down = fetcher.health.down(origin);
      if (down) return redact(describeDown(origin, down));
      return probe ? redactIfAny(await fetcher.probe(indexUrl, timeoutMs)) : undefined;
    },
    fetcher,
    async dispose() {
      // Not waiting for a quiet moment (a hanging fetch would hold the shutdown): what is queued is written now.
      await responses.flush();
      await fetcher.close();
    },
  };
}

/**
 * Whether an index answers, for the CLI's compile (the server asks its hub, which knows its hosts' health):
 * undefined when it does, else why not. One HEAD within `timeoutMs`; credentials as for any fetch.
 */
export async function reachIndex(
  indexUrl: string,
  options: { env: Record<string, string | undefined>; timeoutMs: number; lookup?: Lookup },
): Promise<string | undefined> {
  if (/^file:/i.test(indexUrl)) return undefined;
  const fetcher = createFetcher({ env: options.env, retryHosts: false, lookup: options.lookup });
  try {
    return redactIfAny(await fetcher.probe(indexUrl, options.timeoutMs));
  } finally {
    await fetcher.close();
  }
}

const redactIfAny = (text: string | undefined) => (text === undefined ? undefined : redact(text));
