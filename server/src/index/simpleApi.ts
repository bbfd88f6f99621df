// Reading index responses: PEP 691 JSON and PEP 503 HTML project pages, and the `/pypi/<name>/json` API.

import { rcompare, valid, explain } from '@renovatebot/pep440';
import { normalizeName } from '../syntax/names.js';
import type { LicenceFields, ProjectFact, VersionFact } from '../shared/facts.js';
import { earliestTime } from '../shared/releaseTimes.js';

export interface IndexFile {
  filename: string;
  url: string;
  hashes: Record<string, string>;
  requiresPython?: string;
  yanked?: string | boolean;
  /** PEP 658/714: the index serves the file's METADATA at `url + '.metadata'`. */
  hasMetadata?: boolean;
  /** PEP 700 `upload-time` (JSON pages only), ISO 8601. */
  uploadTime?: string;
}

export interface ProjectPage {
  name?: string;
  files: IndexFile[];
  /** PEP 700 `versions`, when the index lists them. */
  versions?: string[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };

/** HTML character references; one naming no character (`&#x110000;`, `&#0;`, a surrogate) becomes U+FFFD, as in HTML. */
function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+|#39);/gi, (whole, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      const character = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
      return character ? String.fromCodePoint(code) : '\ufffd';
    }
    return ENTITIES[e.toLowerCase()] ?? whole;
  });
}

/** decodeURIComponent, or the text as written where it is not valid percent-encoding (`%zz`). */
function decodePercent(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function absolute(url: string, base: string): string {
  try {
    return new URL(url, base).toString();
  } catch {
    return url;
  }
}

/** PEP 691 project page; undefined when the body is not that JSON. */
export function parseProjectJson(body: string, base: string): ProjectPage | undefined {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!data || typeof data !== 'object' || !Array.isArray((data as { files?: unknown }).files)) return undefined;
  const d = data as { name?: unknown; files: unknown[]; versions?: unknown };
  const files: IndexFile[] = [];
  for (const f of d.files) {
    if (!f || typeof f !== 'object') continue;
    const o = f as Record<string, unknown>;
    if (typeof o.filename !== 'string' || typeof o.url !== 'string' || o.filename.length > MAX_FILENAME) continue;
    files.push({
      filename: o.filename,
      url: absolute(o.url, base),
      hashes: stringValues(o.hashes),
      requiresPython: typeof o['requires-python'] === 'string' ? (o['requires-python'] as string) : undefined,
      yanked: typeof o.yanked === 'string' || typeof o.yanked === 'boolean' ? (o.yanked as string | boolean) : undefined,
      hasMetadata: !!(o['core-metadata'] ?? o['dist-info-metadata']),
      ...(typeof o['upload-time'] === 'string' && o['upload-time'].length <= 40 ? { uploadTime: o['upload-time'] as string } : {}),
    });
  }
  const versions = Array.isArray(d.versions) ? d.versions.filter((v): v is string => typeof v === 'string' && v.length <= MAX_VERSION) : undefined;
  return { name: typeof d.name === 'string' ? d.name : undefined, files, versions };
}

/** The string-valued entries of a JSON object (`hashes`); anything else in it is not a hash. */
function stringValues(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * The anchors of a page, `<a attrs>text</a>`, in one pass: what `/<a\s([^>]*)>([^<]*)<\/a\s*>/gi` matched,
 * without its rescans. That pattern ran to the end of the page for each unclosed `<a ` (360 KB of them held
 * the server for 15.8 s); here the next `>` and the next `<` are found once for every anchor sharing them.
 */
function* anchors(body: string): Generator<{ attrs: string; text: string }> {
  const opening = /<a\s/gi;
  const closing = /<\/a\s*>/iy;
  let gt = -1;
  let lt = -1;
  let closedAt = -1;
  let closedEnd = -1;
  for (let m = opening.exec(body); m; m = opening.exec(body)) {
    const start = m.index + m[0].length;
    if (gt < start) gt = body.indexOf('>', start);
    if (gt === -1) return; // no anchor after this one can be complete either
    if (lt <= gt) lt = body.indexOf('<', gt + 1);
    if (lt === -1) return;
    if (closedAt !== lt) {
      closing.lastIndex = lt;
      closedEnd = closing.test(body) ? closing.lastIndex : -1;
      closedAt = lt;
    }
    if (closedEnd === -1) {
      opening.lastIndex = m.index + 1;
      continue;
    }
    yield { attrs: body.slice(start, gt), text: body.slice(gt + 1, lt) };
    opening.lastIndex = closedEnd;
  }
}

/**
 * The attributes of a tag, lower-cased names to values with entities decoded; one pass, no backtracking (the
 * pattern it replaces rescanned a long run of letters, or an unclosed quote, for each position in it).
 */
function attributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const n = text.length;
  const space = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
  let i = 0;
  while (i < n) {
    while (i < n && (space(text[i]) || text[i] === '/')) i++;
    const nameStart = i;
    while (i < n && !space(text[i]) && text[i] !== '=' && text[i] !== '/') i++;
    const name = text.slice(nameStart, i).toLowerCase();
    let j = i;
    while (j < n && space(text[j])) j++;
    if (text[j] !== '=') {
      if (name) out[name] ??= '';
      if (i === nameStart) i++;
      continue;
    }
    j++;
    while (j < n && space(text[j])) j++;
    let value: string;
    const quote = text[j];
    if (quote === '"' || quote === "'") {
      const end = text.indexOf(quote, j + 1);
      value = text.slice(j + 1, end === -1 ? n : end);
      i = end === -1 ? n : end + 1;
    } else {
      const from = j;
      while (j < n && !space(text[j])) j++;
      value = text.slice(from, j);
      i = j;
    }
    if (name) out[name] = decodeEntities(value);
  }
  return out;
}

