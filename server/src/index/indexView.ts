// One view of the package index: what one effective index configuration (index URL, extra indexes, --no-index,
// local --find-links) knows of each project. Answers at once from memory; a miss is read from the disk cache (the
// shared responses) and, when missing or stale, fetched in the background; what lands is announced by name.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LRUCache } from 'lru-cache';
import { normalizeName } from '../syntax/names.js';
import { redact } from './credentials.js';
import type { CachedResponse } from './diskCache.js';
import type { Fetcher } from './fetcher.js';
import { healthOrigin as originOf } from './hostHealth.js';
import type { IndexConfig } from './pipConfig.js';
import type { ProjectNames, ListProgress } from './projectNames.js';
import type { Quiet } from './quiet.js';
import type { Responses } from './responses.js';
import { hasName } from './sortedNames.js';
import { factsFromMetadata, metadataFile, parseJsonApi, projectFact, versionOfFile, type ProjectPage } from './simpleApi.js';
import { parseMetadata } from '../shared/coreMetadata.js';
import { unexpand } from '../shared/shownValues.js';
import type { IndexFacts, ProjectFact } from '../shared/facts.js';
import { diskLimiter } from '../shared/limiter.js';
import { createFactCache } from '../shared/factCache.js';

export const SIMPLE_ACCEPT = 'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1';

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
  loadProjectList(progress?: ListProgress): Promise<void>;
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

const stripSlash = (url: string) => url.replace(/\/+$/, '');

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

/** What one view's facts in memory may hold, in releases and file hashes (about a hundred bytes each): some 30 MB. */
const FACT_UNITS = 300_000;
// Capped, so that a project of tens of thousands of files still fits (one that did not would be read again and again).
const factUnits = (entry: { fact: ProjectFact }) =>
  Math.min(FACT_UNITS / 8, 1 + entry.fact.versions.reduce((n, v) => n + 1 + (v.hashes?.length ?? 0) + (v.files?.length ?? 0) + (v.downloads?.length ?? 0), 0));

/** What a view is made with: the hub's shared parts, and how it tells what landed. */
export interface ViewContext {
  fetcher: Fetcher;
  responses: Responses;
  quiet: Quiet;
  lists: ProjectNames;
  logger: { info(message: string): void; warn(message: string): void };
  /** How long fetched facts count as fresh before a background refresh. */
  freshMs: number;
  /** Names whose facts landed, now (a release's metadata). */
  announce(names: string[]): void;
  /** A name whose facts landed, announced with the others of this turn. */
  announceSoon(name: string): void;
  /** An index's host is down, told once. */
  tellOffline(indexUrl: string, res: { error?: string; unreachable?: string }): void;
}

