// Where the active environment disagrees with the file: not installed, wrong version, missing extra, broken dependencies.

import * as path from 'node:path';
import { versionSatisfies } from '../shared/pep440.js';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver-types';
import { normalizeName } from '../syntax/names.js';
import { shown } from '../syntax/query.js';
import { escapeMarkdown } from './markdown.js';
import { detached } from '../syntax/detached.js';
import { placed, placeOn, type Place } from './lineShapes.js';
import { counted } from './diagnostics.js';
import type { LogicalLine, ParsedDocument, RequirementNode } from '../syntax/types.js';
import { SOURCE } from './convert.js';
import { isSettled } from './settledLines.js';
import { parseRequiresDist } from '../environment/markers.js';
import type { BrokenDependency, EnvironmentFacts } from '../shared/facts.js';
import { DiagnosticCode } from '../syntax/diagnosticCodes.js';

/** Where the file is, for its local paths (`-e .`), and whether a path exists (a missing one is reported elsewhere). */
export interface EnvironmentCheckOptions {
  folder?: string;
  exists?: (absolutePath: string) => boolean;
  /** How many diagnostics will be shown (the file's cap less those before): past it a line's problems are only counted. */
  room?: number;
}

/** The requirement as one pip argument (`name[extra]>=1`, `name @ url`); undefined for local paths. */
function installable(r: RequirementNode): string | undefined {
  if (!r.name || r.path || hasValues(r)) return undefined;
  const extras = r.extras?.items.length ? `[${r.extras.items.map((x) => x.text).join(',')}]` : '';
  if (r.url) return `${r.name.text}${extras} @ ${r.url.text}`;
  const spec = r.specifier?.clauses.length ? r.specifier.clauses.map((c) => `${c.operator.text}${c.version?.text ?? ''}`).join(',') : '';
  return `${r.name.text}${extras}${spec}`;
}

/** A requirement the file's line needs, through the environment's dependency closure, that is not met. */
interface Unmet {
  /** Display name of the installed distribution that requires it. */
  requirer: string;
  requirerKey: string;
  requirement: string;
  dependency: string;
  installedVersion?: string;
  /** Set when only the extras asked for make it a requirement. */
  extra?: string;
}

/**
 * Whether a variable's value is in the requirement: the install fixes carry it to the client (a title, a command's
 * arguments), so it gets none; pip, run by the user, expands the line itself.
 */
function hasValues(r: RequirementNode): boolean {
  return [r.name, r.url, r.path, r.specifier, r.marker, ...(r.extras?.items ?? [])].some((n) => n?.written !== undefined);
}

/** The specifier for a message: as written (`==${VERSION}`), never a variable's value. */
function shownSpec(r: RequirementNode): string {
  return r.specifier?.clauses.length ? r.specifier.clauses.map((c) => `${shown(c.operator)}${c.version ? shown(c.version) : ''}`).join(',') : '';
}

/**
 * The lines the environment may judge: requirements with a name, settled, whose marker is not false here. A name
 * or a path that a variable gives is not looked up: what the environment says of it would name the value.
 */
function activeLines(doc: ParsedDocument, env: EnvironmentFacts): { line: LogicalLine; r: RequirementNode }[] {
  const out: { line: LogicalLine; r: RequirementNode }[] = [];
  for (const line of doc.lines) {
    if (line.kind !== 'requirement') continue;
    const r = line.requirement;
    if (!r || (!r.name && !r.path) || !isSettled(line)) continue;
    // An extra, a dependency group, a build requirement: the environment need not have it.
    if (line.host && !line.host.installed) continue;
    if (r.name?.written !== undefined || r.path?.written !== undefined) continue;
    if (r.marker?.expression && env.evaluateMarker(r.marker.expression, []) === false) continue;
    out.push({ line, r });
  }
  return out;
}

/** One distribution (with some extras) expanded: what of its Requires-Dist is unmet, and what it leads to. */
interface Step {
  unmet: Omit<Unmet, 'requirerKey'>[];
  next: { normalized: string; extras: string[] }[];
}

/** Steps depend on the environment only, so they are kept per environment snapshot (a keystroke reuses them). */
const stepCache = new WeakMap<EnvironmentFacts, Map<string, Step | null>>();

