// Known vulnerabilities of releases, as pip-audit reads them: the index's JSON API (`/pypi/<name>/<version>/json`,
// its `vulnerabilities`) or the OSV API (`POST /v1/querybatch`, `GET /v1/vulns/<id>`). Answers at once from memory;
// a miss is read from the disk cache or fetched in the background, batched, with bounded concurrency.

import { normalizeName } from '../syntax/names.js';
import { redact } from './credentials.js';
import { DiskCache } from './diskCache.js';
import type { Lookup } from './addressPolicy.js';
import { createFetcher, type Fetcher } from './fetcher.js';
import { describeDown } from './hostHealth.js';
import { createLimiter, diskLimiter } from '../shared/limiter.js';
import { createFactCache, LoadFailed } from '../shared/factCache.js';

import type { VulnerabilityTarget } from './vulnerabilityTarget.js';
import type { Advisory } from '../shared/facts.js';

export type { VulnerabilityTarget };

export interface VulnerabilityLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface VulnerabilityClientOptions {
  cacheDir: string;
  logger: VulnerabilityLogger;
  env?: Record<string, string | undefined>;
  readFile?: (p: string) => string | undefined;
  home?: string;
  timeoutMs?: number;
  /** How long fetched advisories count as fresh (six hours, as advisories change slowly). */
  ttlMs?: number;
  /** Requests in flight at once (per-version JSON requests, OSV detail requests). */
  concurrency?: number;
  /** Queries in one OSV querybatch request (OSV accepts up to 1,000). */
  batchSize?: number;
  /** Whether netrc's `default` entry may be sent to an origin (only to those the user configured). */
  netrcDefault?: (origin: string) => boolean;
  /** An injected fetcher (the index views' own, so that both know which hosts are down; tests count requests through it). */
  fetcher?: Fetcher;
  /** False: a host that went down is not asked again by this client's own fetcher (`check` gives up on it). */
  retryHosts?: boolean;
  /** Name resolution for this client's own fetcher (tests). */
  lookup?: Lookup;
  /** No network at all (`check --offline`): advisories come from the disk cache, whatever their age, or not at all. */
  offline?: boolean;
}

export interface VulnerabilityClient {
  /** The advisories of `name==version` known now (withdrawn ones left out); undefined while unknown (a fetch starts). */
  advisories(name: string, version: string, target: VulnerabilityTarget): Advisory[] | undefined;
  /** Resolves when the advisories of `name==version` now on their way have landed; undefined when none are. */
  pending(name: string, version: string, target: VulnerabilityTarget): Promise<void> | undefined;
  /** Fetches (or reads from disk) every pair now and waits; for the CLI. */
  ensure(pairs: { name: string; version: string }[], target: VulnerabilityTarget): Promise<void>;
  /** Called after advisories arrived, with the (normalized) names of the projects they are about; none: any project's. */
  onDidChange(listener: (names: string[]) => void): void;
  /** Called once per source when it cannot be reached. */
  onOffline(listener: (message: string) => void): void;
  /** Called when a source told of as unreachable answers again. */
  onOnline(listener: (message: string) => void): void;
  /** Why `target` could not be asked in this session ("http://host cannot be reached (…)"), while it is so. */
  unreachable(target: VulnerabilityTarget): string | undefined;
  dispose(): Promise<void>;
}

export const DEFAULT_OSV_URL = 'https://api.osv.dev';
export const VULNERABILITY_TTL_MS = 6 * 3_600_000;
const RETRY_MS = 60_000;

/** The `vulnerabilities` of a `/pypi/<name>/<version>/json` answer; undefined when the body is not that. */
export function parsePypiVulnerabilities(body: string): Advisory[] | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const list = (json as { vulnerabilities?: unknown })?.vulnerabilities;
  if (!Array.isArray(list)) return typeof json === 'object' && json && 'info' in json ? [] : undefined;
  const out: Advisory[] = [];
  for (const v of list as Record<string, unknown>[]) {
    if (!v || typeof v.id !== 'string') continue;
    out.push({
      id: v.id,
      aliases: strings(v.aliases),
      summary: typeof v.summary === 'string' && v.summary ? v.summary : firstSentence(v.details),
      fixedIn: strings(v.fixed_in),
      link: typeof v.link === 'string' ? v.link : undefined,
      withdrawn: !!v.withdrawn,
    });
  }
  return out;
}

