// The package index facade: answers at once from memory or the disk cache, fetches in the background,
// and says when new facts arrived. Never makes a caller wait on the network.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LRUCache } from 'lru-cache';
import { normalizeName } from '../syntax/names.js';
import { redact } from './credentials.js';
import { DiskCache, type CachedResponse } from './diskCache.js';
import type { Lookup } from './addressPolicy.js';
import { createFetcher, MAX_LIST_BYTES, type Fetcher } from './fetcher.js';
import { describeDown } from './hostHealth.js';
import { NameIndex } from './nameSearch.js';
import { PYPI, type IndexConfig } from './pipConfig.js';
import { popularProjects, popularProjectsSoon } from './popular.js';
import { runOffThread } from './listThread.js';
import { LIST_MAX_AGE_MS, listFile } from './projectList.js';
import { hasName, sizeOf, type SortedNames } from './sortedNames.js';
import { factsFromMetadata, metadataFile, parseJsonApi, parseProjectHtml, parseProjectJson, projectFact, versionOfFile, type ProjectPage } from './simpleApi.js';
import { parseMetadata } from '../shared/coreMetadata.js';
import { unexpand } from '../shared/shownValues.js';
import type { IndexFacts, ProjectFact } from '../shared/facts.js';
import { nextTurn } from '../shared/nextTurn.js';
import { diskLimiter } from '../shared/limiter.js';

// Loaded with this bundle (undici), on first use.
export { createVulnerabilityClient } from './vulnerabilities.js';

export const SIMPLE_ACCEPT = 'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1';

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

/**
 * What one effective index configuration (index URL, extra indexes, --no-index; credentials are part of the
 * URLs or come from ~/.netrc) knows. Files with different options hold different views at the same time.
 */
export interface IndexView extends IndexFacts {
  readonly config: IndexConfig;
  /** The fetch of `name` under way in this view, if any: a request may await it briefly. */
  pending(name: string): Promise<unknown> | undefined;
  /** Fetches now and waits (for the CLI, commands and tests); editors use `project()`. */
  ensureProject(name: string): Promise<ProjectFact | undefined>;
  /** Loads this view's index's project list (disk, else fetched in the background when missing or a day old). */
  loadProjectList(progress?: { begin(title: string): void; end(message: string): void }): Promise<void>;
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

/** A hub with one current view, for the CLI, tests and benchmarks: `configure` picks a view, it clears nothing. */
export interface PackageIndex extends IndexFacts {
  configure(config: IndexConfig): void;
  /** Listeners get the normalized names whose facts arrived. */
  onDidChange(listener: (names: string[]) => void): void;
  /** Called once when the index cannot be reached (answers then come from the disk cache). */
  onOffline(listener: (message: string) => void): void;
  /**
   * Loads the index's full project list from disk, and fetches it in the background when it is missing or
   * older than a day. `progress` reports the fetch (for LSP work-done progress).
   */
  loadProjectList(progress?: { begin(title: string): void; end(message: string): void }): Promise<void>;
  /** Fetches now and waits (for the CLI and tests); editors use `project()`. */
  ensureProject(name: string): Promise<ProjectFact | undefined>;
  /** The disk read or fetch of `name` under way, if any (what a request would await briefly). */
  pending(name: string): Promise<unknown> | undefined;
  dispose(): Promise<void>;
}

/**
 * How long a response stays fresh: the index's Cache-Control max-age (no-cache/no-store: revalidate, but at
 * most every 30 s, since completion asks on every keystroke), capped by our own default.
 */
export function freshness(cacheControl: string | undefined, fallback: number): number {
  if (!cacheControl) return fallback;
  if (/\bno-(cache|store)\b/i.test(cacheControl)) return 30_000;
  const maxAge = /\bmax-age\s*=\s*(\d+)/i.exec(cacheControl);
  return maxAge ? Math.max(30_000, Math.min(fallback, Number(maxAge[1]) * 1000)) : fallback;
}

/** The log line: each URL once, with where it came from (`(from /etc/pip.conf)`, not `(from the default)` for a pip.conf extra). */
export function describeIndexConfig(config: IndexConfig): string {
  const main = config.noIndex ? 'none (--no-index)' : `${redact(config.indexUrl)} (from ${config.source})`;
  const extras = config.noIndex ? [] : config.extraIndexUrls.map(redact);
  const links = (config.findLinks ?? []).map(redact);
  const more = [...(extras.length ? [`extra ${extras.join(', ')}`] : []), ...(links.length ? [`find-links ${links.join(', ')}`] : [])];
  return `Package index: ${main}${more.length ? `; ${more.join('; ')} (from ${(config.extraSources ?? []).join(', ') || 'the configuration'})` : ''}`;
}

/** --find-links locations that are folders on this machine, as file: URLs (remote pages of links are not read). */
function localFindLinks(findLinks: string[] | undefined): string[] {
  const out: string[] = [];
  for (const f of findLinks ?? []) {
    if (/^file:/i.test(f)) out.push(f);
    else if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(f)) out.push(pathToFileURL(path.resolve(f)).toString());
  }
  return out;
}