/** The longest version kept from PEP 700 `versions` (real ones are a few dozen characters; PEP 440's pattern scans them). */
const MAX_VERSION = 128;

/** The longest file name kept: file systems stop at 255 bytes, and longer names only cost (versionOfFile scans them). */
const MAX_FILENAME = 512;

/** PEP 503 project page: one anchor a file; tolerant of whatever else the page holds. */
export function parseProjectHtml(body: string, base: string): ProjectPage {
  const files: IndexFile[] = [];
  for (const m of anchors(body)) {
    const attrs = attributes(m.attrs);
    if (!attrs.href) continue;
    const url = absolute(attrs.href, base);
    const hashAt = url.indexOf('#');
    const hashes: Record<string, string> = {};
    if (hashAt !== -1) {
      const [algo, digest] = url.slice(hashAt + 1).split('=');
      if (algo && digest) hashes[algo] = digest;
    }
    const filename =
      decodeEntities(m.text).trim() ||
      decodePercent(
        url
          .slice(0, hashAt === -1 ? undefined : hashAt)
          .split('/')
          .pop() ?? '',
      );
    if (filename.length > MAX_FILENAME) continue;
    files.push({
      filename,
      url: hashAt === -1 ? url : url.slice(0, hashAt),
      hashes,
      requiresPython: attrs['data-requires-python'] || undefined,
      yanked: 'data-yanked' in attrs ? attrs['data-yanked'] || true : undefined,
      hasMetadata:
        ('data-core-metadata' in attrs && attrs['data-core-metadata'] !== 'false') ||
        ('data-dist-info-metadata' in attrs && attrs['data-dist-info-metadata'] !== 'false'),
    });
  }
  return { files };
}

/** The longest project name kept from a list (PyPI's longest are under 100 characters). */
const MAX_NAME = 256;

/** A root page's project names (PEP 691 `projects[].name`, or PEP 503 anchors). */
export function parseProjectList(body: string, contentType: string): string[] {
  if (contentType.includes('json')) {
    let data: unknown;
    try {
      data = JSON.parse(body);
    } catch {
      return [];
    }
    const projects = (data as { projects?: unknown } | null)?.projects;
    if (!Array.isArray(projects)) return [];
    const named = projects.map((p: unknown) => (p as { name?: unknown } | null)?.name);
    return named.filter((n): n is string => typeof n === 'string' && n.length > 0 && n.length <= MAX_NAME);
  }
  const names: string[] = [];
  for (const m of anchors(body)) {
    const name = decodeEntities(m.text).trim();
    if (name && name.length <= MAX_NAME) names.push(name);
  }
  return names;
}

