// Host health: whether an origin (scheme, host, port) answers. A host is reachable (or not known otherwise),
// failing since a time (HTTP 5xx, a timeout, a refused or reset connection), or unresolvable (DNS says
// ENOTFOUND or EAI_AGAIN). While a host is down nothing is sent to it: the fetcher answers at once with an
// error value, and one probe asks again after a backoff (5 s, doubled after each failed probe, up to 5
// minutes). Listeners hear each change once: down, and back.

export type HostDownKind = 'failing' | 'unresolvable';

export interface HostFailure {
  kind: HostDownKind;
  /** Plain words for the parentheses of "cannot be reached (…)": `connection refused`, `HTTP 503`, `timed out`. */
  reason: string;
}

export interface HostDown extends HostFailure {
  since: number;
  /** When the background probe asks next (undefined when the host is not retried: the CLI gives up on it). */
  retryAt?: number;
}

export interface HostHealthOptions {
  /** The first wait before a down host is asked again (5 s). */
  firstBackoffMs?: number;
  /** The longest wait between two probes (5 minutes). */
  maxBackoffMs?: number;
  /** False: a host that went down stays down, and is not probed (`check` gives up on a host for the run). */
  retry?: boolean;
}

export interface HostHealth {
  /** Why `origin` is not asked now; undefined when it may be. */
  down(origin: string): HostDown | undefined;
  /** `origin` answered (any HTTP status below 500). */
  succeeded(origin: string): void;
  /**
   * A request to `origin` failed for the host's sake. `probe` asks it again (the backoff calls it, and it reports
   * back through `succeeded`/`failed`); the latest one given is used.
   */
  failed(origin: string, failure: HostFailure, probe: () => Promise<unknown>): void;
  /** Called when a host goes down (with why) and when it is back (undefined). */
  onChange(listener: (origin: string, down: HostDown | undefined) => void): void;
  dispose(): void;
}

/** "http://host:port cannot be reached (connection refused)": how messages name a down host. */
export function describeDown(origin: string, down: HostFailure): string {
  return `${origin} cannot be reached (${down.reason})`;
}

/** Why a request failed, when it says something about the host rather than about one request; else undefined. */
export function hostFailureOf(error: unknown): HostFailure | undefined {
  const e = error as { code?: unknown; name?: unknown; message?: unknown; cause?: { code?: unknown } } | null;
  if (!e || typeof e !== 'object') return undefined;
  const code = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : '';
  if (code === 'ENOTFOUND' || code === 'EAI_NONAME' || code === 'EAI_NODATA') return { kind: 'unresolvable', reason: `the name does not resolve: ${code}` };
  if (code === 'EAI_AGAIN' || code === 'EAI_FAIL') return { kind: 'unresolvable', reason: `name resolution failed: ${code}` };
  if (code === 'ECONNREFUSED') return { kind: 'failing', reason: 'connection refused' };
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'ECONNABORTED') return { kind: 'failing', reason: 'connection reset' };
  if (/^E(HOST|NET)(UNREACH|DOWN)$/.test(code)) return { kind: 'failing', reason: `no route to the host: ${code}` };
  const message = typeof e.message === 'string' ? e.message : '';
  if (/TIMEOUT|ETIMEDOUT/.test(code) || e.name === 'TimeoutError' || /timeout/i.test(message)) return { kind: 'failing', reason: 'timed out' };
  // A certificate the system does not accept fails every request to that host alike.
  if (/CERT|SSL|TLS/.test(code)) return { kind: 'failing', reason: message || code };
  return undefined;
}

interface Entry {
  down: HostDown;
  backoff: number;
  probe: () => Promise<unknown>;
  timer?: NodeJS.Timeout;
}

export function createHostHealth(options: HostHealthOptions = {}): HostHealth {
  const first = options.firstBackoffMs ?? 5_000;
  const max = options.maxBackoffMs ?? 5 * 60_000;
  const retry = options.retry ?? true;
  const hosts = new Map<string, Entry>();
  const listeners: ((origin: string, down: HostDown | undefined) => void)[] = [];
  let disposed = false;

  const tell = (origin: string, down: HostDown | undefined) => {
    for (const l of listeners) {
      try {
        l(origin, down);
      } catch {
        // A listener's failure is its own (it runs from a timer, where an exception would end the process).
      }
    }
  };

  /** The next probe of `origin` after the entry's backoff; when it settles without news, the one after waits twice as long. */
  const schedule = (origin: string, entry: Entry) => {
    if (!retry || disposed) return;
    entry.down.retryAt = Date.now() + entry.backoff;
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      void Promise.resolve()
        .then(entry.probe)
        .catch(() => undefined)
        .finally(() => {
          if (hosts.get(origin) !== entry || entry.timer) return;
          entry.backoff = Math.min(max, entry.backoff * 2);
          schedule(origin, entry);
        });
    }, entry.backoff);
    // A probe never keeps a process alive (the CLI exits when its work is done).
    entry.timer.unref?.();
  };

  return {
    down: (origin) => hosts.get(origin)?.down,
    succeeded(origin) {
      const entry = hosts.get(origin);
      if (!entry) return;
      clearTimeout(entry.timer);
      hosts.delete(origin);
      tell(origin, undefined);
    },
    failed(origin, failure, probe) {
      const entry = hosts.get(origin);
      if (entry) {
        // A probe's answer, or a request already under way when the host went down: the latest reason counts.
        entry.down.kind = failure.kind;
        entry.down.reason = failure.reason;
        entry.probe = probe;
        return;
      }
      const made: Entry = { down: { ...failure, since: Date.now() }, backoff: first, probe };
      hosts.set(origin, made);
      schedule(origin, made);
      tell(origin, made.down);
    },
    onChange: (l) => void listeners.push(l),
    dispose() {
      disposed = true;
      for (const entry of hosts.values()) clearTimeout(entry.timer);
    },
  };
}

/** The origin (scheme, host, port; no credentials) an index URL's health is kept under, or the URL itself when it is not http(s). */
export function healthOrigin(url: string): string {
  try {
    const u = new URL(url);
    return /^https?:$/.test(u.protocol) ? u.origin : url;
  } catch {
    return url;
  }
}