/** pypi.org's project page for PyPI; the index's own project page (credentials removed) for any other. */
export function projectPage(config: IndexConfig, name: string): string | undefined {
  if (config.noIndex) return undefined;
  const base = config.indexUrl.replace(/\/+$/, '');
  if (/^https?:\/\/pypi\.org\/simple$/i.test(base)) return `https://pypi.org/project/${name}/`;
  try {
    const url = new URL(`${base}/${name}/`);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return undefined;
  }
}

function jsonApiUrl(indexUrl: string, name: string): string | undefined {
  // PyPI-style servers serve `/pypi/<name>/json` beside `/simple/`.
  const m = /^(.*?)\/simple\/?$/.exec(indexUrl);
  return m ? `${m[1]}/pypi/${name}/json` : undefined;
}

/** The key of a view: everything that changes what the indexes answer. */
export function viewKey(config: Pick<IndexConfig, 'indexUrl' | 'extraIndexUrls' | 'noIndex' | 'findLinks'>): string {
  const strip = (u: string) => u.replace(/\/+$/, '');
  return JSON.stringify([config.noIndex, strip(config.indexUrl), config.extraIndexUrls.map(strip), (config.findLinks ?? []).map(strip)]);
}

/** What one view's facts in memory may hold, in releases and file hashes (about a hundred bytes each): some 30 MB. */
const FACT_UNITS = 300_000;
// Capped, so that a project of tens of thousands of files still fits (one that did not would be read again and again).
const factUnits = (entry: { fact: ProjectFact }) => Math.min(FACT_UNITS / 8, 1 + entry.fact.versions.reduce((n, v) => n + 1 + (v.hashes?.length ?? 0), 0));

/**
 * What the latest responses in memory may hold, in characters (a page of a few hundred files is 50-200 KB): the
 * responses of a few hundred projects, enough for a conditional refresh to find its ETag without the disk. It
 * was a count (4,000) before, which a hostile or a huge index turned into gigabytes.
 */
