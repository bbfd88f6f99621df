// Where the index client may go: never to a link-local or cloud metadata address (named, written as a literal, or
// resolved by DNS), never from https down to http on a redirect, and credentials only to the origin they were for.
// A requirements file chooses its index URL, and an index chooses where it redirects: both are untrusted.

import * as dns from 'node:dns';
import * as net from 'node:net';

/** Names the clouds give their metadata services (they resolve to a link-local address only inside the cloud). */
const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal']);

/** An IPv6 address as eight 16-bit groups (an embedded IPv4 tail counted as two); undefined when not one. */
function hextets(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const part = (s: string) => (s ? s.split(':').map((h) => parseInt(h, 16)) : []);
  const head = part(halves[0]);
  const tail = halves.length === 2 ? part(halves[1]) : [];
  const fill = 8 - head.length - tail.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return undefined;
  const groups = [...head, ...new Array<number>(fill).fill(0), ...tail];
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

function forbiddenV4(address: string): boolean {
  const [a, b] = address.split('.').map(Number);
  // 169.254.0.0/16: link-local, where AWS, Azure, GCP and others answer metadata (169.254.169.254); Alibaba's at 100.100.100.200.
  return (a === 169 && b === 254) || address === '100.100.100.200';
}

/** Whether an IP address (v4 or v6, brackets allowed) is link-local or a cloud metadata address. */
export function isForbiddenAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '');
  if (net.isIPv4(ip)) return forbiddenV4(ip);
  if (!net.isIPv6(ip)) return false;
  const g = hextets(ip.replace(/%.*$/, ''));
  if (!g) return false;
  // fe80::/10, link-local.
  if ((g[0] & 0xffc0) === 0xfe80) return true;
  // fd00:ec2::254, AWS's metadata service over IPv6.
  if (g.join(':') === [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254].join(':')) return true;
  // An IPv4 address inside IPv6: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d).
  const v4 = `${g[6] >> 8}.${g[6] & 0xff}.${g[7] >> 8}.${g[7] & 0xff}`;
  const mapped = g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0);
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  return (mapped || nat64) && forbiddenV4(v4);
}

/** Why a URL's host must not be contacted, in plain words; undefined when it may be. */
export function forbiddenHost(url: URL): string | undefined {
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (METADATA_NAMES.has(host)) return `${host} is a cloud metadata service, which is never contacted`;
  if (isForbiddenAddress(host)) return `${host} is a link-local or cloud metadata address, which is never contacted`;
  return undefined;
}

type LookupAllCallback = (error: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void;
type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;
export type Lookup = (hostname: string, options: dns.LookupAllOptions, callback: LookupAllCallback) => void;

const systemLookup: Lookup = (hostname, options, callback) => dns.lookup(hostname, options, callback);

/**
 * A `lookup` for net/tls.connect (undici passes its `connect` options through) that refuses a name resolving to a
 * forbidden address: a name of the workspace's choosing may point at the metadata service. `resolve` is injectable
 * for tests. Loopback and private addresses stay allowed (local indexes, tests).
 */
export function guardedLookup(resolve: Lookup = systemLookup) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const bad = addresses.find((a) => isForbiddenAddress(a.address));
      if (bad || !addresses.length) {
        const refused: NodeJS.ErrnoException = new Error(
          bad
            ? `${hostname} resolves to ${bad.address}, a link-local or cloud metadata address, which is never contacted`
            : `${hostname} resolves to no address`,
        );
        refused.code = bad ? 'ERR_FORBIDDEN_ADDRESS' : 'ENOTFOUND';
        return callback(refused, '');
      }
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

export type Hop = { follow: URL; withCredentials: boolean } | { refused: string };

/**
 * The next request of a redirect from `from` (the response's URL) to `location`, as requests (pip) handles it:
 * credentials go with it only when it stays on the origin (scheme, host, port) they were given for; never
 * from https down to http, never to another scheme, never to a forbidden host. Credentials written in the
 * location itself are dropped. Messages name no credentials (the caller redacts).
 */
export function redirectHop(origin: URL, from: URL, location: string): Hop {
  let to: URL;
  try {
    to = new URL(location, from);
  } catch {
    return { refused: `redirected to ${JSON.stringify(location.slice(0, 200))}, which is not a URL` };
  }
  to.username = '';
  to.password = '';
  if (to.protocol !== 'http:' && to.protocol !== 'https:') return { refused: `redirected to ${to.protocol} (only http and https are followed)` };
  if (from.protocol === 'https:' && to.protocol === 'http:') {
    return { refused: `redirected from https to http (${to.origin}${to.pathname}), which is not followed` };
  }
  const why = forbiddenHost(to);
  if (why) return { refused: `redirected to ${why}` };
  return { follow: to, withCredentials: to.origin === origin.origin };
}
