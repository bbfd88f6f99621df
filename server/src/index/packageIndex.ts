// The package index facade: answers at once from memory or the disk cache, fetches in the background,
// and says when new facts arrived. Never makes a caller wait on the network.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LRUCache } from 'lru-cache';
import type { IndexFacts, ProjectFact } from '../service/completion.js';
import { normalizeName } from '../syntax/names.js';
import { redact } from './credentials.js';
import { DiskCache, type CachedResponse } from './diskCache.js';
import { createFetcher, type Fetcher } from './fetcher.js';
import { NameIndex } from './nameSearch.js';
import { PYPI, type IndexConfig } from './pipConfig.js';
import { popularProjects } from './popular.js';
import { compactList, fetchList, LIST_MAX_AGE_MS, loadList, saveList } from './projectList.js';
import { factsFromMetadata, metadataFile, parseJsonApi, parseProjectHtml, parseProjectJson, projectFact, type ProjectPage } from './simpleApi.js';
import { parseMetadata } from '../shared/coreMetadata.js';

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
  /** How long fetched facts count as fresh before a background refresh (default 10 minutes). */
  freshMs?: number;
}

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

export function createPackageIndex(options: PackageIndexOptions): PackageIndex {
  const fetcher: Fetcher = createFetcher({ timeoutMs: options.timeoutMs, env: options.env, readFile: options.readFile, home: options.home });
  const disk = new DiskCache(options.cacheDir);
  const freshMs = options.freshMs ?? 10 * 60_000;
  const memory = new LRUCache<string, { fact: ProjectFact; at: number; freshFor?: number }>({ max: 2000 });
  const fetching = new Map<string, Promise<ProjectFact | undefined>>();
  const listeners: ((names: string[]) => void)[] = [];
  const offlineListeners: ((m: string) => void)[] = [];
  // Told once per index for the session: files with different index options switch the configuration back and forth.
  const offlineTold = new Set<string>();
  let config: IndexConfig = { indexUrl: PYPI, extraIndexUrls: [], noIndex: false, source: 'the default' };
  const popular = popularProjects();
  const names = new NameIndex([], popular.names);
  // The full project list, once loaded: it makes `knows()` possible and widens name search.
  let fullList: { indexUrl: string; index: NameIndex } | undefined;
  const searchIndex = () => (fullList && fullList.indexUrl === config.indexUrl ? fullList.index : names);

  // The latest response per URL, so a refresh can be conditional before the disk write has landed.
  const responses = new LRUCache<string, CachedResponse>({ max: 4000 });
  const cachedResponse = (url: string) => responses.get(url) ?? disk.read(url);
  const keep = (url: string, entry: Omit<CachedResponse, 'url'>) => {
    responses.set(url, { ...entry, url });
    void disk.write(url, entry);
  };
  // Local --find-links folders count as sources of files too, with --no-index as well (pip reads them then).
  const indexUrls = () => [...(config.noIndex ? [] : [config.indexUrl, ...config.extraIndexUrls]), ...localFindLinks(config.findLinks)].map((u) => u.replace(/\/+$/, ''));

  /** What the disk holds for `name`, and the oldest fetch time among its parts. */
  const fromDisk = (name: string): { fact: ProjectFact; at: number } | undefined => {
    const pages: ProjectPage[] = [];
    let at = Infinity;
    for (const base of indexUrls()) {
      const url = `${base}/${name}/`;
      const entry = cachedResponse(url);
      if (!entry) continue;
      const page = pageOf(entry, url);
      if (page) pages.push(page);
      at = Math.min(at, entry.fetchedAt);
    }
    if (!pages.length) return undefined;
    const apiUrl = jsonApiUrl(indexUrls()[0] ?? '', name);
    const apiEntry = apiUrl ? cachedResponse(apiUrl) : undefined;
    const metaFile = apiEntry ? undefined : metadataFile(pages, name);
    const metaEntry = metaFile ? cachedResponse(`${metaFile.url}.metadata`) : undefined;
    const api = apiEntry ? parseJsonApi(apiEntry.body) : metaEntry ? factsFromMetadata(parseMetadata(metaEntry.body)) : undefined;
    return { fact: projectFact(name, pages, api), at };
  };

  const pageOf = (entry: Pick<CachedResponse, 'body' | 'contentType'>, url: string): ProjectPage | undefined =>
    entry.contentType.includes('json') ? parseProjectJson(entry.body, url) : parseProjectHtml(entry.body, url);

  const tellOffline = (error: string) => {
    if (offlineTold.has(config.indexUrl)) return;
    offlineTold.add(config.indexUrl);
    const message = `The package index cannot be reached (${redact(error)}); completion and checks use what is cached on disk.`;
    options.logger.warn(message);
    for (const l of offlineListeners) l(message);
  };

  const refresh = (name: string): Promise<ProjectFact | undefined> => {
    const running = fetching.get(name);
    if (running) return running;
    const work = (async () => {
      const pages: ProjectPage[] = [];
      let reached = false;
      let freshFor = freshMs;
      for (const base of indexUrls()) {
        const url = `${base}/${name}/`;
        const cached = cachedResponse(url);
        const res = await fetcher.get(url, SIMPLE_ACCEPT, cached ? { etag: cached.etag, lastModified: cached.lastModified } : undefined);
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
          if (res.status === 0) tellOffline(res.error ?? 'no answer');
          else options.logger.warn(res.error ?? `${redact(url)} failed`);
          if (cached) {
            const page = pageOf(cached, url);
            if (page) pages.push(page);
          }
        }
      }
      const apiUrl = jsonApiUrl(indexUrls()[0] ?? '', name);
      let api;
      if (apiUrl && reached && pages.length) {
        const cached = cachedResponse(apiUrl);
        const res = await fetcher.get(apiUrl, 'application/json', cached ? { etag: cached.etag, lastModified: cached.lastModified } : undefined);
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
      for (const l of listeners) l([name]);
      return fact;
    })().finally(() => fetching.delete(name));
    fetching.set(name, work);
    return work;
  };

  /** Indexes without `/pypi/<name>/json` (devpi, Artifactory, Nexus, GitLab…) may serve PEP 658 `.metadata` files. */
  const metadataFacts = async (pages: ProjectPage[], name: string) => {
    const file = metadataFile(pages, name);
    if (!file) return undefined;
    const url = `${file.url}.metadata`;
    const cached = cachedResponse(url);
    if (cached) return factsFromMetadata(parseMetadata(cached.body));
    const res = await fetcher.get(url, 'text/plain, */*');
    if (!res.ok) return undefined;
    keep(url, { fetchedAt: Date.now(), contentType: res.contentType, body: res.body, etag: res.etag, lastModified: res.lastModified });
    return factsFromMetadata(parseMetadata(res.body));
  };

  // Names nothing was found for (not on the index, or the index unreachable), so that a keystroke does not
  // re-read the disk and re-ask the network for each of them; tried again after a minute.
  const misses = new LRUCache<string, number>({ max: 20000 });
  const MISS_MS = 60_000;

  const project = (raw: string): ProjectFact | undefined => {
    if (!indexUrls().length) return undefined;
    const name = normalizeName(raw);
    let hit = memory.get(name);
    if (!hit) {
      const missed = misses.get(name);
      if (missed !== undefined && Date.now() - missed < MISS_MS) return undefined;
      hit = fromDisk(name);
      if (hit) memory.set(name, hit);
      else misses.set(name, Date.now());
    }
    if (!hit || Date.now() - hit.at > (hit.freshFor ?? freshMs)) void refresh(name);
    return hit?.fact;
  };

  return {
    project,
    peek: (raw) => memory.get(normalizeName(raw))?.fact,
    searchNames(query, limit) {
      const found = searchIndex().search(query, limit);
      return {
        incomplete: true,
        items: found.items.map((h) => {
          const p = popular.byName.get(h.normalized);
          return { name: h.name, summary: p?.summary, latest: memory.get(h.normalized)?.fact.latest ?? p?.latest };
        }),
      };
    },
    // Without the full project list (of the one index in use), an unknown name cannot be told from one not fetched yet.
    knows: (name) => (fullList && fullList.indexUrl === config.indexUrl && !config.extraIndexUrls.length && !config.noIndex ? fullList.index.has(normalizeName(name)) : undefined),
    async loadProjectList(progress) {
      if (config.noIndex) return;
      const indexUrl = config.indexUrl;
      const t0 = Date.now();
      const stored = loadList(options.cacheDir, indexUrl);
      if (stored) {
        fullList = { indexUrl, index: new NameIndex(stored, popular.names) };
        options.logger.info(`Loaded ${stored.sorted.length} project names from the disk cache in ${Date.now() - t0} ms`);
        // A folder on disk is listed again every time: it costs a readdir, and a day-old list would call new projects unknown.
        if (Date.now() - stored.fetchedAt < LIST_MAX_AGE_MS && !/^file:/i.test(indexUrl)) return;
      }
      progress?.begin(`Fetching the project list of ${redact(indexUrl)}`);
      const { names: fetched, error } = await fetchList(fetcher, indexUrl);
      if (!fetched) {
        progress?.end(`Could not fetch the project list: ${redact(error ?? '')}`);
        if (error && !stored) tellOffline(error);
        return;
      }
      const compact = compactList(fetched);
      fullList = { indexUrl, index: new NameIndex(compact, popular.names) };
      await saveList(options.cacheDir, indexUrl, compact, Date.now());
      progress?.end(`${compact.sorted.length} projects`);
      options.logger.info(`Fetched ${compact.sorted.length} project names from ${redact(indexUrl)} in ${Date.now() - t0} ms`);
      for (const l of listeners) l([]);
    },
    suggest: (name) => names.suggest(name),
    projectPage: (raw) => projectPage(config, normalizeName(raw)),
    configure(next) {
      const same =
        next.indexUrl === config.indexUrl &&
        next.noIndex === config.noIndex &&
        next.extraIndexUrls.join(' ') === config.extraIndexUrls.join(' ') &&
        (next.findLinks ?? []).join(' ') === (config.findLinks ?? []).join(' ');
      if (same) return;
      config = next;
      memory.clear();
      responses.clear();
      misses.clear();
      options.logger.info(describeIndexConfig(next));
    },
    onDidChange: (l) => void listeners.push(l),
    onOffline: (l) => void offlineListeners.push(l),
    ensureProject: (raw) => refresh(normalizeName(raw)),
    dispose: () => fetcher.close(),
  };
}