const RESPONSE_CACHE_CHARS = 64 * 2 ** 20;

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
  const freshMs = options.freshMs ?? 10 * 60_000;
  const listeners: ((names: string[]) => void)[] = [];
  const offlineListeners: ((m: string) => void)[] = [];
  const onlineListeners: ((m: string) => void)[] = [];
  // Told once per host while it is down (keyed by origin), and told again when it answers again.
  const offlineTold = new Set<string>();
  // What a host coming back makes new: views forget their misses, failed project lists load again.
  const whenBack = new Set<(origin: string) => void>();
  const backOf = new WeakMap<IndexView, (origin: string) => void>();
  // The popularity table and its name index: decoded on the index's worker thread once the index is quiet, and
  // adopted on a later turn, once a project list is wanted (name completion answers from the table until the list is there, and a list
  // makes every unknown name a did-you-mean). A name search or did-you-mean that comes first decodes it at once.
  const popular = () => popularProjects();
  let popularNames: NameIndex | undefined;
  const names = () => (popularNames ??= new NameIndex([], popular().table));
  let namesReady: Promise<void> | undefined;
  const namesSoon = () =>
    (namesReady ??= (async () => {
      // Not while facts are on their way: on two cores a thread decoding the table slowed a file's first facts.
      await whenQuiet();
      await popularProjectsSoon();
      await nextTurn();
      try {
        names();
      } catch (error) {
        options.logger.warn(`The name index could not be built ahead of use: ${String(error)}`);
      }
      await nextTurn();
    })());
  // Full project lists by index URL, once loaded: they make `knows()` possible and widen name search.
  const lists = new Map<string, { list: SortedNames; index?: NameIndex }>();
  const fullList = (indexUrl: string) => {
    const entry = lists.get(indexUrl);
    if (entry) entry.index ??= new NameIndex(entry.list, popular().table);
    return entry?.index;
  };
  const hasList = (indexUrl: string) => lists.has(indexUrl);
  /** A list arrived: it is used (knows(), name search, did-you-mean) once the popularity table is ready too. */
  const listed = async (indexUrl: string, list: SortedNames) => {
    await namesSoon();
    lists.set(indexUrl, { list });
  };
  // The latest response per URL, shared by every view (a URL answers the same whichever file asks), so a
  // refresh can be conditional before the disk write has landed.
  const responses = new LRUCache<string, CachedResponse>({
    max: 4000,
    maxSize: options.responseCacheChars ?? RESPONSE_CACHE_CHARS,
    sizeCalculation: (r) => 256 + r.body.length + r.url.length,
  });
  // Read off the event loop, both for a request's miss and for every background fetch. A URL found missing is not
  // looked for again until written (a project's first fetch read each of its entries twice, once for the disk's
  // copy and once for its conditional request).
  const notOnDisk = new LRUCache<string, true>({ max: 20_000 });
  const cachedResponseAsync = async (url: string) => {
    const waiting = unwritten.get(url);
    const hit = responses.get(url) ?? (waiting && { ...waiting, url });
    if (hit || notOnDisk.has(url)) return hit;
    // Through the disk's one key, behind what requests await; tagged, so that a request awaiting it (`pending`) hurries it.
    const read = await disk.readAsync(url, { tag: url });
    if (!read) notOnDisk.set(url, true);
    return read;
  };
  // What the index is doing now (project fetches and disk-cache reads under way): work no answer waits for (the
  // disk writes, the popularity table) waits for a quiet moment rather than taking the loop from the facts a file
  // is waiting for, at most QUIET_WAIT_MS.
  let active = 0;
  let quietWaiters: (() => void)[] = [];
  const began = () => void active++;
  const ended = () => {
    if (--active > 0) return;
    const waiters = quietWaiters;
    quietWaiters = [];
    for (const w of waiters) w();
  };
  const QUIET_WAIT_MS = 2000;
  const whenQuiet = async () => {
    const until = Date.now() + QUIET_WAIT_MS;
    // Quiet for a moment: the facts that just landed start the next reads (their files' includes, a republish).
    while (Date.now() < until) {
      if (active > 0) await new Promise<void>((resolve) => quietWaiters.push(resolve));
      await new Promise((resolve) => setTimeout(resolve, 30).unref());
      if (active === 0) return;
    }
  };

  // Responses go to disk once the index is quiet: the next session reads them, this one has them in memory
  // (`responses`). Writing each as it arrived (mkdir, write, rename) took 50 ms of the loop from a 50-dependency
  // file's first facts. dispose() writes what is left.
  const unwritten = new Map<string, Omit<CachedResponse, 'url'>>();
  let writing: Promise<void> | undefined;
  const writeUnwritten = async () => {
    const batch = [...unwritten];
    unwritten.clear();
    await Promise.all(batch.map(([url, entry]) => disk.write(url, entry).catch(() => undefined)));
  };
  const writeSoon = () => {
    writing ??= whenQuiet()
      .then(writeUnwritten)
      .finally(() => {
        writing = undefined;
        if (unwritten.size) writeSoon();
      });
  };
  const keep = (url: string, entry: Omit<CachedResponse, 'url'>) => {
    responses.set(url, { ...entry, url });
    notOnDisk.delete(url);
    unwritten.set(url, entry);
    writeSoon();
  };
  const pageOf = (entry: Pick<CachedResponse, 'body' | 'contentType'>, url: string): ProjectPage | undefined =>
    entry.contentType.includes('json') ? parseProjectJson(entry.body, url) : parseProjectHtml(entry.body, url);
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

  /** Indexes without `/pypi/<name>/json` (devpi, Artifactory, Nexus, GitLab…) may serve PEP 658 `.metadata` files. */
  const metadataFacts = async (pages: ProjectPage[], name: string) => {
    const file = metadataFile(pages, name);
    if (!file) return undefined;
    const url = `${file.url}.metadata`;
    const cached = await cachedResponseAsync(url);
    if (cached) return factsFromMetadata(parseMetadata(cached.body));
    const res = await fetcher.get(url, 'text/plain, */*');
    if (!res.ok) return undefined;
    keep(url, { fetchedAt: Date.now(), contentType: res.contentType, body: res.body, etag: res.etag, lastModified: res.lastModified });
    return factsFromMetadata(parseMetadata(res.body));
  };

  const createView = (config: IndexConfig): IndexView => {
    // Bounded by what the facts hold (a release, a hash: about a hundred bytes each), not by how many: 2,000
    // projects were too few for a 3,000-pin file (every pass read every project again) and could be far too
    // many bytes for projects with thousands of files.
    const memory = new LRUCache<string, { fact: ProjectFact; at: number; freshFor?: number }>({ max: 20_000, maxSize: FACT_UNITS, sizeCalculation: factUnits });
    const fetching = new Map<string, Promise<ProjectFact | undefined>>();
    // Reads of the disk cache under way, for a name asked while not in memory.
    const loading = new Map<string, Promise<void>>();
    // Names nothing was found for (not on the index, or the index unreachable), so that a keystroke does not
    // re-read the disk and re-ask the network for each of them; tried again after a minute.
    const misses = new LRUCache<string, number>({ max: 20000 });
    const MISS_MS = 60_000;
    // Local --find-links folders count as sources of files too, with --no-index as well (pip reads them then).
    const indexUrls = [...(config.noIndex ? [] : [config.indexUrl, ...config.extraIndexUrls]), ...localFindLinks(config.findLinks)].map((u) => u.replace(/\/+$/, ''));
    const mainUrl = config.indexUrl.replace(/\/+$/, '');
    const remoteOrigins = [...new Set(indexUrls.filter((u) => /^https?:/i.test(u)).map(originOf))];
    // Every host this view fetches from is down: its fetches answer at once, and no request awaits them.
    const allDown = () => remoteOrigins.length > 0 && remoteOrigins.every((o) => fetcher.health.down(o));

    // A host of this view answers again: names it missed are asked again on their next use.
    const back = (origin: string) => void (remoteOrigins.includes(origin) && misses.clear());
    whenBack.add(back);

    /** The URLs whose cached responses make `name`'s facts (its JSON API document and its pages). */
    const urlsOf = (name: string) => [jsonApiUrl(indexUrls[0] ?? '', name), ...indexUrls.map((base) => `${base}/${name}/`)].filter((u): u is string => !!u);

    /** What the disk holds for `name`, and the oldest fetch time among its parts. */
    const fromDisk = async (name: string): Promise<{ fact: ProjectFact; at: number } | undefined> => {
      // The pages and the JSON API document are read at once, not one after the other.
      const apiUrl = jsonApiUrl(indexUrls[0] ?? '', name);
      const [apiEntry, ...entries] = await Promise.all([apiUrl ? cachedResponseAsync(apiUrl) : undefined, ...indexUrls.map((base) => cachedResponseAsync(`${base}/${name}/`))]);
      const pages: ProjectPage[] = [];
      let at = Infinity;
      entries.forEach((entry, i) => {
        if (!entry) return;
        const page = pageOf(entry, `${indexUrls[i]}/${name}/`);
        if (page) pages.push(page);
        at = Math.min(at, entry.fetchedAt);
      });
      if (!pages.length) return undefined;
      const metaFile = apiEntry ? undefined : metadataFile(pages, name);
      const metaEntry = metaFile ? await cachedResponseAsync(`${metaFile.url}.metadata`) : undefined;
      const api = apiEntry ? parseJsonApi(apiEntry.body) : metaEntry ? factsFromMetadata(parseMetadata(metaEntry.body)) : undefined;
      return { fact: projectFact(name, pages, api), at };
    };

    const refresh = (name: string): Promise<ProjectFact | undefined> => {
      const running = fetching.get(name);
      if (running) return running;
      const work = (async () => {
        const pages: ProjectPage[] = [];
        let reached = false;
        let freshFor = freshMs;
        // The JSON API (summary, extras) is asked at the same time as the project pages: one round trip, not two;
        // and the pages of every index at once, so that a project's requests queue together behind a host's slots
        // (the API documents of 50 projects went first, and no project's facts landed before all 50 were in).
        const apiUrl = jsonApiUrl(indexUrls[0] ?? '', name);
        const [apiCached, ...pagesCached] = await Promise.all([apiUrl ? cachedResponseAsync(apiUrl) : undefined, ...indexUrls.map((base) => cachedResponseAsync(`${base}/${name}/`))]);
        const conditional = (c: CachedResponse | undefined) => (c ? { etag: c.etag, lastModified: c.lastModified } : undefined);
        const apiAnswer = apiUrl ? fetcher.get(apiUrl, 'application/json', conditional(apiCached)) : undefined;
        const pageAnswers = indexUrls.map((base, i) => fetcher.get(`${base}/${name}/`, SIMPLE_ACCEPT, conditional(pagesCached[i])));
        for (const [i, base] of indexUrls.entries()) {
          const url = `${base}/${name}/`;
          const cached = pagesCached[i];
          const res = await pageAnswers[i];
          freshFor = Math.min(freshFor, freshness(res.cacheControl, freshMs));
          if (res.status === 304 && cached) {
            reached = true;
            keep(url, { ...cached, fetchedAt: Date.now() });
            const page = pageOf(cached, url);
            if (page) pages.push(page);
          } else if (res.ok) {
            reached = true;
            const page = pageOf(res, url);
            if (page) {
              pages.push(page);
              keep(url, { fetchedAt: Date.now(), contentType: res.contentType, body: res.body, etag: res.etag, lastModified: res.lastModified });
            } else options.logger.warn(`${redact(url)} sent a page that is neither PEP 691 JSON nor PEP 503 HTML`);
          } else if (res.status === 404) {
            reached = true;
          } else {
            if (res.status === 0 || res.unreachable) tellOffline(base, res);
            else options.logger.warn(res.error ?? `${redact(url)} failed`);
            if (cached) {
              const page = pageOf(cached, url);
              if (page) pages.push(page);
            }
          }
        }
        let api;
        if (apiUrl && apiAnswer && reached && pages.length) {
          const cached = apiCached;
          const res = await apiAnswer;
          if (res.status === 304 && cached) api = parseJsonApi(cached.body);
          else if (res.ok) {
            api = parseJsonApi(res.body);
            if (api) keep(apiUrl, { fetchedAt: Date.now(), contentType: res.contentType, body: res.body, etag: res.etag, lastModified: res.lastModified });
          } else if (cached) api = parseJsonApi(cached.body);
        }
        if (!api && reached && pages.length) api = await metadataFacts(pages, name);
        if (!pages.length) {
          misses.set(name, Date.now());
          return undefined;
        }
        misses.delete(name);
        const fact = projectFact(name, pages, api);
        memory.set(name, { fact, at: reached ? Date.now() : 0, freshFor });
        announceSoon(name);
        return fact;
      })()
        // Every caller may drop this promise (`void refresh(…)`): a failure is a log line, never an unhandled rejection.
        .catch((error: unknown) => {
          options.logger.warn(`The index's answer for ${name} could not be read: ${redact(error instanceof Error ? error.message : String(error))}`);
          return undefined;
        })
        .finally(() => {
          fetching.delete(name);
          ended();
        });
      began();
      fetching.set(name, work);
      return work;
    };

    const project = (raw: string): ProjectFact | undefined => {
      if (!indexUrls.length) return undefined;
      const name = normalizeName(raw);
      let hit = memory.get(name);
      if (!hit) {
        const missed = misses.get(name);
        if (missed !== undefined && Date.now() - missed < MISS_MS) return undefined;
        // Off the request path: the disk's copy arrives (and is announced) in a moment; a request may await it (`pending`).
        if (!fetching.has(name) && !loading.has(name)) load(name);
        return undefined;
      }
      if (Date.now() - hit.at > (hit.freshFor ?? freshMs)) void refresh(name);
      return hit.fact;
    };

    /**
     * Reads `name` from the disk cache; a miss there, or a stale copy, is fetched. A miss's load lasts until the
     * fetch ends, so that a request awaiting it (`pending`) has the facts after one wait, not two.
     */
    const load = (name: string) => {
      const work = fromDisk(name)
        .catch(() => undefined)
        .then(async (found) => {
          if (!found) return void (await refresh(name));
          memory.set(name, found);
          announceSoon(name);
          if (Date.now() - found.at > freshMs) void refresh(name);
        })
        .catch((error: unknown) => options.logger.warn(`The cached answer for ${name} could not be read: ${redact(String(error))}`))
        .finally(() => {
          loading.delete(name);
          ended();
        });
      began();
      loading.set(name, work);
    };

    // Requires-Dist of one release, for deriving requirements.in where no environment is found: the PEP 658
    // `.metadata` of one of its files, else the JSON API's document of that release. Answers once fetched.
    const releases = new LRUCache<string, { requiresDist: string[] | undefined }>({ max: 5000 });
    const releaseFetches = new Map<string, Promise<void>>();
    const fetchRelease = async (name: string, version: string): Promise<{ requiresDist: string[] | undefined } | undefined> => {
      for (const base of indexUrls) {
        const url = `${base}/${name}/`;
        let entry = await cachedResponseAsync(url);
        if (!entry) {
          await refresh(name);
          entry = await cachedResponseAsync(url);
        }
        const file = entry ? pageOf(entry, url)?.files.find((f) => f.hasMetadata && versionOfFile(f.filename, name) === version) : undefined;
        if (!file) continue;
        const cached = await cachedResponseAsync(`${file.url}.metadata`);
        const res = cached ? undefined : await fetcher.get(`${file.url}.metadata`, 'text/plain, */*');
        if (res?.ok) keep(`${file.url}.metadata`, { fetchedAt: Date.now(), contentType: res.contentType, body: res.body, etag: res.etag, lastModified: res.lastModified });
        const body = cached?.body ?? (res?.ok ? res.body : undefined);
        if (body !== undefined) return { requiresDist: parseMetadata(body).requiresDist };
      }
      const api = jsonApiUrl(indexUrls[0] ?? '', name)?.replace(/\/json$/, `/${encodeURIComponent(version)}/json`);
      if (!api) return undefined;
      const res = await fetcher.get(api, 'application/json');
      if (res.ok) return { requiresDist: parseJsonApi(res.body)?.requiresDist };
      return res.status === 404 ? { requiresDist: undefined } : undefined; // unreachable: ask again later
    };
    const requiresDist = (raw: string, version: string | undefined): string[] | undefined => {
      if (config.noIndex || !version) return undefined;
      const name = normalizeName(raw);
      const key = `${name}==${version}`;
      const hit = releases.get(key);
      if (hit) return hit.requiresDist;
      if (!releaseFetches.has(key)) {
        const work = fetchRelease(name, version)
          .then((found) => {
            if (!found) return;
            releases.set(key, found);
            // No metadata (a 404) reads as before, not known: nothing to check again (a frozen file of names the index
            // does not have announced every one of them).
            if (found.requiresDist !== undefined) announce([name]);
          })
          .catch((error: unknown) => options.logger.warn(`Metadata of ${name} ${version}: ${redact(String(error))}`))
          .finally(() => releaseFetches.delete(key));
        releaseFetches.set(key, work);
      }
      return undefined;
    };

    const view: IndexView = {
      config,
      project,
      requiresDist,
      pending: (raw) => {
        const name = normalizeName(raw);
        // A request awaits it: its disk reads, if still queued, go first.
        if (loading.has(name)) for (const url of urlsOf(name)) diskLimiter.hurry(url);
        // The disk's copy is worth a moment; a fetch from hosts that are down is not awaited.
        // The load first: for a miss it lasts until the fetch ends, and one promise for the whole way lets the
        // waiter see that a later request asks for the same fact (awaited for one budget in all, not one each).
        return allDown() ? loading.get(name) : (loading.get(name) ?? fetching.get(name));
      },
      peek: (raw) => memory.get(normalizeName(raw))?.fact,
      searchNames(query, limit) {
        const found = (fullList(mainUrl) ?? names()).search(query, limit);
        return {
          incomplete: true,
          items: found.items.map((h) => {
            const p = popular().byName.get(h.normalized);
            return { name: h.name, summary: p?.summary, latest: memory.get(h.normalized)?.fact.latest ?? p?.latest };
          }),
        };
      },
      // Without the full project list (of the one index in use), an unknown name cannot be told from one not fetched yet.
      knows: (name) => {
        if (!hasList(mainUrl) || config.extraIndexUrls.length || config.noIndex) return undefined;
        // The sorted list itself: a name index (with the popularity table) is built only for name search.
        return hasName(lists.get(mainUrl)!.list, normalizeName(name));
      },
      suggest: (name) => names().suggest(name),
      projectPage: (raw) => {
        const page = projectPage(config, normalizeName(raw));
        return page && unexpand(page);
      },
      ensureProject: (raw) => refresh(normalizeName(raw)),
      loadProjectList: (progress) => loadProjectList(config, progress),
    };
    backOf.set(view, back);
    return view;
  };

  // One load per index URL for the session, whichever view asks first.
  const listLoads = new Map<string, Promise<void>>();
  const listsAfterOutage = new Map<string, IndexConfig>();
  whenBack.add((origin) => {
    for (const [indexUrl, config] of listsAfterOutage) {
      if (originOf(indexUrl) !== origin) continue;
      listsAfterOutage.delete(indexUrl);
      void loadProjectList(config);
    }
  });
  const loadProjectList = (config: IndexConfig, progress?: { begin(title: string): void; end(message: string): void }): Promise<void> => {
    if (config.noIndex) return Promise.resolve();
    const indexUrl = config.indexUrl.replace(/\/+$/, '');
    let running = listLoads.get(indexUrl);
    if (running) return running;
    running = (async () => {
      const t0 = Date.now();
      void namesSoon();
      // Read, parsed and sorted on a worker thread: 886k names cost the event loop nothing but their arrival.
      const file = listFile(options.cacheDir, config.indexUrl);
      const stored = await runOffThread({ kind: 'load', file });
      if ('names' in stored) {
        await listed(indexUrl, stored.names);
        options.logger.info(`Loaded ${sizeOf(stored.names)} project names from the disk cache in ${Date.now() - t0} ms`);
        // Files checked meanwhile could not tell an unknown name from one not fetched yet: they are checked again.
        announce([]);
        // A folder on disk is listed again every time: it costs a readdir, and a day-old list would call new projects unknown.
        if (Date.now() - stored.fetchedAt < LIST_MAX_AGE_MS && !/^file:/i.test(indexUrl)) return;
      }
      progress?.begin(`Fetching the project list of ${redact(config.indexUrl)}`);
      const res = await fetcher.get(`${indexUrl}/`, 'application/vnd.pypi.simple.v1+json, text/html;q=0.1', undefined, { maxBytes: options.maxListBytes ?? MAX_LIST_BYTES });
      // The body was just decoded (tens of MB); handing it to a thread (a copy) is a step of its own.
      if (res.ok) await nextTurn();
      const built = res.ok
        ? await runOffThread({ kind: 'parse', file, body: res.body, contentType: res.contentType, fetchedAt: Date.now(), indexUrl: config.indexUrl })
        : { error: res.error ?? `HTTP ${res.status}` };
      if (!('names' in built)) {
        const error = 'error' in built ? built.error : 'no list';
        progress?.end(`Could not fetch the project list: ${redact(error)}`);
        const down = fetcher.health.down(originOf(indexUrl));
        // The host down is told (once); a list the index does not serve (a 5xx, too slow) is a log line: project
        // pages may well come, and names are then searched in the popular ones.
        if (down && !('names' in stored)) tellOffline(indexUrl, { error, unreachable: describeDown(originOf(indexUrl), down) });
        else if (!down) options.logger.warn(`The project list of ${redact(config.indexUrl)} could not be fetched: ${redact(error)}`);
        // Loaded again (once) when its host answers again.
        if (down) {
          listsAfterOutage.set(indexUrl, config);
          listLoads.delete(indexUrl);
        }
        return;
      }
      await listed(indexUrl, built.names);
      progress?.end(`${sizeOf(built.names)} projects`);
      options.logger.info(`Fetched ${sizeOf(built.names)} project names from ${redact(config.indexUrl)} in ${Date.now() - t0} ms`);
      announce([]);
    })().catch((error: unknown) => {
      progress?.end('Could not read the project list');
      const reason = error instanceof Error ? error.message : String(error);
      options.logger.warn(`The project list of ${redact(config.indexUrl)} could not be read: ${redact(reason)}`);
    });
    listLoads.set(indexUrl, running);
    return running;
  };

  // Views by configuration; an evicted view only loses its in-memory facts (the responses and the disk stay).
  const views = new LRUCache<string, IndexView>({ max: 32, dispose: (view) => void whenBack.delete(backOf.get(view)!) });
  return {
    view(config) {
      const key = viewKey(config);
      let view = views.get(key);
      if (!view) {
        view = createView(config);
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
      await writeUnwritten();
      await disk.flush();
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

/** One hub with a current view (the CLI, tests, benchmarks): `configure` picks another view and clears nothing. */
export function createPackageIndex(options: PackageIndexOptions): PackageIndex {
  const hub = createIndexHub(options);
  let view = hub.view({ indexUrl: PYPI, extraIndexUrls: [], noIndex: false, source: 'the default' });
  return {
    project: (name) => view.project(name),
    peek: (name) => view.peek?.(name),
    searchNames: (query, limit) => view.searchNames(query, limit),
    knows: (name) => view.knows?.(name),
    suggest: (name) => view.suggest?.(name),
    requiresDist: (name, version) => view.requiresDist?.(name, version),
    projectPage: (name) => view.projectPage?.(name),
    configure(config) {
      view = hub.view(config);
    },
    onDidChange: hub.onDidChange,
    onOffline: hub.onOffline,
    loadProjectList: (progress) => view.loadProjectList(progress),
    ensureProject: (name) => view.ensureProject(name),
    pending: (name) => view.pending(name),
    dispose: hub.dispose,
  };
}

/** The origin (scheme, host, port; no credentials) of an index URL, or the URL itself when it is not one. */
function originOf(url: string): string {
  try {
    const u = new URL(url);
    return /^https?:$/.test(u.protocol) ? u.origin : url;
  } catch {
    return url;
  }
}

const redactIfAny = (text: string | undefined) => (text === undefined ? undefined : redact(text));