function step(env: EnvironmentFacts, normalized: string, extras: string[], id: string): Step | null {
  let cache = stepCache.get(env);
  if (!cache) stepCache.set(env, (cache = new Map()));
  const hit = cache.get(id);
  if (hit !== undefined) return hit;
  const dist = env.installed(normalized);
  let result: Step | null = null;
  if (dist) {
    result = { unmet: [], next: [] };
    for (const text of env.requiresDist!(normalized) ?? []) {
      const dep = parseRequiresDist(text);
      if (!dep) continue;
      const requirement = text.split(';')[0].trim();
      let extra: string | undefined;
      if (dep.marker) {
        if (env.evaluateMarker(dep.marker, extras) !== true) continue;
        // Needed only because of an extra: say which one.
        if (extras.length && env.evaluateMarker(dep.marker, []) !== true)
          extra = extras.find((e) => env.evaluateMarker(dep.marker!, [e]) === true) ?? extras[0];
      }
      const installed = env.installed(dep.normalized);
      if (!installed) {
        result.unmet.push({ requirer: dist.name, requirement, dependency: dep.normalized, extra });
        continue;
      }
      if (dep.specifier && !versionSatisfies(installed.version, dep.specifier)) {
        result.unmet.push({ requirer: dist.name, requirement, dependency: installed.name, installedVersion: installed.version, extra });
      }
      result.next.push({ normalized: dep.normalized, extras: dep.extras });
    }
  }
  cache.set(id, result);
  return result;
}

/**
 * Walks the environment's dependency closure from each line, in file order; a distribution is expanded
 * once per file (with each set of extras), so the first line that reaches an unmet requirement owns it and
 * the cost is the size of the closure, not lines × closure.
 */
function walkClosure(
  roots: { key: string; normalized: string; extras: string[] }[],
  env: EnvironmentFacts,
  onUnmet: (root: string, u: Unmet) => void,
): Set<string> {
  const expanded = new Set<string>();
  const reached = new Set<string>();
  for (const root of roots) {
    const queue: { normalized: string; extras: string[] }[] = [{ normalized: root.normalized, extras: root.extras }];
    for (let i = 0; i < queue.length; i++) {
      const { normalized, extras } = queue[i];
      const id = extras.length ? `${normalized}[${[...extras].map(normalizeName).sort().join(',')}]` : normalized;
      if (expanded.has(id)) continue;
      expanded.add(id);
      const s = step(env, normalized, extras, id);
      if (!s) continue;
      reached.add(normalized);
      for (const u of s.unmet) onUnmet(root.key, { ...u, requirerKey: normalized });
      for (const n of s.next) queue.push(n);
    }
  }
  return reached;
}

/** What a named line says against one environment snapshot: its own problems (placed on its lines) and where its closure starts. */
interface LineVerdict {
  /** Judged at all (settled, a name or a path of its own, its marker not false here). */
  active: boolean;
  /** A bare path: checked afresh each time (it reads the disk). */
  bare: boolean;
  problems: (Omit<Diagnostic, 'range'> & { place: Place })[];
  root?: { normalized: string; extras: string[] };
}

/**
 * Verdicts by environment snapshot and line text: a line on one physical line with no variable reads the same
 * wherever it is, so the next version of a big file checks only its changed lines (bounded; a file with more
 * lines than the bound is checked afresh).
 */
const verdicts = new WeakMap<EnvironmentFacts, Map<string, LineVerdict>>();
const MAX_VERDICTS = 20_000;

function verdictOf(line: LogicalLine, env: EnvironmentFacts): LineVerdict {
  const r = line.requirement;
  const inactive: LineVerdict = { active: false, bare: false, problems: [] };
  if (!r || (!r.name && !r.path) || !isSettled(line)) return inactive;
  if (r.name?.written !== undefined || r.path?.written !== undefined) return inactive;
  if (r.marker?.expression && env.evaluateMarker(r.marker.expression, []) === false) return inactive;
  // A bare path is known by where it was installed from; one that names its project (a wheel file, #egg=) by name.
  if (r.path && !r.name) return { active: true, bare: true, problems: [] };
  const name = r.name!;
  const place = (range: Range) => placeOn(line, range);
  const installed = env.installed(name.normalized);
  if (!installed) {
    const message = `${shown(name)} is not installed in ${env.describe}.`;
    const problem = { severity: DiagnosticSeverity.Warning, code: DiagnosticCode.NotInstalled, source: SOURCE, message, data: { requirement: installable(r) } };
    return { active: true, bare: false, problems: [{ ...problem, place: place(name.range) }] };
  }
  const problems: LineVerdict['problems'] = [];
  const clauses = r.specifier?.clauses ?? [];
  const spec = clauses.length ? clauses.map((c) => `${c.operator.text}${c.version?.text ?? ''}`).join(',') : r.pinnedVersion ? `==${r.pinnedVersion}` : '';
  if (spec && !versionSatisfies(installed.version, spec)) {
    // A wheel URL's file name gives its version: from a variable's value, the URL is named instead.
    const needs = r.specifier?.clauses.length ? shownSpec(r) : r.url?.written !== undefined ? 'the version its URL names' : spec;
    problems.push({
      place: place(r.specifier?.range ?? name.range),
      severity: DiagnosticSeverity.Warning,
      code: DiagnosticCode.VersionMismatch,
      source: SOURCE,
      message: `${installed.name} ${installed.version} is installed; this file needs ${needs}.`,
      data: { name: installed.name, installed: installed.version, requirement: installable(r) },
    });
  }
  for (const extra of r.extras?.items ?? []) {
    if (installed.providesExtras.some((e) => normalizeName(e) === extra.normalized)) continue;
    const has = installed.providesExtras.length ? ` (it has: ${installed.providesExtras.join(', ')})` : '';
    problems.push({
      place: place(extra.range),
      severity: DiagnosticSeverity.Warning,
      code: DiagnosticCode.ExtraNotProvided,
      source: SOURCE,
      message: `${installed.name} ${installed.version} does not declare the extra '${shown(extra)}'${has}.`,
    });
  }
  return { active: true, bare: false, problems, root: { normalized: name.normalized, extras: r.extras?.items.map((x) => detached(x.text)) ?? [] } };
}

