// PEP 508 marker evaluation with an environment's values (packaging 24.1's rules), and what `pip check` would say.

import { satisfies, valid } from '@renovatebot/pep440';
import { versionSatisfies } from '../shared/pep440.js';
import * as os from 'node:os';
import { normalizeName } from '../syntax/names.js';
import { parse } from '../syntax/parse.js';
import type { MarkerExpression, MarkerOperand } from '../syntax/types.js';
import type { EnvironmentSnapshot } from './venv.js';

export type MarkerEnvironment = Record<string, string>;

const PLATFORM: Record<string, [string, string, string]> = {
  linux: ['linux', 'Linux', 'posix'],
  win32: ['win32', 'Windows', 'nt'],
  darwin: ['darwin', 'Darwin', 'posix'],
  freebsd: ['freebsd', 'FreeBSD', 'posix'],
};

/** The environment's Python from pyvenv.cfg; the platform from this host (the server runs where the venv is). */
export function markerEnvironment(pythonVersion: string | undefined): MarkerEnvironment {
  const [sysPlatform, system, osName] = PLATFORM[process.platform] ?? [process.platform, process.platform, 'posix'];
  const full = pythonVersion ?? '3';
  const env: MarkerEnvironment = {
    python_full_version: full,
    python_version: full.split('.').slice(0, 2).join('.'),
    os_name: osName,
    sys_platform: sysPlatform,
    platform_system: system,
    platform_machine:
      process.arch === 'x64'
        ? process.platform === 'win32'
          ? 'AMD64'
          : 'x86_64'
        : process.arch === 'arm64'
          ? process.platform === 'linux'
            ? 'aarch64'
            : 'arm64'
          : process.arch,
    platform_release: os.release(),
    platform_version: os.version(),
    platform_python_implementation: 'CPython',
    implementation_name: 'cpython',
    implementation_version: full,
  };
  return env;
}

const VERSION_OPS = new Set(['<', '<=', '>', '>=', '==', '!=', '~=']);

function value(o: MarkerOperand, env: MarkerEnvironment): string | undefined {
  return o.type === 'string' ? o.value : env[o.name];
}

/** true/false, or undefined when it cannot be told (a half-typed marker, or an order comparison of non-versions). */
export function evaluateMarker(e: MarkerExpression, env: MarkerEnvironment, extras: string[]): boolean | undefined {
  if (e.type === 'and' || e.type === 'or') {
    // `a and b and c …` is a left-deep tree as long as the chain (pip accepts thousands of terms): walk its
    // left spine in a loop; only parentheses, which the parser bounds, recurse.
    const spine: Extract<MarkerExpression, { type: 'and' | 'or' }>[] = [];
    let first: MarkerExpression = e;
    while (first.type === 'and' || first.type === 'or') {
      spine.push(first);
      first = first.left;
    }
    let l = evaluateMarker(first, env, extras);
    for (let i = spine.length - 1; i >= 0; i--) {
      const r = evaluateMarker(spine[i].right, env, extras);
      if (spine[i].type === 'and') l = l === false || r === false ? false : l === undefined || r === undefined ? undefined : true;
      else l = l === true || r === true ? true : l === undefined || r === undefined ? undefined : false;
    }
    return l;
  }
  const c = e as Extract<MarkerExpression, { type: 'compare' }>;
  if (!c.left || !c.op || !c.right) return undefined;
  const left = c.left;
  const right = c.right;
  const op = c.op.text.replace(/\s+/g, ' ');
  // `extra` compares normalized names against each requested extra.
  if ((left.type === 'variable' && left.name === 'extra') || (right.type === 'variable' && right.name === 'extra')) {
    const other = left.type === 'variable' && left.name === 'extra' ? right : left;
    if (other.type !== 'string') return undefined;
    const wanted = normalizeName(other.value);
    const hit = extras.some((x) => normalizeName(x) === wanted);
    return op === '==' ? hit : op === '!=' ? !hit : undefined;
  }
  const lhs = value(left, env);
  const rhs = value(right, env);
  if (lhs === undefined || rhs === undefined) return undefined;
  if (op === 'in') return rhs.includes(lhs);
  if (op === 'not in') return !rhs.includes(lhs);
  if (op === '===') return lhs === rhs;
  if (VERSION_OPS.has(op) && valid(lhs) && (valid(rhs) || ((op === '==' || op === '!=') && valid(rhs.replace(/\.\*$/, ''))))) {
    try {
      return satisfies(lhs, `${op}${rhs}`, { prereleases: true });
    } catch {
      return undefined;
    }
  }
  if (op === '==') return lhs === rhs;
  if (op === '!=') return lhs !== rhs;
  return undefined; // packaging raises on ordering non-versions
}

export interface ParsedDependency {
  name: string;
  normalized: string;
  extras: string[];
  specifier: string;
  marker?: MarkerExpression;
}

const dependencyCache = new Map<string, ParsedDependency | undefined>();

/** A Requires-Dist value, read with the project's own parser. */
export function parseRequiresDist(text: string): ParsedDependency | undefined {
  if (dependencyCache.has(text)) return dependencyCache.get(text);
  const r = parse(text).lines[0]?.requirement;
  const dep = r?.name
    ? {
        name: r.name.text,
        normalized: r.name.normalized,
        extras: r.extras?.items.map((x) => x.text) ?? [],
        specifier: (r.specifier?.clauses ?? []).map((c) => `${c.operator.text}${c.version?.text ?? ''}`).join(','),
        marker: r.marker?.expression,
      }
    : undefined;
  if (dependencyCache.size > 20000) dependencyCache.clear();
  dependencyCache.set(text, dep);
  return dep;
}

export interface BrokenRequirement {
  dist: string;
  requirement: string;
  dependency: string;
  problem: 'missing' | 'version';
  installedVersion?: string;
}

/** What `pip check` reports: installed distributions whose Requires-Dist (markers true, no extras) are not met. */
export function checkInstalled(snapshot: EnvironmentSnapshot, env: MarkerEnvironment): BrokenRequirement[] {
  const out: BrokenRequirement[] = [];
  for (const dist of snapshot.distributions.values()) {
    for (const text of dist.metadata().requiresDist) {
      const dep = parseRequiresDist(text);
      if (!dep) continue;
      if (dep.marker && evaluateMarker(dep.marker, env, []) !== true) continue;
      const installed = snapshot.distributions.get(dep.normalized);
      if (!installed) out.push({ dist: dist.name, requirement: text.split(';')[0].trim(), dependency: dep.normalized, problem: 'missing' });
      else if (dep.specifier && !versionSatisfies(installed.version, dep.specifier)) {
        out.push({
          dist: dist.name,
          requirement: text.split(';')[0].trim(),
          dependency: dep.normalized,
          problem: 'version',
          installedVersion: installed.version,
        });
      }
    }
  }
  return out.sort((a, b) => a.dist.localeCompare(b.dist));
}
