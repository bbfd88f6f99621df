// Finding the active virtual environment and reading what is installed in it, from disk only (never running Python).

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeName } from '../syntax/names.js';
import { parseMetadata } from '../shared/coreMetadata.js';
import { readdir, readText, realpath, runAsync, runSync, stat, type Steps } from './fsSteps.js';

export { parseMetadata };

export type EnvironmentSource = 'setting' | 'VIRTUAL_ENV' | 'CONDA_PREFIX' | 'nearby';

export interface FoundEnvironment {
  root: string;
  source: EnvironmentSource;
}

const NEARBY_NAMES = ['.venv', 'venv', 'env', '.env'];

function* isDir(p: string): Steps<boolean> {
  return (yield* stat(p))?.directory ?? false;
}

function* isFile(p: string): Steps<boolean> {
  return (yield* stat(p))?.file ?? false;
}

function* rootFromSettingSteps(setting: string): Steps<string> {
  const resolved = path.resolve(setting);
  if (yield* isFile(resolved)) {
    const binDir = path.dirname(resolved);
    return /^(bin|Scripts)$/i.test(path.basename(binDir)) ? path.dirname(binDir) : binDir;
  }
  return resolved;
}

/** A setting may name the environment or its interpreter (`…/bin/python3`, `…\\Scripts\\python.exe`). */
export function rootFromSetting(setting: string): string {
  return runSync(rootFromSettingSteps(setting));
}

export interface DiscoveryOptions {
  setting?: string;
  env: Record<string, string | undefined>;
  file: string;
  workspaceRoots: string[];
}

