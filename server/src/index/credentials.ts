// Credentials for an index: from the URL itself, else ~/.netrc (or $NETRC); and redaction for every message.

import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { createFactCache } from '../shared/factCache.js';

export interface Credentials {
  username: string;
  password: string;
}

/**
 * `https://user:secret@host/simple` → `https://****@host/simple`; also inside longer text. The user information
 * runs to the last `@` before the path, as pip (urllib) splits it: `https://bob:p@ss@host` masks `bob:p@ss`, where
 * stopping at the first `@` showed the rest of the password. A token alone (`https://TOKEN@host`) is masked too.
 * What /([a-z][a-z0-9+.-]{0,31}:\/\/)[^/\s]+@/gi replaces, found by hand in one pass: that pattern scanned each
 * authority again from each of its scheme's letters (a 1 MB URL took 70 ms a call), and an unbounded scheme made
 * it quadratic on a long run of letters (a 100,000-character path in a message held the event loop for minutes).
 */
export function redact(text: string): string {
  let out = '';
  let copied = 0;
  for (let colon = text.indexOf('://'); colon !== -1; colon = text.indexOf('://', colon + 1)) {
    if (!schemeBefore(text, colon)) continue;
    // The authority: to the first `/` or white space; the user information, to its last `@`.
    const start = colon + 3;
    let at = -1;
    let end = start;
    for (; end < text.length; end++) {
      const c = text.charCodeAt(end);
      if (c === 47 /* / */ || isJsSpace(c)) break;
      if (c === 64 /* @ */) at = end;
    }
    if (at <= start) continue; // no `@`, or nothing before it
    out += `${text.slice(copied, start)}****`;
    copied = at;
    colon = at; // the next `://` starts after this `@`
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Whether a scheme (a letter, then up to 31 of `a-z0-9+.-`) ends just before `text[colon]`. */
function schemeBefore(text: string, colon: number): boolean {
  for (let i = colon - 1; i >= 0 && i >= colon - 32; i--) {
    const c = text.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) return true;
    if (!((c >= 48 && c <= 57) || c === 0x2b /* + */ || c === 0x2e /* . */ || c === 0x2d) /* - */) return false;
  }
  return false;
}

/** JavaScript's `\s`. */
function isJsSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  if (c >= 0x2000 && c <= 0x200a) return true;
  return c === 0xa0 || c === 0x1680 || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
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
  if (netrcs.peek(file) || netrcs.pending(file)) return;
  let text: string | undefined;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    text = undefined;
  }
  netrcs.set(file, { text });
}

/** How old a netrc's text may get before it is read again, in the background (an edited netrc counts within seconds). */
const NETRC_KEPT_MS = 5000;
/** Netrc texts by path (a fact cache: the text at hand answers a fetch, and one read in the background the next). */
const netrcs = createFactCache<{ text?: string }>({
  maxAgeMs: NETRC_KEPT_MS,
  maxEntries: 16,
  load: async (file) => ({ text: await fs.promises.readFile(file, 'utf8').catch(() => undefined) }),
});

async function netrcText(file: string): Promise<string | undefined> {
  return (netrcs.get(file) ?? (await netrcs.ensure(file)))?.text;
}