/** The version in a wheel or sdist file name of project `name`. */
export function versionOfFile(filename: string, name: string): string | undefined {
  // Each `-` of an sdist's name is tried below: bounded, so that a hostile name is not quadratic.
  if (filename.length > MAX_FILENAME) return undefined;
  const wheel = /^([^-]+)-([^-]+)-.*\.whl$/i.exec(filename);
  if (wheel) return wheel[2].replace(/_/g, '-');
  const sdist = /^(.*)\.(tar\.gz|tar\.bz2|tar\.xz|zip|tgz|tar)$/i.exec(filename)?.[1];
  if (!sdist) return undefined;
  // The name part may be spelt differently (Django vs django, zope.interface vs zope_interface).
  const target = normalizeName(name);
  for (let i = sdist.indexOf('-'); i !== -1; i = sdist.indexOf('-', i + 1)) {
    if (normalizeName(sdist.slice(0, i)) === target) return sdist.slice(i + 1);
  }
  return undefined;
}

function isPrerelease(v: string): boolean {
  if (PLAIN.test(v)) return false;
  const e = explain(v);
  return !!e && (e.is_prerelease || e.is_devrelease);
}

/**
 * A plain release (`1.26.3`): valid, final, and ordered by its numbers alone (zeros padded, as PEP 440 compares
 * release segments). Most versions on an index are; the PEP 440 library parses both versions in every comparison.
 */
const PLAIN = /^\d{1,9}(?:\.\d{1,9}){0,9}$/;

