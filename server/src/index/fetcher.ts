// HTTP for the index: undici with keep-alive and timeouts, one request in flight per URL, a few per host,
// conditional requests, credentials from the URL or ~/.netrc, proxies from the environment. Errors are values.

import { Agent, EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { credentialsFor, readNetrcSoon, redact } from './credentials.js';
import { readFileUrl } from './fileIndex.js';

export interface FetchResult {
  ok: boolean;
  status: number;
  body: string;
  contentType: string;
  etag?: string;
  lastModified?: string;
  cacheControl?: string;
  /** Plain words, credentials removed, when `ok` is false. */
  error?: string;
}

export interface Conditional {
  etag?: string;
  lastModified?: string;
}

export interface FetcherOptions {
  timeoutMs?: number;
  maxPerHost?: number;
  env?: Record<string, string | undefined>;
  readFile?: (path: string) => string | undefined;
  home?: string;
  /** Whether netrc's `default` entry may be sent to an origin: only to those the user configured. */
  netrcDefault?: (origin: string) => boolean;
}

export interface Fetcher {
  get(url: string, accept: string, conditional?: Conditional): Promise<FetchResult>;
  /** A JSON POST (OSV's querybatch); never deduplicated, since bodies differ. */
  postJson(url: string, body: unknown): Promise<FetchResult>;
  close(): Promise<void>;
}

export function createFetcher(options: FetcherOptions = {}): Fetcher {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const env = options.env ?? {};
  readNetrcSoon({ env, readFile: options.readFile, home: options.home });
  const connect = { timeout: Math.min(timeoutMs, 5_000) };
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
  const perHost = new Map<string, { active: number; waiting: (() => void)[] }>();
  const maxPerHost = options.maxPerHost ?? 6;

  const acquire = async (host: string) => {
    const slot = perHost.get(host) ?? { active: 0, waiting: [] };
    perHost.set(host, slot);
    if (slot.active >= maxPerHost) await new Promise<void>((resolve) => slot.waiting.push(resolve));
    slot.active++;
    return () => {
      slot.active--;
      slot.waiting.shift()?.();
    };
  };

  const fetchOnce = async (url: string, accept: string, conditional?: Conditional, post?: string): Promise<FetchResult> => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { ok: false, status: 0, body: '', contentType: '', error: `not a URL: ${redact(url)}` };
    }
    const headers: Record<string, string> = { accept, 'user-agent': 'requirements-language-server' };
    const creds = await credentialsFor(parsed, { env, readFile: options.readFile, home: options.home, netrcDefault: options.netrcDefault });
    if (creds) headers.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    parsed.username = '';
    parsed.password = '';
    if (conditional?.etag) headers['if-none-match'] = conditional.etag;
    if (conditional?.lastModified) headers['if-modified-since'] = conditional.lastModified;
    if (post !== undefined) headers['content-type'] = 'application/json';
    const release = await acquire(parsed.host);
    try {
      let target = parsed.toString();
      for (let redirects = 0; redirects < 5; redirects++) {
        const res = await request(target, { method: post !== undefined ? 'POST' : 'GET', body: post, headers, dispatcher, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
        const header = (name: string) => {
          const v = res.headers[name];
          return Array.isArray(v) ? v[0] : v;
        };
        if (res.statusCode >= 300 && res.statusCode < 400 && res.statusCode !== 304 && header('location')) {
          await res.body.dump();
          target = new URL(header('location')!, target).toString();
          continue;
        }
        const body = res.statusCode === 304 ? '' : await res.body.text();
        if (res.statusCode === 304) await res.body.dump().catch(() => undefined);
        const ok = (res.statusCode >= 200 && res.statusCode < 300) || res.statusCode === 304;
        return {
          ok,
          status: res.statusCode,
          body,
          contentType: header('content-type') ?? '',
          etag: header('etag'),
          lastModified: header('last-modified'),
          cacheControl: header('cache-control'),
          error: ok ? undefined : `${redact(url)} answered HTTP ${res.statusCode}`,
        };
      }
      return { ok: false, status: 0, body: '', contentType: '', error: `${redact(url)}: too many redirects` };
    } catch (error) {
      const reason = error instanceof Error ? (error.name === 'TimeoutError' || /timeout/i.test(error.message) ? 'timed out' : error.message) : String(error);
      return { ok: false, status: 0, body: '', contentType: '', error: `${redact(url)} cannot be reached (${redact(reason)})` };
    } finally {
      release();
    }
  };

  return {
    get(url, accept, conditional) {
      // A wheelhouse on disk is read from disk, as pip reads it; the HTTP client never sees a file: URL.
      if (/^file:/i.test(url)) return readFileUrl(url, conditional);
      const key = `${accept}\n${url}`;
      const running = inFlight.get(key);
      if (running) return running;
      const p = fetchOnce(url, accept, conditional).finally(() => inFlight.delete(key));
      inFlight.set(key, p);
      return p;
    },
    postJson: (url, body) => fetchOnce(url, 'application/json', undefined, JSON.stringify(body)),
    async close() {
      await dispatcher.close().catch(() => undefined);
    },
  };
}