/** A verdict that outlives its document: its strings copied (a message built from the line's text points into the document). */
function keepable(v: LineVerdict): LineVerdict {
  if (!v.problems.length) return v;
  const copy = (data: unknown) => (data === undefined ? undefined : JSON.parse(JSON.stringify(data)));
  return { ...v, problems: v.problems.map((p) => ({ ...p, message: detached(p.message), data: copy(p.data) })) };
}

/** Each unmet requirement of the file, with both sides in the message. */
export function environmentDiagnostics(doc: ParsedDocument, env: EnvironmentFacts, options: EnvironmentCheckOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const room = options.room ?? Infinity;
  let memo = doc.lines.length <= MAX_VERDICTS ? verdicts.get(env) : undefined;
  if (!memo && doc.lines.length <= MAX_VERDICTS) verdicts.set(env, (memo = new Map()));
  // The first line of each project (its requirement is read only if a message needs its place), and each root's line.
  const named = new Map<string, LogicalLine>();
  const roots: { key: string; normalized: string; extras: string[] }[] = [];
  const rootLine = new Map<string, LogicalLine>();
  for (const line of doc.lines) {
    // An extra, a dependency group, a build requirement: the environment need not have it.
    if (line.kind !== 'requirement' || (line.host && !line.host.installed)) continue;
    // (A requirement in a string is not at the start of its line: its places are its own, not the memo's.)
    const kept = memo && !line.host && line.firstLine === line.lastLine && line.written === undefined && !line.text.includes('${');
    let verdict = kept ? memo!.get(line.text) : undefined;
    if (!verdict) {
      verdict = verdictOf(line, env);
      if (kept) {
        if (memo!.size >= MAX_VERDICTS) memo!.clear();
        memo!.set(detached(line.text), keepable(verdict));
      }
    }
    if (!verdict.active) continue;
    if (line.project && !named.has(line.project)) named.set(line.project, line);
    if (verdict.bare) {
      const r = line.requirement!;
      const problem = localProjectProblem(r, env, options);
      if (problem) out.push(problem);
      else {
        const from = options.folder && env.installedFrom?.(path.resolve(options.folder, r.path!.text));
        if (from) {
          const key = `${roots.length}`;
          rootLine.set(key, line);
          roots.push({ key, normalized: normalizeName(from.name), extras: r.extras?.items.map((x) => x.text) ?? [] });
        }
      }
      continue;
    }
    for (const { place, ...problem } of verdict.problems) {
      out.push(out.length < room ? { ...problem, range: placed(place, line.firstLine) } : counted(problem.severity!));
    }
    if (verdict.root) {
      const key = `${roots.length}`;
      rootLine.set(key, line);
      roots.push({ key, ...verdict.root });
    }
  }
  if (env.requiresDist) {
    const reported = new Set<string>();
    walkClosure(roots, env, (key, u) => {
      const id = `${u.requirerKey}\0${u.requirement}\0${u.extra ?? ''}`;
      if (reported.has(id)) return;
      reported.add(id);
      // A missing project the file names itself is already `not-installed` on its own line.
      if (!u.installedVersion && named.has(u.dependency)) return;
      out.push(unmetDiagnostic(rootLine.get(key)!.requirement!, u, env));
    });
  } else {
    // Facts without Requires-Dist: only what pip check says, on a line that names either side.
    for (const b of env.broken()) {
      const target = (named.get(normalizeName(b.dist)) ?? named.get(b.dependency))?.requirement;
      if (target?.name)
        out.push(conflictDiagnostic(target.name.range, b.dist, b.requirement, b.dependency, b.problem === 'version' ? b.installedVersion : undefined));
    }
  }
  return out;
}

