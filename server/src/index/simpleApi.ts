// Reading index responses: PEP 691 JSON and PEP 503 HTML project pages, and the `/pypi/<name>/json` API.

import { rcompare, valid, explain } from '@renovatebot/pep440';
import { normalizeName } from '../syntax/names.js';
import type { ProjectFact, VersionFact } from '../service/facts.js';

export interface IndexFile {
  filename: string;
  url: string;
  hashes: Record<string, string>;
  requiresPython?: string;
  yanked?: string | boolean;
  /** PEP 658/714: the index serves the file's METADATA at `url + '.metadata'`. */
  hasMetadata?: boolean;
}

export interface ProjectPage {
  name?: string;
  files: IndexFile[];
  /** PEP 700 `versions`, when the index lists them. */
  versions?: string[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+|#39);/gi, (whole, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[e.toLowerCase()] ?? whole;
  });
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
    if (typeof o.filename !== 'string' || typeof o.url !== 'string') continue;
    files.push({
      filename: o.filename,
      url: absolute(o.url, base),
      hashes: o.hashes && typeof o.hashes === 'object' ? (o.hashes as Record<string, string>) : {},
      requiresPython: typeof o['requires-python'] === 'string' ? (o['requires-python'] as string) : undefined,
      yanked: typeof o.yanked === 'string' || typeof o.yanked === 'boolean' ? (o.yanked as string | boolean) : undefined,
      hasMetadata: !!(o['core-metadata'] ?? o['dist-info-metadata']),
    });
  }
  const versions = Array.isArray(d.versions) ? d.versions.filter((v): v is string => typeof v === 'string') : undefined;
  return { name: typeof d.name === 'string' ? d.name : undefined, files, versions };
}