/** A view, and what its hub calls when one of the view's hosts answers again. */
export function createIndexView(config: IndexConfig, context: ViewContext): { view: IndexView; back(origin: string): void } {
  const { fetcher, lists, freshMs, announce, announceSoon, tellOffline } = context;
  const { logger } = context;
  const { cached: cachedResponseAsync, keep, pageOf, metadataFacts } = context.responses;
  const { began, ended } = context.quiet;
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
  const indexUrls = [...(config.noIndex ? [] : [config.indexUrl, ...config.extraIndexUrls]), ...localFindLinks(config.findLinks)].map(stripSlash);
  const mainUrl = stripSlash(config.indexUrl);
  const remoteOrigins = [...new Set(indexUrls.filter((u) => /^https?:/i.test(u)).map(originOf))];
  // Every host this view fetches from is down: its fetches answer at once, and no request awaits them.
  const allDown = () => remoteOrigins.length > 0 && remoteOrigins.every((o) => fetcher.health.down(o));

  // A host of this view answers again: names it missed are asked again on their next use.
  const back = (origin: string) => void (remoteOrigins.includes(origin) && misses.clear());

  /** The URLs whose cached responses make `name`'s facts (its JSON API document and its pages). */
  const urlsOf = (name: string) => [jsonApiUrl(indexUrls[0] ?? '', name), ...indexUrls.map((base) => `${base}/${name}/`)].filter((u): u is string => !!u);

  /** What the disk holds for `name`, and the oldest fetch time among its parts. */
  const fromDisk = async (name: string): Promise<{ fact: ProjectFact; at: number } | undefined> => {
    // The pages and the JSON API document are read at once, not one after the other.
    const apiUrl = jsonApiUrl(indexUrls[0] ?? '', name);
    const apiOf = apiUrl ? cachedResponseAsync(apiUrl) : undefined;
    const [apiEntry, ...entries] = await Promise.all([apiOf, ...indexUrls.map((base) => cachedResponseAsync(`${base}/${name}/`))]);
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
      const apiOf = apiUrl ? cachedResponseAsync(apiUrl) : undefined;
      const [apiCached, ...pagesCached] = await Promise.all([apiOf, ...indexUrls.map((base) => cachedResponseAsync(`${base}/${name}/`))]);
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
          } else logger.warn(`${redact(url)} sent a page that is neither PEP 691 JSON nor PEP 503 HTML`);
        } else if (res.status === 404) {
          reached = true;
        } else {
          if (res.status === 0 || res.unreachable) tellOffline(base, res);
          else logger.warn(res.error ?? `${redact(url)} failed`);
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
        logger.warn(`The index's answer for ${name} could not be read: ${redact(error instanceof Error ? error.message : String(error))}`);
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
    const hit = memory.get(name);
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
      .catch((error: unknown) => logger.warn(`The cached answer for ${name} could not be read: ${redact(String(error))}`))
      .finally(() => {
        loading.delete(name);
        ended();
      });
    began();
    loading.set(name, work);
  };

  // Requires-Dist of one release, for deriving requirements.in where no environment is found: the PEP 658
  // `.metadata` of one of its files, else the JSON API's document of that release. Answers once fetched.
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
      if (res?.ok)
        keep(`${file.url}.metadata`, { fetchedAt: Date.now(), contentType: res.contentType, body: res.body, etag: res.etag, lastModified: res.lastModified });
      const body = cached?.body ?? (res?.ok ? res.body : undefined);
      if (body !== undefined) return { requiresDist: parseMetadata(body).requiresDist };
    }
    const api = jsonApiUrl(indexUrls[0] ?? '', name)?.replace(/\/json$/, `/${encodeURIComponent(version)}/json`);
    if (!api) return undefined;
    const res = await fetcher.get(api, 'application/json');
    if (res.ok) return { requiresDist: parseJsonApi(res.body)?.requiresDist };
    return res.status === 404 ? { requiresDist: undefined } : undefined; // unreachable: ask again later
  };
  // A fact cache keyed by `name==version` (a release does not change: no age). What the index could not say (its host
  // unreachable, no JSON API) is not kept: asked again on the next use, as before.
  const releaseOf = (key: string) => ({ name: key.slice(0, key.lastIndexOf('==')), version: key.slice(key.lastIndexOf('==') + 2) });
  const releases = createFactCache<{ requiresDist: string[] | undefined }>({
    maxEntries: 5000,
    retryMs: 0,
    load: async (key) => {
      const { name, version } = releaseOf(key);
      const found = await fetchRelease(name, version).catch((error: unknown) => {
        logger.warn(`Metadata of ${name} ${version}: ${redact(String(error))}`);
        throw error;
      });
      if (!found) throw new Error('not known now');
      return found;
    },
    // No metadata (a 404) reads as before, not known: nothing to check again (a frozen file of names the index
    // does not have announced every one of them).
    changed: (_before, after) => after.requiresDist !== undefined,
  });
  releases.onDidChange((keys) => announce([...new Set([...keys].map((key) => releaseOf(key).name))]));
  const requiresDist = (raw: string, version: string | undefined): string[] | undefined => {
    if (config.noIndex || !version) return undefined;
    return releases.get(`${normalizeName(raw)}==${version}`)?.requiresDist;
  };

  const view: IndexView = {
    config,
    project,
    requiresDist,
    pending: (raw) => {
      const name = normalizeName(raw);
      // A request awaits it: its disk reads and its requests, if still queued, go first.
      if (loading.has(name) || fetching.has(name)) {
        for (const url of urlsOf(name)) {
          diskLimiter.hurry(url);
          fetcher.hurry(url);
        }
      }
      // The disk's copy is worth a moment; a fetch from hosts that are down is not awaited.
      // The load first: for a miss it lasts until the fetch ends, and one promise for the whole way lets the
      // waiter see that a later request asks for the same fact (awaited for one budget in all, not one each).
      return allDown() ? loading.get(name) : (loading.get(name) ?? fetching.get(name));
    },
    peek: (raw) => memory.get(normalizeName(raw))?.fact,
    searchNames(query, limit) {
      const found = (lists.fullList(mainUrl) ?? lists.names()).search(query, limit);
      return {
        incomplete: true,
        items: found.items.map((h) => {
          const p = lists.popular().byName.get(h.normalized);
          return { name: h.name, summary: p?.summary, latest: memory.get(h.normalized)?.fact.latest ?? p?.latest };
        }),
      };
    },
    // Without the full project list (of the one index in use), an unknown name cannot be told from one not fetched yet.
    knows: (name) => {
      const list = lists.list(mainUrl);
      if (!list || config.extraIndexUrls.length || config.noIndex) return undefined;
      // The sorted list itself: a name index (with the popularity table) is built only for name search.
      return hasName(list, normalizeName(name));
    },
    suggest: (name) => lists.names().suggest(name),
    lookAlike: (name) => lists.lookAlike(name),
    projectPage: (raw) => {
      const page = projectPage(config, normalizeName(raw));
      return page && unexpand(page);
    },
    ensureProject: (raw) => refresh(normalizeName(raw)),
    loadProjectList: (progress) => lists.load(config, progress),
  };
  return { view, back };
}
