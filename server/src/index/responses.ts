// The index's responses, shared by every view (a URL answers the same whichever file asks): the latest ones in memory
// (bounded by their size), the disk cache behind them (read off the loop, through the disk's key), and the ones not
// yet written, which go to disk once the index is quiet. Also parses a page, and reads PEP 658 metadata through them.

import { LRUCache } from 'lru-cache';
import type { CachedResponse, DiskCache } from './diskCache.js';
import type { Fetcher } from './fetcher.js';
import type { Quiet } from './quiet.js';
import { factsFromMetadata, metadataFile, parseProjectHtml, parseProjectJson, type ProjectPage } from './simpleApi.js';
import { parseMetadata } from '../shared/coreMetadata.js';

export interface Responses {
  /** The latest response for `url`: from memory, else the disk cache; undefined when neither has one. */
  cached(url: string): Promise<CachedResponse | undefined>;
  /** A response that arrived: kept in memory at once, written to disk once the index is quiet. */
  keep(url: string, entry: Omit<CachedResponse, 'url'>): void;
  /** A project page (PEP 691 JSON or PEP 503 HTML) from a response; undefined when it is neither. */
  pageOf(entry: Pick<CachedResponse, 'body' | 'contentType'>, url: string): ProjectPage | undefined;
  /** Indexes without `/pypi/<name>/json` (devpi, Artifactory, Nexus, GitLab…) may serve PEP 658 `.metadata` files. */
  metadataFacts(pages: ProjectPage[], name: string): Promise<ReturnType<typeof factsFromMetadata> | undefined>;
  /** Writes what is left now (not waiting for a quiet moment: a hanging fetch would hold the shutdown). */
  flush(): Promise<void>;
}

/**
 * What the latest responses in memory may hold, in characters (a page of a few hundred files is 50-200 KB): the
 * responses of a few hundred projects, enough for a conditional refresh to find its ETag without the disk. It
 * was a count (4,000) before, which a hostile or a huge index turned into gigabytes.
 */
export const RESPONSE_CACHE_CHARS = 64 * 2 ** 20;

export function createResponses(options: { disk: DiskCache; fetcher: Fetcher; quiet: Quiet; maxChars?: number }): Responses {
  const { disk, fetcher } = options;
  const whenQuiet = options.quiet.whenQuiet;
  // The latest response per URL, shared by every view (a URL answers the same whichever file asks), so a
  // refresh can be conditional before the disk write has landed.
  const responses = new LRUCache<string, CachedResponse>({
    max: 4000,
    maxSize: options.maxChars ?? RESPONSE_CACHE_CHARS,
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
  return {
    cached: cachedResponseAsync,
    keep,
    pageOf,
    metadataFacts,
    async flush() {
      await writeUnwritten();
      await disk.flush();
    },
  };
}
