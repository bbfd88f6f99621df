// The dependency arrays of a pyproject.toml, each requirement with the place it is written: values from
// smol-toml (a small, maintained TOML parser), places from a scan of the same text (TOML parsers give none).

import { parse as parseToml } from 'smol-toml';
import { parse } from '../syntax/parse.js';
import { positionAt } from '../syntax/query.js';
import { scanToml, type Literal } from '../syntax/toml.js';
import type { Range } from '../syntax/types.js';

export { scanToml };

export interface PyprojectDependency {
  /** The requirement string as the array holds it. */
  value: string;
  /** PEP 503-normalized name; undefined when the string does not start with one. */
  name?: string;
  /** The name as written. */
  written?: string;
  specifier?: string;
  marker?: string;
  /** The string literal, quotes included; undefined when the scan could not place it. */
  range?: Range;
  /** The name inside the literal, when the literal has no escapes before it. */
  nameRange?: Range;
}

/** `[dependency-groups]` entries: a requirement or `{ include-group = "other" }`. */
export type GroupEntry = PyprojectDependency | { includeGroup: string };

export interface Pyproject {
  /** `[project] name`. */
  name?: string;
  dependencies: PyprojectDependency[];
  optionalDependencies: Map<string, PyprojectDependency[]>;
  dependencyGroups: Map<string, GroupEntry[]>;
  buildRequires: PyprojectDependency[];
  buildBackend?: { value: string; range?: Range };
  /** `[tool.uv] constraint-dependencies` / `override-dependencies`: uv's `-c (workspace)`, `--override (workspace)`. */
  uvConstraints: PyprojectDependency[];
  uvOverrides: PyprojectDependency[];
  /** Poetry's `[tool.poetry.dependencies]`, `dev-dependencies` and `[tool.poetry.group.<g>.dependencies]` (not python). */
  poetryDependencies: PyprojectDependency[];
  /** Where each table or key starts, by dotted path (`project`, `project.dependencies`, `dependency-groups.dev`). */
  places: Map<string, Range>;
  /** The TOML error when the text does not parse; the arrays then come from the scan alone. */
  error?: string;
}