function comparePlain(a: string, b: string): number {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = Number(x[i] ?? 0) - Number(y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Newest first, in PEP 440's order. */
export function newestFirst(a: string, b: string): number {
  return PLAIN.test(a) && PLAIN.test(b) ? comparePlain(b, a) : rcompare(a, b);
}

const isValid = (v: string) => PLAIN.test(v) || !!valid(v);

/** Versions newest first (PEP 440 order); a version is yanked when all its files are (PEP 592). */
export function versionsOf(page: ProjectPage, name: string): VersionFact[] {
  const byVersion = new Map<string, IndexFile[]>();
  for (const f of page.files) {
    const v = versionOfFile(f.filename, name);
    if (!v || !isValid(v)) continue;
    const list = byVersion.get(v) ?? [];
    list.push(f);
    byVersion.set(v, list);
  }
  for (const v of page.versions ?? []) if (isValid(v) && !byVersion.has(v)) byVersion.set(v, []);
  const out: VersionFact[] = [];
  for (const [version, files] of byVersion) {
    const yanked = files.length > 0 && files.every((f) => f.yanked) ? (files.find((f) => typeof f.yanked === 'string')?.yanked ?? true) : undefined;
    // Every file's sha256, as pip-compile --generate-hashes lists them (any of them may be the one pip picks).
    const pool = files.some((f) => !f.yanked) ? files.filter((f) => !f.yanked) : files;
    const hashes = pool.filter((f) => f.hashes.sha256).map((f) => `sha256:${f.hashes.sha256}`);
    const uploaded = earliestTime(files.map((f) => f.uploadTime));
    out.push({
      version,
      prerelease: isPrerelease(version),
      yanked,
      requiresPython: files.find((f) => f.requiresPython)?.requiresPython,
      ...(hashes.length ? { hashes: hashes.sort() } : {}),
      ...(uploaded ? { uploaded } : {}),
      ...(files.length ? { files: pool.map((f) => f.filename) } : {}),
      ...(hashes.length ? { downloads: pool.filter((f) => f.hashes.sha256).map((f) => ({ url: f.url, sha256: f.hashes.sha256 })) } : {}),
    });
  }
  return out.sort((a, b) => newestFirst(a.version, b.version));
}

export interface JsonApiFacts {
  name?: string;
  summary?: string;
  latest?: string;
  requiresDist: string[];
  extras: string[];
  requiresPython?: string;
  projectUrl?: string;
  yanked: Map<string, string | true>;
  /** Each release's first upload (`upload_time_iso_8601`) and its file names, for indexes whose pages lack them. */
  releases?: Map<string, { uploaded?: string; files: string[] }>;
  licence?: LicenceFields;
}

/** `/pypi/<name>/json`: summary, extras (Provides-Extra), project URL, per-release yanked reasons. */
export function parseJsonApi(body: string): JsonApiFacts | undefined {
  try {
    const data = JSON.parse(body) as { info?: Record<string, unknown>; releases?: unknown } | null;
    const info = data?.info;
    if (!info || typeof info !== 'object' || Array.isArray(info)) return undefined;
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    const yanked = new Map<string, string | true>();
    const releases = data!.releases && typeof data!.releases === 'object' ? (data!.releases as Record<string, unknown>) : {};
    const perRelease = new Map<string, { uploaded?: string; files: string[] }>();
    for (const [version, files] of Object.entries(releases)) {
      if (!Array.isArray(files)) continue;
      const named = files.filter(
        (f): f is { filename: string; upload_time_iso_8601?: unknown } => typeof (f as { filename?: unknown } | null)?.filename === 'string',
      );
      const uploaded = earliestTime(named.map((f) => (typeof f.upload_time_iso_8601 === 'string' ? f.upload_time_iso_8601 : undefined)));
      perRelease.set(version, { ...(uploaded ? { uploaded } : {}), files: named.map((f) => f.filename) });
      if (!files.length || !files.every((f: unknown) => (f as { yanked?: unknown } | null)?.yanked)) continue;
      const reason = files.map((f: { yanked_reason?: unknown }) => f.yanked_reason).find((r): r is string => typeof r === 'string' && r.length > 0);
      yanked.set(version, reason ?? true);
    }
    const requiresDist = Array.isArray(info.requires_dist) ? info.requires_dist.filter((x): x is string => typeof x === 'string') : [];
    const extras = Array.isArray(info.provides_extra)
      ? info.provides_extra.filter((x): x is string => typeof x === 'string')
      : [...new Set(requiresDist.flatMap((r) => [...r.matchAll(/extra\s*==\s*["']([^"']+)["']/g)].map((m) => m[1])))];
    return {
      name: str(info.name),
      summary: str(info.summary),
      latest: str(info.version),
      requiresDist,
      extras,
      requiresPython: str(info.requires_python),
      projectUrl: str(info.project_url) ?? str(info.package_url),
      yanked,
      releases: perRelease,
      licence: licenceFields(info),
    };
  } catch {
    return undefined;
  }
}

/** The JSON API's licence fields, kept short: a `license` field is often the whole licence text. */
function licenceFields(info: Record<string, unknown>): LicenceFields | undefined {
  const expression = typeof info.license_expression === 'string' ? info.license_expression.slice(0, 200) : undefined;
  const license = typeof info.license === 'string' ? info.license.slice(0, 200) : undefined;
  const classifiers = Array.isArray(info.classifiers) ? info.classifiers.filter((c): c is string => typeof c === 'string' && c.startsWith('License :: ')) : [];
  if (!expression && !license && !classifiers.length) return undefined;
  return { ...(expression ? { license_expression: expression } : {}), ...(license ? { license } : {}), ...(classifiers.length ? { classifiers } : {}) };
}

/** Combines what the simple pages and the JSON API said into one fact. */
export function projectFact(name: string, pages: ProjectPage[], api: JsonApiFacts | undefined): ProjectFact {
  const merged: ProjectPage = { files: pages.flatMap((p) => p.files), versions: pages.flatMap((p) => p.versions ?? []) };
  const versions = versionsOf(merged, name);
  if (api) {
    for (const v of versions) {
      if (!v.yanked && api.yanked.has(v.version)) v.yanked = api.yanked.get(v.version);
      const release = api.releases?.get(v.version);
      if (release?.uploaded && !v.uploaded) v.uploaded = release.uploaded;
      if (release?.files.length && !v.files) v.files = release.files;
    }
  }
  const latest = versions.find((v) => !v.prerelease && !v.yanked)?.version ?? api?.latest;
  return {
    name: api?.name ?? pages.find((p) => p.name)?.name ?? name,
    versions,
    latest,
    summary: api?.summary,
    extras: api?.extras ?? [],
    projectUrl: api?.projectUrl,
    ...(api?.licence ? { licence: api.licence } : {}),
  };
}

/** The newest final, unyanked file whose METADATA the index serves (PEP 658), for indexes without a JSON API. */
export function metadataFile(pages: ProjectPage[], name: string): IndexFile | undefined {
  const latest = versionsOf({ files: pages.flatMap((p) => p.files) }, name).find((v) => !v.prerelease && !v.yanked)?.version;
  if (!latest) return undefined;
  return pages.flatMap((p) => p.files).find((f) => f.hasMetadata && versionOfFile(f.filename, name) === latest);
}

/** Core metadata (PEP 658's `.metadata`) as the facts the JSON API would give. */
export function factsFromMetadata(meta: {
  name?: string;
  version?: string;
  summary?: string;
  requiresDist: string[];
  providesExtras: string[];
  requiresPython?: string;
}): JsonApiFacts {
  return {
    name: meta.name,
    summary: meta.summary,
    latest: meta.version,
    requiresDist: meta.requiresDist,
    extras: meta.providesExtras,
    requiresPython: meta.requiresPython,
    yanked: new Map(),
  };
}