function* discoverSteps(options: DiscoveryOptions): Steps<FoundEnvironment | undefined> {
  if (options.setting) return { root: yield* rootFromSettingSteps(options.setting), source: 'setting' };
  if (options.env.VIRTUAL_ENV) return { root: path.resolve(options.env.VIRTUAL_ENV), source: 'VIRTUAL_ENV' };
  if (options.env.CONDA_PREFIX) return { root: path.resolve(options.env.CONDA_PREFIX), source: 'CONDA_PREFIX' };
  const stop = options.workspaceRoots.map((r) => path.resolve(r)).find((r) => options.file.startsWith(r + path.sep));
  let dir = path.dirname(path.resolve(options.file));
  for (;;) {
    for (const name of NEARBY_NAMES) {
      const candidate = path.join(dir, name);
      if (yield* isFile(path.join(candidate, 'pyvenv.cfg'))) return { root: candidate, source: 'nearby' };
    }
    if (dir === stop) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * First match wins: the client's setting; VIRTUAL_ENV, then CONDA_PREFIX; a folder named .venv, venv,
 * env or .env holding a pyvenv.cfg, beside the file or in a parent up to the workspace root (never above
 * it; with no workspace root, up to the file system root).
 */
export function discoverEnvironment(options: DiscoveryOptions): FoundEnvironment | undefined {
  return runSync(discoverSteps(options));
}

/** The same discovery, off the event loop's back (the server). */
export function discoverEnvironmentAsync(options: DiscoveryOptions): Promise<FoundEnvironment | undefined> {
  return runAsync(discoverSteps(options));
}

export type { DistributionMetadata } from '../shared/coreMetadata.js';
import type { DistributionMetadata } from '../shared/coreMetadata.js';

export interface InstalledDistribution {
  name: string;
  normalized: string;
  version: string;
  location: string;
  kind: 'dist-info' | 'egg-info';
  editable: boolean;
  /** Where pip installed it from (direct_url.json's `url`), for local folders, archives and VCS checkouts. */
  directUrl?: string;
  /** direct_url.json's `vcs_info`, for `pip freeze`'s `-e git+URL@commit#egg=name` lines. */
  vcs?: { vcs: string; commit?: string };
  metadata(): DistributionMetadata;
}

export interface EnvironmentSnapshot {
  root: string;
  source: EnvironmentSource;
  pythonVersion?: string;
  sitePackages: string[];
  distributions: Map<string, InstalledDistribution>;
  /**
   * Projects installed from a local folder (editables, `pip install ./pkg`, and the legacy `setup.py develop`
   * ones, whose `.egg-link` names the folder): each folder, as recorded and as its real path, to the
   * normalized name. Resolved during the scan, off the request path.
   */
  localProjects: Map<string, string>;
  warnings: string[];
}

/** `key = value` lines of pyvenv.cfg. */
function* readPyvenvCfg(root: string): Steps<Record<string, string> | undefined> {
  const text = yield* readText(path.join(root, 'pyvenv.cfg'));
  if (typeof text !== 'string') return undefined;
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  }
  return out;
}

function* sitePackagesOf(prefix: string): Steps<string[]> {
  const out: string[] = [];
  for (const lib of ['lib', 'lib64']) {
    const libDir = path.join(prefix, lib);
    const entries = yield* readdir(libDir);
    if (entries instanceof Error) continue;
    for (const e of entries.sort()) {
      if (/^python\d+(\.\d+)?t?$/.test(e) && (yield* isDir(path.join(libDir, e, 'site-packages')))) out.push(path.join(libDir, e, 'site-packages'));
    }
  }
  if (yield* isDir(path.join(prefix, 'Lib', 'site-packages'))) out.push(path.join(prefix, 'Lib', 'site-packages'));
  // lib64 is often a symlink to lib: count each folder once.
  const byReal = new Map<string, string>();
  for (const p of out) byReal.set((yield* realpath(p)) ?? p, p);
  return [...byReal.values()];
}

interface CachedEntry {
  mtimeMs: number;
  dist?: InstalledDistribution;
}

/** Metadata read before, by folder path and modification time, so a re-scan reads only what changed. */
const entryCache = new Map<string, CachedEntry>();

function* readEntry(site: string, entry: string, warnings: string[]): Steps<InstalledDistribution | undefined> {
  const full = path.join(site, entry);
  const stats = yield* stat(full);
  if (!stats) return undefined;
  const cached = entryCache.get(full);
  if (cached && cached.mtimeMs === stats.mtimeMs) return cached.dist;
  const kind = entry.endsWith('.dist-info') ? 'dist-info' : 'egg-info';
  const metaFile = stats.directory ? path.join(full, kind === 'dist-info' ? 'METADATA' : 'PKG-INFO') : full;
  let headers: ReturnType<typeof parseMetadata> | undefined;
  const text = yield* readText(metaFile);
  if (typeof text === 'string') headers = parseMetadata(text);
  else warnings.push(`Skipped ${full}: cannot read its metadata (${text.message})`);
  // The folder name gives name and version when the headers do not (e.g. a truncated METADATA).
  const m = /^(.+?)-([^-]+?)(?:-py\d.*)?\.(dist-info|egg-info)$/.exec(entry);
  const name = headers?.name ?? m?.[1];
  const version = headers?.version ?? m?.[2];
  let dist: InstalledDistribution | undefined;
  if (!name || !version) {
    warnings.push(`Skipped ${full}: no Name/Version in its metadata`);
  } else {
    let editable = false;
    let directUrl: string | undefined;
    let vcs: InstalledDistribution['vcs'];
    // Most distributions have no direct_url.json.
    const directText = stats.directory ? yield* readText(path.join(full, 'direct_url.json')) : undefined;
    try {
      if (typeof directText === 'string') {
        const direct = JSON.parse(directText) as { url?: unknown; dir_info?: { editable?: boolean }; vcs_info?: { vcs?: unknown; commit_id?: unknown } };
        editable = !!direct.dir_info?.editable;
        if (typeof direct.url === 'string') directUrl = direct.url;
        if (typeof direct.vcs_info?.vcs === 'string')
          vcs = { vcs: direct.vcs_info.vcs, commit: typeof direct.vcs_info.commit_id === 'string' ? direct.vcs_info.commit_id : undefined };
      }
    } catch {
      /* a broken direct_url.json says nothing */
    }
    const meta: DistributionMetadata = headers ?? { requiresDist: [], providesExtras: [] };
    dist = { name, normalized: normalizeName(name), version, location: full, kind, editable, directUrl, vcs, metadata: () => meta };
  }
  entryCache.set(full, { mtimeMs: stats.mtimeMs, dist });
  return dist;
}

function* readEnvironmentSteps(found: FoundEnvironment): Steps<EnvironmentSnapshot> {
  const warnings: string[] = [];
  const cfg = yield* readPyvenvCfg(found.root);
  if (!cfg) warnings.push(`${found.root} has no pyvenv.cfg; reading its site-packages anyway`);
  const sitePackages = yield* sitePackagesOf(found.root);
  const rawVersion = cfg?.version_info ?? cfg?.version ?? /python(\d+\.\d+)/.exec(sitePackages[0] ?? '')?.[1];
  const pythonVersion = rawVersion ? /^\d+\.\d+(?:\.\d+)?/.exec(rawVersion)?.[0] : undefined;
  if (cfg?.['include-system-site-packages'] === 'true' && cfg.home) {
    // The base interpreter's packages count too, behind the environment's own.
    for (const base of yield* sitePackagesOf(path.dirname(path.resolve(cfg.home)))) if (!sitePackages.includes(base)) sitePackages.push(base);
  }
  const distributions = new Map<string, InstalledDistribution>();
  const local: [string, string][] = []; // folder installed from, normalized name
  for (const site of sitePackages) {
    const entries = yield* readdir(site);
    if (entries instanceof Error) {
      warnings.push(`Cannot list ${site}: ${entries.message}`);
      continue;
    }
    for (const entry of entries) {
      if (entry.endsWith('.egg-link')) {
        const target = yield* readEggLink(path.join(site, entry));
        if (target) local.push([target, normalizeName(entry.slice(0, -'.egg-link'.length))]);
        continue;
      }
      if (!entry.endsWith('.dist-info') && !entry.endsWith('.egg-info')) continue;
      const dist = yield* readEntry(site, entry, warnings);
      if (dist && !distributions.has(dist.normalized)) distributions.set(dist.normalized, dist);
    }
  }
  const localProjects = new Map<string, string>();
  for (const d of distributions.values()) {
    const folder = d.directUrl?.startsWith('file:') ? folderOfFileUrl(d.directUrl) : undefined;
    if (folder) local.push([folder, d.normalized]);
  }
  for (const [folder, name] of local) {
    const recorded = trimSeparator(folder);
    localProjects.set(recorded, name);
    localProjects.set(trimSeparator((yield* realpath(recorded)) ?? recorded), name);
  }
  return { root: found.root, source: found.source, pythonVersion, sitePackages, distributions, localProjects, warnings };
}

export function trimSeparator(p: string): string {
  return p.length > 1 ? p.replace(/[\\/]+$/, '') : p;
}

function folderOfFileUrl(url: string): string | undefined {
  try {
    return path.resolve(fileURLToPath(url));
  } catch {
    return undefined;
  }
}

/** Reads an environment's installed distributions; a bad entry is skipped with a warning, never thrown. */
export function readEnvironment(found: FoundEnvironment): EnvironmentSnapshot {
  return runSync(readEnvironmentSteps(found));
}

/** The same scan, off the event loop's back (the server). */
export function readEnvironmentAsync(found: FoundEnvironment): Promise<EnvironmentSnapshot> {
  return runAsync(readEnvironmentSteps(found));
}

/** The project folder an `.egg-link` names on its first line (relative to site-packages when not absolute). */
function* readEggLink(file: string): Steps<string | undefined> {
  const text = yield* readText(file);
  const first = typeof text === 'string' ? text.split(/\r?\n/)[0].trim() : '';
  return first ? path.resolve(path.dirname(file), first) : undefined;
}
