// Credentials for an index: from the URL itself, else ~/.netrc (or $NETRC); and redaction for every message.

import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';

export interface Credentials {
  username: string;
  password: string;
}

/** `https://user:secret@host/simple` → `https://****@host/simple`; also inside longer text. */
// The scheme is bounded: unbounded, a long run of letters without `://` (a 100,000-character path in a
// message) made the scan quadratic and held the event loop for minutes.
export function redact(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]{0,31}:\/\/)[^/@\s]+@/gi, '$1****@');
}

/** The netrc entries for `host` (`machine host login x password y`, or `default` when `withDefault`). */
export function netrcCredentials(text: string, host: string, withDefault = true): Credentials | undefined {
  const tokens = text.replace(/#.*$/gm, '').split(/\s+/).filter(Boolean);
  let current: { machine?: string; login?: string; password?: string } | undefined;
  const entries: { machine?: string; login?: string; password?: string }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === 'machine') entries.push((current = { machine: tokens[++i] }));
    else if (t === 'default') entries.push((current = {}));
    else if (t === 'login' && current) current.login = tokens[++i];
    else if (t === 'password' && current) current.password = tokens[++i];
    else if (t === 'account' && current) i++;
  }
  const hit = entries.find((e) => e.machine === host) ?? (withDefault ? entries.find((e) => e.machine === undefined) : undefined);
  return hit?.login !== undefined ? { username: hit.login, password: hit.password ?? '' } : undefined;
}

/**
 * The URL's own credentials, else the netrc's entry for its host. The netrc is read asynchronously (each
 * fetch read it synchronously before, 3,000 times over for a big file's first round of advisories): its
 * text is kept, and re-read in the background when a few seconds old. `readFile`, when given, is used instead.
 */
export async function credentialsFor(url: URL, options: NetrcOptions): Promise<Credentials | undefined> {
  if (url.username) return { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  const text = options.readFile ? options.readFile(netrcPath(options)) : await netrcText(netrcPath(options));
  // The `default` entry is the user's catch-all for the hosts they use: never for an origin the workspace chose.
  return text ? netrcCredentials(text, url.hostname, options.netrcDefault?.(url.origin) ?? true) : undefined;
}

interface NetrcOptions {
  env: Record<string, string | undefined>;
  /** Whether netrc's `default` entry applies to this origin (default: yes, as pip). */
  netrcDefault?: (origin: string) => boolean;
  readFile?: (p: string) => string | undefined;
  home?: string;
}

const netrcPath = (options: NetrcOptions) => options.env.NETRC ?? path.join(options.home ?? options.env.HOME ?? os.homedir(), '.netrc');

/**
 * Reads the netrc when a fetcher is made, as part of loading the index module (once or twice a session, not
 * on a request): a first fetch that read it asynchronously waited behind the start-up's disk reads (the
 * environment scan, the first requirements files), and the first completion took 5 ms longer.
 */
export function readNetrcSoon(options: NetrcOptions): void {
  if (options.readFile) return;
  const file = netrcPath(options);
  if (netrcs.has(file)) return;
  let text: string | undefined;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    text = undefined;
  }
  netrcs.set(file, { at: Date.now(), text: Promise.resolve(text) });
}

/** How old a netrc's text may get before it is read again, in the background (an edited netrc counts within seconds). */
const NETRC_KEPT_MS = 5000;
const netrcs = new Map<string, { at: number; text: Promise<string | undefined>; next?: Promise<string | undefined> }>();

function netrcText(file: string): Promise<string | undefined> {
  const read = () => fs.promises.readFile(file, 'utf8').catch(() => undefined);
  const kept = netrcs.get(file);
  if (!kept) {
    if (netrcs.size > 16) netrcs.clear();
    const text = read();
    netrcs.set(file, { at: Date.now(), text });
    return text;
  }
  if (Date.now() - kept.at > NETRC_KEPT_MS && !kept.next) {
    // The text at hand answers this fetch; the one read now answers the next.
    kept.next = read();
    void kept.next.then(() => {
      netrcs.set(file, { at: Date.now(), text: kept.next! });
    });
  }
  return kept.text;
}
