// HTTP for the index: undici with keep-alive and timeouts, one request in flight per URL, a few per host,
// conditional requests, credentials from the URL or ~/.netrc, proxies from the environment. Errors are values.
// An index is not trusted: bodies are capped while they stream, credentials stay with their origin across
// redirects, and link-local or metadata addresses are never contacted (addressPolicy.ts).
// A host that fails (5xx, timeouts, refused or reset connections, DNS) is not asked again by every request: while
// it is down, requests to it answer at once with an error value, and a probe asks it again with backoff (hostHealth.ts).

import { Agent, EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { forbiddenHost, guardedLookup, redirectHop, type Lookup } from './addressPolicy.js';
import { credentialsFor, readNetrcSoon, redact } from './credentials.js';
import { readFileUrl } from './fileIndex.js';
import { createHostHealth, describeDown, hostFailureOf, type HostHealth } from './hostHealth.js';
import type { Conditional, FetchResult } from './fetchResult.js';
import { createLimiter } from '../shared/limiter.js';

/**
 * The most a response body may hold unless a request says otherwise: a project page (PEP 691 JSON, PEP 503 HTML),
 * a `/pypi/<name>/json` document, a `.metadata` file, an OSV answer. A file entry takes some 300-800 bytes in these
 * documents, so 16 MB is some 20,000-50,000 files, more than any project we know of; beyond it an index is either
 * broken or hostile, and holding the body (and its parse, and its cache entry) is what cost a gigabyte of memory.
 */
export const MAX_BODY_BYTES = 16 * 2 ** 20;
/** The full project list: PyPI's ~886,000 names take ~30-40 MB as PEP 691 JSON, less as HTML; twice that for growth. */
export const MAX_LIST_BYTES = 64 * 2 ** 20;

export interface FetcherOptions {
  timeoutMs?: number;
  maxPerHost?: number;
  env?: Record<string, string | undefined>;
  readFile?: (path: string) => string | undefined;
  home?: string;
  /** Whether netrc's `default` entry may be sent to an origin: only to those the user configured. */
  netrcDefault?: (origin: string) => boolean;
  /** The cap on a body (MAX_BODY_BYTES by default); a request may ask for another (the project list). */
  maxBodyBytes?: number;
  /** Name resolution (tests map names to addresses with it); its answers are checked as the system's are. */
  lookup?: Lookup;
  /** False: a host that went down stays down for this fetcher's life (the CLI gives up on it); true by default. */
  retryHosts?: boolean;
}

export interface Fetcher {
  /** A body over `limits.maxBytes` (the fetcher's cap by default) is cut off, and the answer is an error. */
  get(url: string, accept: string, conditional?: Conditional, limits?: { maxBytes?: number }): Promise<FetchResult>;
  /** A JSON POST (OSV's querybatch); never deduplicated, since bodies differ. */
  postJson(url: string, body: unknown): Promise<FetchResult>;
  /**
   * Asks `url` with HEAD, within `timeoutMs`, whatever the host's health (its answer updates it): undefined when
   * the host answers (any status below 500), else why not ("http://host cannot be reached (connection refused)").
   */
  probe(url: string, timeoutMs: number): Promise<string | undefined>;
  /** A request for `url` waiting for its host's slot goes next: a request awaits it (an index view's `pending`). */
  hurry(url: string): void;
  /** Which hosts are down; shared by everything that fetches through this fetcher. */
  readonly health: HostHealth;
  close(): Promise<void>;
}

interface Ask {
  accept: string;
  conditional?: Conditional;
  post?: string;
  maxBytes: number;
  /** HEAD, body unread (the health probe). */
  head?: boolean;
  /**
   * Only a failed connection (refused, reset, DNS) says the host is down; an HTTP 5xx or a timeout is this
   * request's own. For the full project list: mirrors often serve it slowly or not at all (a gateway's 504)
   * while they serve every project page.
   */
  connectionOnly?: boolean;
  /** The health probe: sent whatever the host's state, and outside the per-host slots. */
  probe?: boolean;
  timeoutMs?: number;
}

export function createFetcher(options: FetcherOptions = {}): Fetcher {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const env = options.env ?? {};
  readNetrcSoon({ env, readFile: options.readFile, home: options.home });
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  // undici hands `connect` to net/tls.connect: the lookup refuses a name that resolves to a forbidden address.
  const connect = { timeout: Math.min(timeoutMs, 5_000), lookup: guardedLookup(options.lookup) };
  // HTTP(S)_PROXY and NO_PROXY, upper or lower case, as pip (requests) reads them; given explicitly so that the
  // environment passed in (not only the process's) decides.
  const httpProxy = env.HTTP_PROXY ?? env.http_proxy;
  const httpsProxy = env.HTTPS_PROXY ?? env.https_proxy;
  const noProxy = env.NO_PROXY ?? env.no_proxy;
  const dispatcher: Dispatcher =
    httpProxy || httpsProxy
      ? new EnvHttpProxyAgent({ connect, keepAliveTimeout: 30_000, httpProxy, httpsProxy: httpsProxy ?? httpProxy, noProxy })
      : new Agent({ connect, keepAliveTimeout: 30_000 });
  const inFlight = new Map<string, Promise<FetchResult>>();
  // A few requests per host at once (each host a key of its own), whoever asks: the index views and the advisories.
  const hosts = createLimiter(() => options.maxPerHost ?? 6);
  const health = createHostHealth({ retry: options.retryHosts ?? true });
  // The words for a down host, made once per state (a check of 15,000 pins asks for them 15,000 times).
  let said: { down: object; key: string; unreachable: string; since: string } | undefined;
  /** The answer for a host that is down: at once, no network. */
  const refusedDown = (url: string, origin: string): FetchResult | undefined => {
    const down = health.down(origin);
    if (!down) return undefined;
    const key = `${down.kind} ${down.reason} ${down.retryAt}`;
    if (said?.down !== down || said.key !== key) {
      const when = down.retryAt === undefined ? '' : `; asked again in the background from ${new Date(down.retryAt).toLocaleTimeString('en-GB')}`;
      said = { down, key, unreachable: describeDown(origin, down), since: `since ${new Date(down.since).toLocaleTimeString('en-GB')}${when}` };
    }
    const error = redact(`${url} was not asked: ${said.unreachable} ${said.since}`);
    return { ok: false, status: 0, body: '', contentType: '', error, unreachable: said.unreachable };
  };
  /** The backoff's probe of a host: HEAD of the URL that failed (cheap, and any answer below 500 means it is back). */
  const probeOf = (url: string) => () => fetchOnce(url, { accept: '*/*', maxBytes: 0, head: true, probe: true });

  const fetchOnce = async (url: string, ask: Ask): Promise<FetchResult> => {
    const failed = (error: string, status = 0): FetchResult => ({ ok: false, status, body: '', contentType: '', error: redact(error) });
    const timeout = ask.timeoutMs ?? timeoutMs;
    let origin: URL;
    try {
      origin = new URL(url);
    } catch {
      return failed(`not a URL: ${url}`);
    }
    if (origin.protocol !== 'http:' && origin.protocol !== 'https:') return failed(`${url}: only http and https indexes are fetched`);
    const forbidden = forbiddenHost(origin);
    if (forbidden) return failed(`${url} is not fetched: ${forbidden}`);
    // Before anything else (the netrc, a slot): a down host costs a request nothing.
    if (!ask.probe) {
      const down = refusedDown(url, origin.origin);
      if (down) return down;
    }
    let authorization: string | undefined;
    try {
      const creds = await credentialsFor(origin, { env, readFile: options.readFile, home: options.home, netrcDefault: options.netrcDefault });
      if (creds) authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    } catch (error) {
      // `%zz` in the URL's user or password (decodeURIComponent): no credentials, and the reason in the log.
      return failed(`${url}: its credentials cannot be read (${error instanceof Error ? error.message : String(error)})`);
    }
    origin.username = '';
    origin.password = '';
    const headers: Record<string, string> = { accept: ask.accept, 'user-agent': 'requirements-language-server' };
    if (ask.conditional?.etag) headers['if-none-match'] = ask.conditional.etag;
    if (ask.conditional?.lastModified) headers['if-modified-since'] = ask.conditional.lastModified;
    if (ask.post !== undefined) headers['content-type'] = 'application/json';
    const release = ask.probe ? () => undefined : await hosts.slot(origin.host, { tag: url });
    let target = origin;
    try {
      let withCredentials = true;
      for (let redirects = 0; redirects < 5; redirects++) {
        // Each hop's host: it may have gone down while this request waited for a slot, or be another origin.
        const down = ask.probe ? undefined : refusedDown(url, target.origin);
        if (down) return down;
        const sent = { ...headers, ...(withCredentials && authorization ? { authorization } : {}) };
        const res = await request(target, {
          method: ask.head ? 'HEAD' : ask.post !== undefined ? 'POST' : 'GET',
          body: ask.post,
          headers: sent,
          dispatcher,
          headersTimeout: timeout,
          bodyTimeout: timeout,
          signal: AbortSignal.timeout(timeout),
        });
        const header = (name: string) => {
          const v = res.headers[name];
          return Array.isArray(v) ? v[0] : v;
        };
        let unreachable: string | undefined;
        if (res.statusCode >= 500 && !ask.connectionOnly) {
          const failure = { kind: 'failing' as const, reason: `HTTP ${res.statusCode}` };
          health.failed(target.origin, failure, probeOf(target.toString()));
          unreachable = describeDown(target.origin, failure);
        } else if (res.statusCode < 500) health.succeeded(target.origin);
        if (res.statusCode >= 300 && res.statusCode < 400 && res.statusCode !== 304 && header('location')) {
          await res.body.dump().catch(() => undefined);
          const hop = redirectHop(origin, target, header('location')!);
          if ('refused' in hop) return failed(`${url}: ${hop.refused}`);
          target = hop.follow;
          // The Authorization header stays with the origin it was meant for (pip, through requests, does the same).
          withCredentials = hop.withCredentials;
          continue;
        }
        const ok = (res.statusCode >= 200 && res.statusCode < 300) || res.statusCode === 304;
        let body = '';
        if (res.statusCode === 304 || !ok || ask.head) await res.body.dump().catch(() => undefined);
        else {
          const read = await readCapped(res.body, Number(header('content-length')), ask.maxBytes);
          if (read === undefined) return failed(`${url} answered more than ${megabytes(ask.maxBytes)} MB; ignored`, res.statusCode);
          body = read;
        }
        return {
          ok,
          status: res.statusCode,
          body,
          contentType: header('content-type') ?? '',
          etag: header('etag'),
          lastModified: header('last-modified'),
          cacheControl: header('cache-control'),
          error: ok ? undefined : `${redact(url)} answered HTTP ${res.statusCode}`,
          unreachable,
        };
      }
      return failed(`${url}: too many redirects`);
    } catch (error) {
      const failure = hostFailureOf(error);
      const reason = error instanceof Error ? (failure?.reason === 'timed out' ? 'timed out' : error.message) : String(error);
      if (!failure || (ask.connectionOnly && failure.reason === 'timed out')) return failed(`${url} cannot be reached (${reason})`);
      health.failed(target.origin, failure, probeOf(target.toString()));
      return { ...failed(`${url} cannot be reached (${reason})`), unreachable: describeDown(target.origin, failure) };
    } finally {
      release();
    }
  };

  return {
    get(url, accept, conditional, limits) {
      const maxBytes = limits?.maxBytes ?? maxBodyBytes;
      // A wheelhouse on disk is read from disk, as pip reads it; the HTTP client never sees a file: URL.
      if (/^file:/i.test(url)) return readFileUrl(url, conditional, maxBytes);
      const key = `${accept}\n${maxBytes}\n${url}`;
      const running = inFlight.get(key);
      if (running) return running;
      // A body allowed beyond the usual cap is the project list's (see `connectionOnly`).
      const p = fetchOnce(url, { accept, conditional, maxBytes, connectionOnly: maxBytes > maxBodyBytes }).finally(() => inFlight.delete(key));
      inFlight.set(key, p);
      return p;
    },
    postJson: (url, body) => fetchOnce(url, { accept: 'application/json', post: JSON.stringify(body), maxBytes: maxBodyBytes }),
    async probe(url, probeMs) {
      const res = await fetchOnce(url, { accept: '*/*', maxBytes: 0, head: true, probe: true, timeoutMs: probeMs });
      if (res.unreachable || res.status !== 0) return res.unreachable;
      // Not a host's failure (a forbidden address, a malformed URL): said as it is.
      return res.error;
    },
    hurry: (url) => hosts.hurry(url),
    health,
    async close() {
      health.dispose();
      await dispatcher.close().catch(() => undefined);
    },
  };
}

const megabytes = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/**
 * The body as text, or undefined (the stream destroyed, the connection dropped) once it passes `maxBytes`: a
 * Content-Length over the cap is refused before a byte is read, and a body without one stops at the cap.
 */
async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }, contentLength: number, maxBytes: number): Promise<string | undefined> {
  if (contentLength > maxBytes) {
    body.destroy();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > maxBytes) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  // As undici's text(): UTF-8, a byte-order mark dropped.
  return new TextDecoder().decode(Buffer.concat(chunks, total));
}