/** One OSV record (`GET /v1/vulns/<id>`) as an advisory for `name`: its fixed versions are those of that PyPI package. */
export function parseOsvVulnerability(body: string, name: string): Advisory | undefined {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!v || typeof v.id !== 'string') return undefined;
  // A set: a record of many distinct fixed versions cost their square as a list.
  const fixed = new Set<string>();
  for (const a of Array.isArray(v.affected) ? (v.affected as Record<string, any>[]) : []) {
    const pkg = a?.package;
    if (!pkg || pkg.ecosystem !== 'PyPI' || typeof pkg.name !== 'string' || normalizeName(pkg.name) !== normalizeName(name)) continue;
    for (const r of Array.isArray(a.ranges) ? a.ranges : []) {
      if (r?.type !== 'ECOSYSTEM') continue;
      for (const e of Array.isArray(r.events) ? r.events : []) if (typeof e?.fixed === 'string') fixed.add(e.fixed);
    }
  }
  const fixedIn = [...fixed];
  return {
    id: v.id,
    aliases: strings(v.aliases),
    summary: typeof v.summary === 'string' && v.summary ? v.summary : firstSentence(v.details),
    fixedIn,
    link: `https://osv.dev/vulnerability/${v.id}`,
    withdrawn: !!v.withdrawn,
  };
}