/** Reads a pyproject.toml text; never throws. */
export function readPyproject(text: string): Pyproject {
  const scan = scanToml(text);
  const at = offsetToPosition(text);
  let data: Record<string, unknown> | undefined;
  let error: string | undefined;
  try {
    data = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    error = e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
  const used = new Set<Literal>();
  const place = (path: string, value: string): Literal | undefined => {
    const own = scan.arrays.get(path)?.find((l) => !used.has(l) && l.value === value);
    const hit = own ?? [...scan.arrays.values()].flat().find((l) => !used.has(l) && l.value === value);
    if (hit) used.add(hit);
    return hit;
  };
  const deps = (path: string, values: unknown): PyprojectDependency[] => {
    const list = data ? (Array.isArray(values) ? values : []) : (scan.arrays.get(path) ?? []).map((l) => l.value);
    return list.filter((v): v is string => typeof v === 'string').map((v) => dependency(v, place(path, v), at));
  };
  // By keys, not a dotted string: a key may hold dots (`optional-dependencies."FrIeNdLy-._.-bArD"`).
  const get = (path: string | string[]): unknown => {
    let node: unknown = data;
    for (const key of typeof path === 'string' ? path.split('.') : path)
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    return node;
  };
  const keysUnder = (path: string): string[] => {
    if (data) {
      const node = get(path);
      return node && typeof node === 'object' && !Array.isArray(node) ? Object.keys(node) : [];
    }
    const prefix = `${path}.`;
    return [...new Set([...scan.arrays.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length).split('.')[0]))];
  };

  const optionalDependencies = new Map<string, PyprojectDependency[]>();
  for (const extra of keysUnder('project.optional-dependencies'))
    optionalDependencies.set(extra, deps(`project.optional-dependencies.${extra}`, get(['project', 'optional-dependencies', extra])));
  const dependencyGroups = new Map<string, GroupEntry[]>();
  for (const group of keysUnder('dependency-groups')) {
    const path = `dependency-groups.${group}`;
    const values = data ? get(['dependency-groups', group]) : (scan.arrays.get(path) ?? []).map((l) => l.value);
    const entries: GroupEntry[] = [];
    for (const v of Array.isArray(values) ? values : []) {
      if (typeof v === 'string') entries.push(dependency(v, place(path, v), at));
      else if (v && typeof v === 'object' && typeof (v as Record<string, unknown>)['include-group'] === 'string')
        entries.push({ includeGroup: (v as Record<string, string>)['include-group'] });
    }
    if (!data) for (const [k, lit] of scan.strings) if (k.startsWith(`${path}.`) && k.endsWith('.include-group')) entries.push({ includeGroup: lit.value });
    dependencyGroups.set(group, entries);
  }
  const scalar = (path: string) => {
    const value = data ? get(path) : scan.strings.get(path)?.value;
    if (typeof value !== 'string') return undefined;
    const lit = scan.strings.get(path);
    return { value, range: lit ? { start: at(lit.start), end: at(lit.end) } : undefined };
  };
  const places = new Map<string, Range>();
  for (const [k, offset] of scan.places) places.set(k, { start: at(offset), end: at(offset) });
  // Poetry names a dependency by its key (`anyio = "^3"`, `pytest = { version = "*" }`): the place is the key's.
  const poetry = (path: string[]): PyprojectDependency[] =>
    keysUnder(path.join('.'))
      .filter((key) => key.toLowerCase() !== 'python')
      .map((key) => {
        const place = places.get([...path, key].join('.'));
        const range = place && { start: place.start, end: { line: place.start.line, character: place.start.character + key.length } };
        return { value: key, name: normalizeGroup(key), written: key, range, nameRange: range };
      });
  const poetryDependencies = [...poetry(['tool', 'poetry', 'dependencies']), ...poetry(['tool', 'poetry', 'dev-dependencies'])];
  for (const group of keysUnder('tool.poetry.group')) poetryDependencies.push(...poetry(['tool', 'poetry', 'group', group, 'dependencies']));
  return {
    name: scalar('project.name')?.value,
    dependencies: deps('project.dependencies', get('project.dependencies')),
    optionalDependencies,
    dependencyGroups,
    buildRequires: deps('build-system.requires', get('build-system.requires')),
    buildBackend: scalar('build-system.build-backend'),
    uvConstraints: deps('tool.uv.constraint-dependencies', get('tool.uv.constraint-dependencies')),
    uvOverrides: deps('tool.uv.override-dependencies', get('tool.uv.override-dependencies')),
    poetryDependencies,
    places,
    error,
  };
}

/** The requirements of a dependency group, with the groups it includes (cycles cut). */
export function groupDependencies(py: Pyproject, group: string, seen = new Set<string>()): PyprojectDependency[] {
  const key = normalizeGroup(group);
  const name = [...py.dependencyGroups.keys()].find((g) => normalizeGroup(g) === key);
  if (name === undefined || seen.has(key)) return [];
  seen.add(key);
  return py.dependencyGroups.get(name)!.flatMap((e) => ('includeGroup' in e ? groupDependencies(py, e.includeGroup, seen) : [e]));
}

/** Extras and group names compare in normalized form (PEP 685, PEP 735). */
export const normalizeGroup = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

function dependency(value: string, lit: Literal | undefined, at: (offset: number) => Range['start']): PyprojectDependency {
  const r = parse(value).lines.find((l) => l.requirement)?.requirement;
  const out: PyprojectDependency = { value, name: r?.name?.normalized, written: r?.name?.text, specifier: r?.specifier?.text, marker: r?.marker?.text.trim() };
  if (lit) {
    out.range = { start: at(lit.start), end: at(lit.end) };
    // The name's place inside the literal, when the literal holds the text as written.
    if (lit.raw && r?.name) {
      const start = lit.start + quoteLength(lit) + r.name.range.start.character;
      out.nameRange = { start: at(start), end: at(start + r.name.text.length) };
    }
  }
  return out;
}

/** Opening quote length of a literal whose text is raw: 1, or 3 for a multi-line string. */
const quoteLength = (lit: Literal) => (lit.end - lit.start - lit.value.length) / 2;

function offsetToPosition(text: string): (offset: number) => Range['start'] {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  return (offset) => positionAt({ lineStarts, text }, offset);
}