const ANCHOR = /<a\s([^>]*)>([^<]*)<\/a\s*>/gi;
const ATTRIBUTE = /([a-z-]+)\s*=\s*("([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;

/** PEP 503 project page: one anchor a file; tolerant of whatever else the page holds. */
export function parseProjectHtml(body: string, base: string): ProjectPage {
  const files: IndexFile[] = [];
  for (const m of body.matchAll(ANCHOR)) {
    const attrs: Record<string, string> = {};
    for (const a of m[1].matchAll(ATTRIBUTE)) attrs[a[1].toLowerCase()] = decodeEntities(a[3] ?? a[4] ?? a[5] ?? '');
    if (!attrs.href) continue;
    const url = absolute(attrs.href, base);
    const hashAt = url.indexOf('#');
    const hashes: Record<string, string> = {};
    if (hashAt !== -1) {
      const [algo, digest] = url.slice(hashAt + 1).split('=');
      if (algo && digest) hashes[algo] = digest;
    }
    const filename = decodeEntities(m[2]).trim() || decodeURIComponent(url.slice(0, hashAt === -1 ? undefined : hashAt).split('/').pop() ?? '');
    files.push({
      filename,
      url: hashAt === -1 ? url : url.slice(0, hashAt),
      hashes,
      requiresPython: attrs['data-requires-python'] || undefined,
      yanked: 'data-yanked' in attrs ? attrs['data-yanked'] || true : undefined,
      hasMetadata: ('data-core-metadata' in attrs && attrs['data-core-metadata'] !== 'false') || ('data-dist-info-metadata' in attrs && attrs['data-dist-info-metadata'] !== 'false'),
    });
  }
  return { files };
}

/** A root page's project names (PEP 691 `projects[].name`, or PEP 503 anchors). */
export function parseProjectList(body: string, contentType: string): string[] {
  if (contentType.includes('json')) {
    try {
      const data = JSON.parse(body) as { projects?: { name?: unknown }[] };
      return (data.projects ?? []).map((p) => p.name).filter((n): n is string => typeof n === 'string');
    } catch {
      return [];
    }
  }
  return [...body.matchAll(ANCHOR)].map((m) => decodeEntities(m[2]).trim()).filter(Boolean);
}

/** The version in a wheel or sdist file name of project `name`. */
export function versionOfFile(filename: string, name: string): string | undefined {
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
  const e = explain(v);
  return !!e && (e.is_prerelease || e.is_devrelease);
}

/** Versions newest first (PEP 440 order); a version is yanked when all its files are (PEP 592). */
export function versionsOf(page: ProjectPage, name: string): VersionFact[] {
  const byVersion = new Map<string, IndexFile[]>();
  for (const f of page.files) {
    const v = versionOfFile(f.filename, name);
    if (!v || !valid(v)) continue;
    const list = byVersion.get(v) ?? [];
    list.push(f);
    byVersion.set(v, list);
  }
  for (const v of page.versions ?? []) if (valid(v) && !byVersion.has(v)) byVersion.set(v, []);
  const out: VersionFact[] = [];
  for (const [version, files] of byVersion) {
    const yanked = files.length > 0 && files.every((f) => f.yanked) ? (files.find((f) => typeof f.yanked === 'string')?.yanked ?? true) : undefined;
    // Every file's sha256, as pip-compile --generate-hashes lists them (any of them may be the one pip picks).
    const pool = files.some((f) => !f.yanked) ? files.filter((f) => !f.yanked) : files;
    const hashes = pool.filter((f) => f.hashes.sha256).map((f) => `sha256:${f.hashes.sha256}`);
    out.push({ version, prerelease: isPrerelease(version), yanked, requiresPython: files.find((f) => f.requiresPython)?.requiresPython, ...(hashes.length ? { hashes: hashes.sort() } : {}) });
  }
  return out.sort((a, b) => rcompare(a.version, b.version));
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
}

/** `/pypi/<name>/json`: summary, extras (Provides-Extra), project URL, per-release yanked reasons. */
export function parseJsonApi(body: string): JsonApiFacts | undefined {
  try {
    const data = JSON.parse(body) as { info?: Record<string, unknown>; releases?: Record<string, { yanked?: boolean; yanked_reason?: string | null }[]> };
    const info = data.info;
    if (!info || typeof info !== 'object') return undefined;
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    const yanked = new Map<string, string | true>();
    for (const [version, files] of Object.entries(data.releases ?? {})) {
      if (Array.isArray(files) && files.length && files.every((f) => f?.yanked)) yanked.set(version, files.find((f) => f.yanked_reason)?.yanked_reason || true);
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
    };
  } catch {
    return undefined;
  }
}

/** Combines what the simple pages and the JSON API said into one fact. */
export function projectFact(name: string, pages: ProjectPage[], api: JsonApiFacts | undefined): ProjectFact {
  const merged: ProjectPage = { files: pages.flatMap((p) => p.files), versions: pages.flatMap((p) => p.versions ?? []) };
  const versions = versionsOf(merged, name);
  if (api) for (const v of versions) if (!v.yanked && api.yanked.has(v.version)) v.yanked = api.yanked.get(v.version);
  const latest = versions.find((v) => !v.prerelease && !v.yanked)?.version ?? api?.latest;
  return { name: api?.name ?? pages.find((p) => p.name)?.name ?? name, versions, latest, summary: api?.summary, extras: api?.extras ?? [], projectUrl: api?.projectUrl };
}

/** The newest final, unyanked file whose METADATA the index serves (PEP 658), for indexes without a JSON API. */
export function metadataFile(pages: ProjectPage[], name: string): IndexFile | undefined {
  const latest = versionsOf({ files: pages.flatMap((p) => p.files) }, name).find((v) => !v.prerelease && !v.yanked)?.version;
  if (!latest) return undefined;
  return pages.flatMap((p) => p.files).find((f) => f.hasMetadata && versionOfFile(f.filename, name) === latest);
}

/** Core metadata (PEP 658's `.metadata`) as the facts the JSON API would give. */
export function factsFromMetadata(meta: { name?: string; version?: string; summary?: string; requiresDist: string[]; providesExtras: string[]; requiresPython?: string }): JsonApiFacts {
  return { name: meta.name, summary: meta.summary, latest: meta.version, requiresDist: meta.requiresDist, extras: meta.providesExtras, requiresPython: meta.requiresPython, yanked: new Map() };
}
