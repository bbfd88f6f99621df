// pip's installation report (`pip install --dry-run --report`, pip >= 22.2) read into resolved pins and who needs each.

import { evaluateMarker, parseRequiresDist, type MarkerEnvironment } from '../environment/markers.js';
import { normalizeName } from '../syntax/names.js';

export interface ResolvedPin {
  name: string;
  normalized: string;
  version: string;
  requested: boolean;
  /** `name @ url` for direct references (URLs, paths, VCS), as pip-compile writes them. */
  directUrl?: string;
  editable?: boolean;
  /** `sha256:…` of the file pip chose. */
  hashes: string[];
  requiresDist: string[];
  requestedExtras: string[];
}

export interface Resolution {
  pins: Map<string, ResolvedPin>;
  environment: MarkerEnvironment;
  pipVersion?: string;
  /** Normalized name → the normalized names of the pins that depend on it (markers and extras evaluated). */
  requiredBy: Map<string, Set<string>>;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function directUrlOf(item: Json): { url?: string; editable?: boolean } {
  if (item.is_direct !== true || !isObject(item.download_info)) return {};
  const info = item.download_info;
  let url = typeof info.url === 'string' ? info.url : undefined;
  if (!url) return {};
  if (isObject(info.vcs_info) && typeof info.vcs_info.vcs === 'string') {
    const commit = typeof info.vcs_info.commit_id === 'string' ? `@${info.vcs_info.commit_id}` : '';
    url = `${info.vcs_info.vcs}+${url}${commit}`;
  }
  if (typeof info.subdirectory === 'string') url += `#subdirectory=${info.subdirectory}`;
  return { url, editable: isObject(info.dir_info) && info.dir_info.editable === true };
}

/** Reads the report; undefined when it is not one (a pip that wrote something else). */
export function readReport(text: string): Resolution | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(data) || !Array.isArray(data.install)) return undefined;
  const environment: MarkerEnvironment = {};
  if (isObject(data.environment)) for (const [k, v] of Object.entries(data.environment)) if (typeof v === 'string') environment[k] = v;
  const pins = new Map<string, ResolvedPin>();
  for (const item of data.install) {
    if (!isObject(item) || !isObject(item.metadata)) continue;
    const meta = item.metadata;
    if (typeof meta.name !== 'string' || typeof meta.version !== 'string') continue;
    const info = isObject(item.download_info) ? item.download_info : {};
    const archive = isObject(info.archive_info) ? info.archive_info : {};
    const hashes = isObject(archive.hashes)
      ? Object.entries(archive.hashes)
          .filter(([alg, v]) => alg === 'sha256' && typeof v === 'string')
          .map(([alg, v]) => `${alg}:${v as string}`)
      : typeof archive.hash === 'string' && archive.hash.startsWith('sha256=')
        ? [`sha256:${archive.hash.slice(7)}`]
        : [];
    const direct = directUrlOf(item);
    pins.set(normalizeName(meta.name), {
      name: meta.name,
      normalized: normalizeName(meta.name),
      version: meta.version,
      requested: item.requested === true,
      directUrl: direct.url,
      editable: direct.editable,
      hashes,
      requiresDist: strings(meta.requires_dist),
      requestedExtras: strings(item.requested_extras).map(normalizeName),
    });
  }
  return { pins, environment, pipVersion: typeof data.pip_version === 'string' ? data.pip_version : undefined, requiredBy: dependencyEdges(pins, environment) };
}

/**
 * Who needs whom among the resolved pins. Extras spread: `alpha` requiring `gamma[fast]` makes gamma's
 * `extra == "fast"` dependencies count, so edges are computed to a fixed point.
 */
export function dependencyEdges(
  pins: Map<string, ResolvedPin>,
  environment: MarkerEnvironment,
  extraRequests: Map<string, string[]> = new Map(),
): Map<string, Set<string>> {
  const extras = new Map<string, Set<string>>();
  for (const pin of pins.values()) extras.set(pin.normalized, new Set([...pin.requestedExtras, ...(extraRequests.get(pin.normalized) ?? [])]));
  const requiredBy = new Map<string, Set<string>>();
  for (let changed = true, rounds = 0; changed && rounds < 50; rounds++) {
    changed = false;
    for (const pin of pins.values()) {
      const active = [...extras.get(pin.normalized)!];
      for (const text of pin.requiresDist) {
        const dep = parseRequiresDist(text);
        if (!dep || dep.normalized === pin.normalized || !pins.has(dep.normalized)) continue;
        if (dep.marker && evaluateMarker(dep.marker, environment, active) !== true) continue;
        const by = requiredBy.get(dep.normalized) ?? new Set<string>();
        if (!by.has(pin.normalized)) {
          by.add(pin.normalized);
          requiredBy.set(dep.normalized, by);
          changed = true;
        }
        const depExtras = extras.get(dep.normalized)!;
        for (const e of dep.extras.map(normalizeName)) {
          if (!depExtras.has(e)) {
            depExtras.add(e);
            changed = true;
          }
        }
      }
    }
  }
  return requiredBy;
}
