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

/** The netrc entries for `host` (`machine host login x password y`, or `default`). */
export function netrcCredentials(text: string, host: string): Credentials | undefined {
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
  const hit = entries.find((e) => e.machine === host) ?? entries.find((e) => e.machine === undefined);
  return hit?.login !== undefined ? { username: hit.login, password: hit.password ?? '' } : undefined;
}

/**
 * The URL's own credentials, else the netrc's entry for its host. The netrc is read asynchronously and its
 * text kept a few seconds (`readFile`, when given, is used instead): each fetch read it synchronously
 * before, 3,000 times over for a big file's first round of advisories.
 */
export async function credentialsFor(url: URL, options: { env: Record<string, string | undefined>; readFile?: (p: string) => string | undefined; home?: string }): Promise<Credentials | undefined> {
  if (url.username) return { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  const file = options.env.NETRC ?? path.join(options.home ?? options.env.HOME ?? os.homedir(), '.netrc');
  const text = options.readFile ? options.readFile(file) : await netrcText(file);
  return text ? netrcCredentials(text, url.hostname) : undefined;
}

/** How long a netrc's text is reused before it is read again (an edited netrc counts within seconds). */
const NETRC_KEPT_MS = 5000;
const netrcs = new Map<string, { at: number; text: Promise<string | undefined> }>();

function netrcText(file: string): Promise<string | undefined> {
  const kept = netrcs.get(file);
  if (kept && Date.now() - kept.at < NETRC_KEPT_MS) return kept.text;
  const text = fs.promises.readFile(file, 'utf8').catch(() => undefined);
  if (netrcs.size > 16) netrcs.clear();
  netrcs.set(file, { at: Date.now(), text });
  return text;
}