/** An advisory as this client wrote it to the disk cache; undefined for anything else found there. */
function cachedAdvisory(value: unknown): Advisory | undefined {
  const a = value as Record<string, unknown> | null;
  if (!a || typeof a !== 'object' || typeof a.id !== 'string') return undefined;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { id: a.id, aliases: strings(a.aliases), summary: text(a.summary), fixedIn: strings(a.fixedIn), link: text(a.link), withdrawn: !!a.withdrawn };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function firstSentence(details: unknown): string | undefined {
  if (typeof details !== 'string' || !details.trim()) return undefined;
  const first = details.trim().split(/(?<=\.)\s|\n/)[0];
  return first.length > 160 ? `${first.slice(0, 157)}…` : first;
}

interface Entry {
  advisories: Advisory[];
  at: number;
  /** The advisories without the withdrawn ones, computed on first use. */
  active?: Advisory[];
}

/** What the advisories in memory may hold, in characters of their text (10-20 MB): tens of thousands of real advisories. */
const ADVISORY_MEMORY_CHARS = 10 * 2 ** 20;

const advisoryChars = (entry: Entry) => {
  let n = 64;
  for (const a of entry.advisories) {
    n += 64 + a.id.length + (a.summary?.length ?? 0) + (a.link?.length ?? 0) + a.aliases.join().length + a.fixedIn.join().length;
  }
  return Math.min(ADVISORY_MEMORY_CHARS, n);
};

/** The origin of a source's base URL (scheme, host, port), or the base itself. */
function originOf(base: string): string {
  try {
    return new URL(base).origin;
  } catch {
    return base;
  }
}

export function createVulnerabilityClient(options: VulnerabilityClientOptions): VulnerabilityClient {
  const ownFetcher = !options.fetcher;
  const fetcher =
    options.fetcher ??
    createFetcher({
      timeoutMs: options.timeoutMs,
      env: options.env,
      readFile: options.readFile,
      home: options.home,
      netrcDefault: options.netrcDefault,
      retryHosts: options.retryHosts,
      lookup: options.lookup,
    });
  const disk = new DiskCache(options.cacheDir);
  const ttl = options.ttlMs ?? VULNERABILITY_TTL_MS;
  const concurrency = options.concurrency ?? 6;
  // This client's requests in flight, per source (a 3,000-pin round leaves the host's other slots to the index views);
  // a release a request waits for (a hover in a round) goes before the rest of its round.
  const requests = createLimiter(() => concurrency);
  const limitOf = (key: string) => ({ urgent: awaited.has(key), tag: key });
  const batchSize = Math.max(1, Math.min(1000, options.batchSize ?? 1000));
  const queued = new Map<string, { name: string; version: string; target: VulnerabilityTarget }>();
  const listeners: ((names: string[]) => void)[] = [];
  const offlineListeners: ((m: string) => void)[] = [];
  const onlineListeners: ((m: string) => void)[] = [];
  // Sources told of as unreachable, by base, with why; forgotten (and told) when their host answers again.
  const offlineTold = new Map<string, string>();
  let flushing: Promise<void> | undefined;

  const keyOf = (name: string, version: string, target: VulnerabilityTarget) =>
    `vulnerabilities:${target.kind}:${target.base}:${normalizeName(name)}==${version}`;
  /** What keyOf() wrote (a base may hold `:`, a name and a version do not). */
  const releaseOf = (key: string): { name: string; version: string; target: VulnerabilityTarget } => {
    const rest = key.slice('vulnerabilities:'.length);
    const kind = rest.slice(0, rest.indexOf(':')) as VulnerabilityTarget['kind'];
    const colon = rest.lastIndexOf(':');
    const [name, version] = rest.slice(colon + 1).split('==');
    return { name, version, target: { kind, base: rest.slice(kind.length + 1, colon) } };
  };

  // Each release's advisories, a fact cache: answered from memory; a miss, or an answer older than the ttl (counted
  // from when it was fetched), joins the next round, which reads the disk cache and asks the source for the rest in
  // batches (`flush`). A failure keeps what the disk had (even stale) and is not asked again for a minute. Small
  // entries (a few advisories per release), bounded by count and by size: an index decides how many advisories, and
  // how long, it sends for each release (up to a response's cap), and 3,000 pins of those would not fit. A round
  // announces the names of its projects (not the fact cache, per key).
  const settling = new Map<string, { resolve: (entry: Entry) => void; reject: (failure: LoadFailed<Entry>) => void }>();
  const facts = createFactCache<Entry>({
    maxAgeMs: ttl,
    retryMs: RETRY_MS,
    maxEntries: 20_000,
    maxSize: ADVISORY_MEMORY_CHARS,
    sizeOf: advisoryChars,
    asOf: (entry) => entry.at,
    load: (key) =>
      new Promise<Entry>((resolve, reject) => {
        settling.set(key, { resolve, reject });
        queued.set(key, releaseOf(key));
        void schedule();
      }),
    changed: () => false,
  });
  // Releases a request waits for (a hover, a menu): their reads and requests go first.
  const awaited = new Set<string>();
  const landed = (key: string, entry: Entry) => {
    settling.get(key)?.resolve(entry);
    settling.delete(key);
    awaited.delete(key);
  };
  const missed = (key: string, reason: string, stale?: Entry) => {
    settling.get(key)?.reject(new LoadFailed(reason, stale));
    settling.delete(key);
    awaited.delete(key);
  };
  // Disk writes in flight, so that dispose() (the CLI's exit) does not cut them off.
  const writes = new Set<Promise<void>>();
  const write = (key: string, body: string, at = Date.now()) => {
    const w = disk.write(key, { fetchedAt: at, contentType: 'application/json', body }).finally(() => writes.delete(w));
    writes.add(w);
  };
  const store = (key: string, advisories: Advisory[]) => {
    const at = Date.now();
    landed(key, { advisories, at });
    write(key, JSON.stringify(advisories), at);
  };
  const tellOffline = (target: VulnerabilityTarget, res: { error?: string; unreachable?: string }) => {
    if (offlineTold.has(target.base)) return;
    const why = redact(res.unreachable ?? `${target.base} cannot be reached (${res.error ?? 'no answer'})`);
    offlineTold.set(target.base, why);
    const source = target.kind === 'osv' ? 'the OSV server' : 'the package index';
    const message = `Known vulnerabilities cannot be checked: ${source} ${why}; what is cached on disk is used.`;
    options.logger.warn(message);
    for (const l of offlineListeners) l(message);
  };
  fetcher.health.onChange((origin, down) => {
    if (down) return;
    for (const base of [...offlineTold.keys()]) {
      if (originOf(base) !== origin) continue;
      offlineTold.delete(base);
      // Releases that failed while it was down are asked again on their next use.
      for (const key of facts.keys()) if (key.includes(`:${base}:`) && facts.error(key) !== undefined) facts.expire(key);
      const message = `Known vulnerabilities can be checked again: ${origin} answers again.`;
      options.logger.info(message);
      for (const l of onlineListeners) l(message);
      for (const l of listeners) l([]);
    }
  });
  const warned = new Set<string>();
  const warnOnce = (message: string) => {
    if (warned.has(message)) return;
    warned.add(message);
    options.logger.warn(redact(message));
  };

  /** A failed fetch: keep what the disk had (even stale), and do not ask again for a minute. */
  const fail = (key: string, target: VulnerabilityTarget, res: { status: number; error?: string; unreachable?: string }, stale: Entry | undefined) => {
    missed(key, res.unreachable ?? res.error ?? `HTTP ${res.status}`, stale);
    if (res.status === 0 || res.unreachable) tellOffline(target, res);
    else warnOnce(res.error ?? `${target.base} answered HTTP ${res.status}`);
  };

  const answered = new Map<string, { ok: number; missing: number }>();
  const fetchPypi = async (items: { key: string; name: string; version: string; stale?: Entry }[], target: VulnerabilityTarget) => {
    const origin = originOf(target.base);
    const one = async (item: (typeof items)[number]) => {
      // The host went down during this round: the rest fail at once (a 6 MB file's 15,000 pins, in a moment).
      const down = fetcher.health.down(origin);
      if (down) return fail(item.key, target, { status: 0, unreachable: describeDown(origin, down) }, item.stale);
      const url = `${target.base}/pypi/${encodeURIComponent(normalizeName(item.name))}/${encodeURIComponent(item.version)}/json`;
      const res = await fetcher.get(url, 'application/json');
      if (res.status === 404) {
        // No such release: nothing is known against it. An index that answers 404 to everything has no JSON API.
        const seen = answered.get(target.base) ?? { ok: 0, missing: 0 };
        answered.set(target.base, { ...seen, missing: seen.missing + 1 });
        if (seen.ok === 0 && seen.missing + 1 === 5)
          warnOnce(
            `${target.base} answers 404 to /pypi/<name>/<version>/json: it may not serve PyPI's JSON API, so known vulnerabilities are not checked there (set requirements.vulnerabilities.source to "osv").`,
          );
        return store(item.key, []);
      }
      if (res.ok) answered.set(target.base, { ok: (answered.get(target.base)?.ok ?? 0) + 1, missing: answered.get(target.base)?.missing ?? 0 });
      const parsed = res.ok ? parsePypiVulnerabilities(res.body) : undefined;
      if (parsed) store(item.key, parsed);
      else fail(item.key, target, res.ok ? { status: res.status, error: `${url} did not answer with the JSON API` } : res, item.stale);
    };
    await Promise.all(items.map((item) => requests.run(target.base, () => one(item), limitOf(item.key))));
  };

  // OSV details by id, shared across packages and kept like the per-release answers.
  const osvDetail = async (target: VulnerabilityTarget, id: string, name: string): Promise<Advisory | undefined> => {
    const key = `osv-vuln:${target.base}:${id}`;
    const cached = await disk.readAsync(key, limitOf(key));
    if (cached && Date.now() - cached.fetchedAt < ttl) return parseOsvVulnerability(cached.body, name);
    const res = await fetcher.get(`${target.base}/v1/vulns/${encodeURIComponent(id)}`, 'application/json');
    if (!res.ok) return cached ? parseOsvVulnerability(cached.body, name) : undefined;
    write(key, res.body);
    return parseOsvVulnerability(res.body, name);
  };

  const fetchOsv = async (items: { key: string; name: string; version: string; stale?: Entry }[], target: VulnerabilityTarget) => {
    for (let i = 0; i < items.length; i += batchSize) {
      const batch = items.slice(i, i + batchSize);
      const res = await fetcher.postJson(`${target.base}/v1/querybatch`, {
        queries: batch.map((b) => ({ package: { name: normalizeName(b.name), ecosystem: 'PyPI' }, version: b.version })),
      });
      let results: { vulns?: { id?: unknown }[] }[] | undefined;
      try {
        results = res.ok ? (JSON.parse(res.body) as { results?: typeof results }).results : undefined;
      } catch {
        results = undefined;
      }
      if (!Array.isArray(results) || results.length !== batch.length) {
        for (const b of batch)
          fail(b.key, target, res.ok ? { status: res.status, error: `${target.base}/v1/querybatch sent an answer that is not OSV's` } : res, b.stale);
        continue;
      }
      const wanted: { item: (typeof batch)[number]; ids: string[] }[] = batch.map((item, j) => {
        const vulns: unknown = results![j]?.vulns;
        const ids = (Array.isArray(vulns) ? vulns : []).map((v: { id?: unknown } | null) => v?.id);
        return { item, ids: ids.filter((id): id is string => typeof id === 'string') };
      });
      const details = new Map<string, Advisory | undefined>();
      const jobs = [...new Map(wanted.flatMap((w) => w.ids.map((id) => [`${normalizeName(w.item.name)} ${id}`, { id, name: w.item.name }] as const))).values()];
      const detail = async (job: (typeof jobs)[number]) => void details.set(`${normalizeName(job.name)} ${job.id}`, await osvDetail(target, job.id, job.name));
      await Promise.all(jobs.map((job) => requests.run(target.base, () => detail(job))));
      for (const w of wanted) {
        const found = w.ids.map((id) => details.get(`${normalizeName(w.item.name)} ${id}`));
        // An id whose details could not be read still counts: it is named, without a fix.
        store(
          w.item.key,
          found.map((a, k) => a ?? { id: w.ids[k], aliases: [], fixedIn: [], link: `https://osv.dev/vulnerability/${w.ids[k]}` }),
        );
      }
    }
  };

  const flush = async () => {
    while (queued.size) {
      const work = [...queued.entries()];
      queued.clear();
      try {
        const byTarget = new Map<string, { target: VulnerabilityTarget; items: { key: string; name: string; version: string; stale?: Entry }[] }>();
        let changed = false;
        // The projects of this round: only the files that asked about them are checked again.
        const names = [...new Set(work.map(([, q]) => normalizeName(q.name)))];
        // A round of many: one listing of the cache folder, so that misses cost no read (a few: each read is cheaper).
        const listed = work.length > 64 ? await disk.listing() : () => true;
        // Through the disk's one key, a few at a time (a release a request waits for first).
        const fromDisk = async ([key, q]: (typeof work)[number]) => {
          const cached = listed(key) ? await disk.readAsync(key, limitOf(key)) : undefined;
          let stale: Entry | undefined;
          if (cached) {
            try {
              const parsed: unknown = JSON.parse(cached.body);
              // Entries this client wrote; anything else in the file is not an advisory.
              const advisories = Array.isArray(parsed) ? parsed.map(cachedAdvisory).filter((a): a is Advisory => a !== undefined) : undefined;
              if (advisories) {
                // Offline on purpose: the disk's copy is all there is, whatever its age.
                if (options.offline || Date.now() - cached.fetchedAt < ttl) {
                  landed(key, { advisories, at: cached.fetchedAt });
                  changed = true;
                  return;
                }
                stale = { advisories, at: cached.fetchedAt };
              }
            } catch {
              /* a corrupt entry is a miss */
            }
          }
          const group = byTarget.get(`${q.target.kind} ${q.target.base}`) ?? { target: q.target, items: [] };
          group.items.push({ key, name: q.name, version: q.version, stale });
          byTarget.set(`${q.target.kind} ${q.target.base}`, group);
        };
        await Promise.all(work.map(fromDisk));
        for (const { target, items } of byTarget.values()) {
          if (options.offline) {
            // Not asked: these releases stay unknown (the caller says so), and are not asked again this minute.
            for (const item of items) missed(item.key, 'offline');
            continue;
          }
          if (target.kind === 'osv') await fetchOsv(items, target);
          else await fetchPypi(items, target);
          changed = true;
        }
        if (changed) for (const l of listeners) l(names);
      } finally {
        // Also when the round failed before its answer.
        for (const [key] of work) missed(key, 'the round did not answer');
      }
    }
  };
  const schedule = (): Promise<void> => {
    // One flush at a time; requests made meanwhile join the next round (so they are batched).
    flushing ??= new Promise<void>((resolve) => setImmediate(resolve))
      .then(flush)
      .catch((e) => options.logger.warn(`Vulnerability check failed: ${redact(String(e))}`))
      .finally(() => {
        flushing = undefined;
        if (queued.size) void schedule();
      });
    return flushing;
  };

  return {
    advisories(name, version, target) {
      const hit = facts.get(keyOf(name, version, target));
      return hit ? (hit.active ??= hit.advisories.filter((a) => !a.withdrawn)) : undefined;
    },
    pending(name, version, target) {
      const key = keyOf(name, version, target);
      const on = facts.pending(key);
      if (on && !awaited.has(key)) {
        awaited.add(key);
        // Queued already (its disk read, its request): it goes next.
        diskLimiter.hurry(key);
        requests.hurry(key);
      }
      return on;
    },
    async ensure(pairs, target) {
      const keys = pairs.map((p) => keyOf(p.name, p.version, target));
      for (const key of keys) {
        facts.get(key);
        // What failed lately is asked again: the CLI asks once, and means it.
        if (!facts.pending(key) && facts.error(key) !== undefined) facts.recheck(key);
      }
      // The rounds, not each release's promise: 15,000 of those cost a fifth of a second of collections.
      while (queued.size || flushing) await schedule();
    },
    onDidChange: (l) => void listeners.push(l),
    onOffline: (l) => void offlineListeners.push(l),
    onOnline: (l) => void onlineListeners.push(l),
    unreachable: (target) => offlineTold.get(target.base),
    async dispose() {
      await Promise.all([...writes]);
      // A fetcher given to it is its owner's to close.
      if (ownFetcher) await fetcher.close();
    },
  };
}
