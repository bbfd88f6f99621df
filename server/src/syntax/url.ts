// Recognizing URLs and local paths the way pip does, and reading what they say (VCS, ref, #egg=, wheel name).

import type { UrlKind, UrlNode, Range } from './types.js';

const VCS_SCHEMES: Record<string, string[]> = {
  git: ['git', 'git+http', 'git+https', 'git+ssh', 'git+git', 'git+file'],
  hg: ['hg+file', 'hg+http', 'hg+https', 'hg+ssh', 'hg+static-http'],
  svn: ['svn', 'svn+ssh', 'svn+http', 'svn+https', 'svn+svn', 'svn+file'],
  bzr: ['bzr+http', 'bzr+https', 'bzr+ssh', 'bzr+sftp', 'bzr+ftp', 'bzr+lp', 'bzr+file'],
};
const VCS_BY_SCHEME = new Map<string, string>();
for (const [vcs, schemes] of Object.entries(VCS_SCHEMES)) for (const s of schemes) VCS_BY_SCHEME.set(s, vcs);

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

export const ARCHIVE_EXTENSIONS = ['.whl', '.zip', '.tar.gz', '.tgz', '.tar', '.tar.bz2', '.tbz', '.tar.xz', '.txz', '.tlz', '.tar.lz', '.tar.lzma'];

/** pip's `is_url`: a scheme pip can fetch from (http, https, file, ftp) or a VCS scheme. */
export function urlScheme(text: string): string | undefined {
  const m = SCHEME.exec(text);
  if (!m) return undefined;
  const scheme = m[1].toLowerCase();
  if (scheme === 'http' || scheme === 'https' || scheme === 'file' || scheme === 'ftp' || VCS_BY_SCHEME.has(scheme)) return scheme;
  return undefined;
}

export function isArchiveName(text: string): boolean {
  const lower = text.toLowerCase();
  return ARCHIVE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** pip's `_looks_like_path`, plus archive file names, which pip also takes as files. */
export function looksLikePath(text: string): boolean {
  return text.includes('/') || text.includes('\\') || text.startsWith('.') || text.startsWith('~');
}

export interface WheelName {
  name: string;
  version: string;
}

const WHEEL_RE = /^(?<name>[^\s-]+?)-(?<ver>[^\s-]*?)(?:-(?<build>\d[^-]*?))?-(?<pyver>[^\s-]+?)-(?<abi>[^\s-]+?)-(?<plat>[^\s-]+?)\.whl$/i;

/** Reads `name-version-…whl` as pip's `Wheel` does; undefined when the file name is not a valid wheel name. */
export function parseWheelFilename(filename: string): WheelName | undefined {
  const m = WHEEL_RE.exec(filename);
  if (!m?.groups) return undefined;
  return { name: m.groups.name.replace(/_/g, '-'), version: m.groups.ver.replace(/_/g, '-') };
}

/** Splits a URL into what the rest of the server needs; `range` is the URL's own range. */
export function describeUrl(text: string, range: Range): UrlNode {
  const scheme = urlScheme(text) ?? '';
  const hashAt = text.indexOf('#');
  const beforeFragment = hashAt === -1 ? text : text.slice(0, hashAt);
  const fragment = hashAt === -1 ? '' : text.slice(hashAt + 1);
  const node: UrlNode = { text, range, kind: 'other' };
  const vcs = VCS_BY_SCHEME.get(scheme);
  const pathPart = urlPath(beforeFragment);
  if (vcs) {
    node.kind = 'vcs';
    node.vcs = vcs;
    const at = pathPart.lastIndexOf('@');
    if (at !== -1) node.ref = decodeSafe(pathPart.slice(at + 1));
  } else {
    const base = lastSegment(pathPart.split('?')[0]);
    node.kind = kindOfFile(base, scheme);
  }
  for (const part of fragment.split('&')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (key === 'egg')
      node.egg ??= value; // pip reads the first
    else if (key === 'subdirectory') node.subdirectory = value;
    else if (key === 'sha256' || key === 'sha384' || key === 'sha512' || key === 'sha1' || key === 'md5' || key === 'sha224') {
      node.hash = { algorithm: key, digest: value };
    }
  }
  return node;
}

/** The path of a URL: after its scheme and authority (`file:name.whl` has no authority, and pip reads `name.whl`). */
function urlPath(url: string): string {
  return url.replace(/^[A-Za-z][A-Za-z0-9+.-]*:(?:\/\/[^/]*)?/, '');
}

/**
 * The host of a `file://host/…` URL other than localhost, which pip (on Linux and macOS) rejects: "non-local file
 * URIs are not supported". `file://name.whl` reads `name.whl` as the host.
 */
export function nonLocalFileHost(url: string): string | undefined {
  const m = /^file:\/\/([^/?#]*)/i.exec(url);
  const host = m?.[1];
  return host && host.toLowerCase() !== 'localhost' && !host.includes('${') ? host : undefined;
}

/** The file name a URL ends in, as pip's `Link.filename`: its path's last segment, without query and fragment. */
export function urlFilename(url: string): string {
  return lastSegment(urlPath(url.split('#')[0].split('?')[0]));
}

function kindOfFile(base: string, scheme: string): UrlKind {
  const lower = base.toLowerCase();
  if (lower.endsWith('.whl')) return 'wheel';
  if (isArchiveName(lower)) return 'archive';
  if (scheme === 'file') return 'file';
  return 'other';
}

export function lastSegment(path: string): string {
  // Trailing separators trimmed by hand: /[/\\]+$/ tried every run of them to the end (quadratic on a line of '/').
  let end = path.length;
  while (end > 0 && (path.charCodeAt(end - 1) === 47 || path.charCodeAt(end - 1) === 92)) end--;
  const trimmed = path.slice(0, end);
  const i = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return decodeSafe(i === -1 ? trimmed : trimmed.slice(i + 1));
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