function conflictDiagnostic(range: Range, dist: string, requirement: string, dependency: string, installedVersion: string | undefined): Diagnostic {
  return {
    range,
    severity: DiagnosticSeverity.Warning,
    code: DiagnosticCode.DependencyConflict,
    source: SOURCE,
    message:
      installedVersion === undefined
        ? `${dist} requires ${requirement}, which is not installed (pip check would report it).`
        : `${dist} requires ${requirement}, but ${dependency} ${installedVersion} is installed (pip check would report it).`,
  };
}

/** On the line that brought the requirer in; an extra the line itself asks for is named on the extra. */
function unmetDiagnostic(r: RequirementNode, u: Unmet, env: EnvironmentFacts): Diagnostic {
  const own = r.name?.normalized === u.requirerKey && u.extra !== undefined;
  if (!own) return conflictDiagnostic(r.name?.range ?? r.path?.range ?? r.range, u.requirer, u.requirement, u.dependency, u.installedVersion);
  const extra = r.extras?.items.find((x) => x.normalized === normalizeName(u.extra!));
  const extras = r.extras?.items.map((x) => x.text).join(',');
  return {
    range: extra?.range ?? r.extras?.range ?? r.name!.range,
    severity: DiagnosticSeverity.Warning,
    code: DiagnosticCode.ExtraRequirementUnmet,
    source: SOURCE,
    message:
      u.installedVersion === undefined
        ? `The extra '${u.extra}' of ${u.requirer} requires ${u.requirement}, which is not installed in ${env.describe}.`
        : `The extra '${u.extra}' of ${u.requirer} requires ${u.requirement}, but ${u.dependency} ${u.installedVersion} is installed.`,
    data: hasValues(r)
      ? undefined
      : {
          requirement: `${r.name!.text}[${extras}]${r.specifier?.clauses.length ? r.specifier.clauses.map((c) => `${c.operator.text}${c.version?.text ?? ''}`).join(',') : ''}`,
        },
  };
}

/** `-e .`, `./pkg`, `dist/x.whl`: pip records where it installed a local project from (direct_url.json). */
function localProjectProblem(r: RequirementNode, env: EnvironmentFacts, options: EnvironmentCheckOptions): Diagnostic | undefined {
  if (!r.path || !options.folder || !env.installedFrom || r.path.text.includes('${')) return undefined;
  const target = path.resolve(options.folder, r.path.text.replace(/^~(?=$|[/\\])/, process.env.HOME ?? '~'));
  // A path that is not there, or not a project, has its own error; "not installed" would only add noise.
  if (options.exists && !options.exists(target)) return undefined;
  if (
    options.exists &&
    !/\.(whl|zip|tar\.gz|tgz|tar\.bz2|tar\.xz|tar)$/i.test(target) &&
    !options.exists(path.join(target, 'pyproject.toml')) &&
    !options.exists(path.join(target, 'setup.py'))
  )
    return undefined;
  if (env.installedFrom(target)) return undefined;
  return {
    range: r.path.range,
    severity: DiagnosticSeverity.Warning,
    code: DiagnosticCode.NotInstalled,
    source: SOURCE,
    message: `${r.editable ? 'The editable project' : 'The local project'} '${r.path.text}' is not installed in ${env.describe} (no installed distribution records ${target} as its source).`,
  };
}

/** pip check's complaints about packages this file never reaches: not the file's business, but worth one line in the hover. */
export function unrelatedConflicts(doc: ParsedDocument, env: EnvironmentFacts): BrokenDependency[] {
  const broken = env.broken();
  if (!broken.length || !env.requiresDist) return [];
  const roots = activeLines(doc, env).flatMap(({ r }, i) =>
    r.name && env.installed(r.name.normalized) ? [{ key: `${i}`, normalized: r.name.normalized, extras: r.extras?.items.map((x) => x.text) ?? [] }] : [],
  );
  const reached = walkClosure(roots, env, () => undefined);
  return broken.filter((b) => !reached.has(normalizeName(b.dist)));
}

/** The hover line for `unrelatedConflicts`. */
export function unrelatedConflictsNote(doc: ParsedDocument, env: EnvironmentFacts): string | undefined {
  const list = unrelatedConflicts(doc, env);
  if (!list.length) return undefined;
  const listed = list
    .slice(0, 3)
    .map((b) =>
      b.problem === 'missing'
        ? `${b.dist} requires ${b.requirement} (not installed)`
        : `${b.dist} requires ${b.requirement} (${b.dependency} ${b.installedVersion} installed)`,
    );
  // Markdown (the hover): the names and requirements come from the environment's metadata, as text.
  return `Not checked in this file (it does not use them): ${escapeMarkdown(listed.join('; '))}${list.length > 3 ? `; and ${list.length - 3} more` : ''}. \`pip check\` reports these.`;
}

// PEP 440 containment lives in shared/pep440.ts (one policy for unreadable specifiers); re-exported for callers here.
export { versionSatisfies };
