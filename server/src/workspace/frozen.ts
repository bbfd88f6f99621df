// `pip freeze` output and the short list behind it: recognising a frozen file, and deriving its top-level
// packages (the pins no other pin requires) from the distributions' Requires-Dist. Pure: metadata comes in.

import { parseRequiresDist } from '../environment/markers.js';
import { detached } from '../syntax/detached.js';
import { normalizeName } from '../syntax/names.js';
import { parse } from '../syntax/parse.js';
import type { LogicalLine, MarkerExpression, ParsedDocument } from '../syntax/types.js';
import { compiledHeader, readAnnotations } from './annotations.js';

export interface FrozenPin {
  /** As the file writes it (`Flask`, `jinja2`). */
  name: string;
  normalized: string;
  /** Undefined for an editable line pip freeze wrote without a version. */
  version?: string;
  /** Extras the line asks for (`requests[socks]==…`). */
  extras: string[];
  editable: boolean;
  /** `name @ url`: the `.in` keeps the URL. */
  direct: boolean;
  /** The requirement as written, without comment or hashes (`-e git+…#egg=x`, `Flask==3.0.3 ; python_version<'3.12'`). */
  text: string;
  /** The line's marker text, copied to the `.in`. */
  marker?: string;
  /** Physical line number of the requirement. */
  line: number;
}

export interface FrozenFile {
  /** Every line is an exact pin (or an editable, or `name @ url`), with no `# via` and no compile header. */
  frozen: boolean;
  /** Why it is not, for a command run on any `.txt` to explain itself. */
  reason?: string;
  pins: FrozenPin[];
  /** Index and link options (`--index-url`, `--find-links` …) the `.in` needs too. */
  optionLines: string[];
}

const COPIED_OPTIONS = new Set([
  '--index-url',
  '--extra-index-url',
  '--find-links',
  '--trusted-host',
  '--no-index',
  '--pre',
  '--only-binary',
  '--no-binary',
  '--prefer-binary',
]);
/** pip freeze names a non-VCS editable only in the comment above it. */
const EDITABLE_COMMENT = /^#\s*Editable install with no version control \(([A-Za-z0-9][A-Za-z0-9._-]*)==([^)\s]+)\)/;

function requirementText(line: LogicalLine): string {
  const text = line.comment ? line.text.slice(0, line.text.lastIndexOf(line.comment.text)) : line.text;
  return text.replace(/\s--hash[=\s]\S+/g, '').trim();
}

/**
 * Reads `doc` as pip freeze output: every requirement line `name==version` (or `-e …`), no `# via`, no compile
 * header; `sourceBeside` (an `.in` next to it) and pins that differ from `installed` make it not frozen.
 */
export function readFrozen(
  doc: ParsedDocument,
  options: {
    sourceBeside?: boolean;
    installed?: (normalized: string) => string | undefined;
    /** Stop at the first reason it is not frozen (the per-keystroke hint needs no pins then). */ quick?: boolean;
  } = {},
): FrozenFile {
  const pins: FrozenPin[] = [];
  const optionLines: string[] = [];
  let reason: string | undefined;
  const fail = (why: string) => (reason ??= why);
  // Reading every line's requirement builds nodes the parser otherwise leaves unbuilt: on a keystroke, a file that
  // is plainly not pip freeze output (a compile header, a range, an option) is told apart before that.
  const notFrozen = (why: string): FrozenFile => ({ frozen: false, reason: why, pins: [], optionLines });
  if (options.quick && compiledHeader(doc).tool) return notFrozen('it was written by a compile (its header says so)');
  let editableName: { name: string; version: string } | undefined;
  const memo = doc.lines.length <= MAX_READS;
  for (const line of doc.lines) {
    if (line.kind === 'comment') {
      const m = EDITABLE_COMMENT.exec(line.text.trim());
      editableName = m ? { name: m[1], version: m[2] } : editableName;
      continue;
    }
    if (line.kind === 'blank') continue;
    // pip freeze writes no `${NAME}`; and what the .in copies of such a line would be a variable's value (maybe a secret).
    if (line.written !== undefined || line.text.includes('${')) {
      if (options.quick) return notFrozen(`line ${line.firstLine + 1} uses a \${…} variable`);
      fail(`line ${line.firstLine + 1} uses a \${…} variable`);
      continue;
    }
    if (line.kind === 'error') {
      if (options.quick) return notFrozen(`line ${line.firstLine + 1} is not a requirement`);
      fail(`line ${line.firstLine + 1} is not a requirement`);
      continue;
    }
    if (line.kind === 'option') {
      for (const o of line.options) {
        if (COPIED_OPTIONS.has(o.canonical)) optionLines.push(o.value?.text ? `${o.canonical} ${o.value.text}` : o.canonical);
        else if (options.quick) return notFrozen(`it uses ${o.flag.text} (line ${line.firstLine + 1})`);
        else fail(`it uses ${o.flag.text} (line ${line.firstLine + 1})`);
      }
      continue;
    }
    const r = requirementOf(line, memo);
    if (!r) continue;
    const named = r.name ?? (r.editable && editableName ? { text: editableName.name, normalized: normalizeName(editableName.name) } : undefined);
    const fromComment = r.editable && editableName && named && normalizeName(editableName.name) === named.normalized ? editableName.version : undefined;
    editableName = undefined;
    if (!named) {
      if (options.quick) return notFrozen(`line ${line.firstLine + 1} names no package`);
      fail(`line ${line.firstLine + 1} names no package`);
      continue;
    }
    // `name @ url` is as exact as a pin (pip freeze writes it for direct URL installs).
    if (!r.editable && r.exact === undefined && !r.url) {
      if (options.quick) return notFrozen(`${named.text} is not pinned with == (line ${line.firstLine + 1})`);
      fail(`${named.text} is not pinned with == (line ${line.firstLine + 1})`);
    }
    pins.push({
      name: named.text,
      normalized: named.normalized,
      version: r.exact ?? fromComment,
      extras: r.extras,
      editable: r.editable,
      direct: r.url && !r.editable,
      text: r.text,
      marker: r.marker,
      line: line.firstLine,
    });
  }
  if (!reason && pins.length < 2) fail('it has fewer than two pins');
  if (!reason && compiledHeader(doc).tool) fail('it was written by a compile (its header says so)');
  // Every `# via` reads `#`, spaces, `via`: a file without one has none (reading them builds every pin line's nodes).
  if (!reason && /#\s*via\b/.test(doc.text) && readAnnotations(doc).annotated) fail('it has # via annotations (it was compiled)');
  if (!reason && options.sourceBeside) fail(SOURCE_BESIDE);
  if (!reason && options.installed) {
    for (const p of pins) {
      if (p.editable || !p.version) continue;
      const installed = options.installed(p.normalized);
      if (installed !== p.version) {
        fail(installed ? `${p.name}==${p.version} but ${installed} is installed` : `${p.name} is not installed`);
        break;
      }
    }
  }
  return { frozen: !reason, reason, pins, optionLines };
}

/** What a requirement line gives a frozen file; the same for the same text wherever the line is. */
interface RequirementRead {
  name?: { text: string; normalized: string };
  editable: boolean;
  url: boolean;
  /** The version of an exact pin (`==1.0`, `===1.0`; not `==1.*`). */
  exact?: string;
  extras: string[];
  text: string;
  marker?: string;
}

/**
 * Requirement lines by their text: reading a line's requirement builds its nodes, and the parser keeps those of
 * 128 lines a document, so every keystroke in a big file built them all again. A line on one physical line,
 * with no variable, is read the same wherever it is (an editable one is not memoized: the comment above it may
 * name it).
 */
const requirementReads = new Map<string, RequirementRead>();
/** Emptied past this; a file with more lines reads them afresh (it would overflow the memo on every pass). */
const MAX_READS = 20_000;

function requirementOf(line: LogicalLine, memo: boolean): RequirementRead | undefined {
  const memoized = memo && line.firstLine === line.lastLine && !line.text.includes('${') && !/^\s*(-e|--editable)\b/.test(line.text);
  const kept = memoized ? requirementReads.get(line.text) : undefined;
  if (kept) return kept;
  const r = line.requirement;
  if (!r) return undefined;
  const clauses = r.specifier?.clauses ?? [];
  const only = clauses.length === 1 ? clauses[0] : undefined;
  const exact = !!only && (only.operator.text === '==' || only.operator.text === '===') && !!only.version && !only.version.text.includes('*');
  const read: RequirementRead = {
    name: r.name && { text: detached(r.name.text), normalized: r.name.normalized },
    editable: r.editable,
    url: !!r.url,
    exact: exact ? detached(clauses[0].version!.text) : undefined,
    extras: r.extras?.items.map((x) => detached(x.text)) ?? [],
    text: detached(requirementText(line)),
    marker: r.marker ? detached(r.marker.text.replace(/^;\s*/, '')) || undefined : undefined,
  };
  if (memoized) {
    if (requirementReads.size >= MAX_READS) requirementReads.clear();
    requirementReads.set(detached(line.text), read);
  }
  return read;
}

export const SOURCE_BESIDE = 'an .in file is beside it';

/** A `.txt` that would be pip freeze output but for the `.in` now beside it: its pins are today's versions. */
export function frozenButForSource(text: string): boolean {
  return readFrozen(parse(text), { sourceBeside: true }).reason === SOURCE_BESIDE;
}

/** The normalized names an existing `.in` lists. */
export function namesIn(text: string): Set<string> {
  return new Set(parse(text).lines.flatMap((l) => (l.project ? [l.project] : [])));
}

export interface DerivationFacts {
  /** The distribution's Requires-Dist; undefined when its metadata is not known. */
  requiresDist(normalized: string, version: string | undefined): string[] | undefined;
  /** Marker evaluation for the target environment; undefined when it cannot be told. */
  evaluateMarker(expression: MarkerExpression, extras: string[]): boolean | undefined;
}

export interface Derivation {
  /** File order. */
  topLevel: FrozenPin[];
  /** Normalized name → the listed packages (as written) that require it. */
  requiredBy: Map<string, string[]>;
  /** Packages that require each other with nothing else requiring them: one is kept as top level. */
  cycles: { kept: FrozenPin; members: FrozenPin[] }[];
  /** Pins whose metadata was not found: what they require is unknown. */
  unknown: FrozenPin[];
}

/**
 * Top level = listed packages no other listed package requires. An edge counts when its marker is true for the
 * environment, with the extras its requirer was asked for (on its line, or by another pin's `name[extra]`).
 * An undecidable marker is no edge: keeping one package too many in the `.in` costs nothing.
 */
export function deriveTopLevel(pins: FrozenPin[], facts: DerivationFacts): Derivation {
  const unknown: FrozenPin[] = [];
  const metadata = new Map<string, string[] | undefined>();
  for (const p of pins) {
    const meta = facts.requiresDist(p.normalized, p.version);
    metadata.set(p.normalized, meta);
    if (!meta) unknown.push(p);
  }
  // No metadata at all (none fetched yet, or a file of names the index does not have): no edges, every pin is
  // top level and no cycle. Said at once: the graph below costs milliseconds a keystroke for thousands of pins.
  if (unknown.length === pins.length) return { topLevel: [...pins], requiredBy: new Map(), cycles: [], unknown };
  const byName = new Map(pins.map((p) => [p.normalized, p]));
  const extras = new Map(pins.map((p) => [p.normalized, new Set(p.extras.map(normalizeName))]));
  const edges = new Map<string, Set<string>>(pins.map((p) => [p.normalized, new Set()]));
  // Extras asked for along an edge open more edges; repeat until nothing changes (bounded by the extras in play).
  const queue = pins.map((p) => p.normalized);
  const queued = new Set(queue);
  for (let head = 0; head < queue.length; head++) {
    const from = queue[head];
    queued.delete(from);
    const active = [...extras.get(from)!];
    for (const text of metadata.get(from) ?? []) {
      const dep = parseRequiresDist(text);
      if (!dep || dep.normalized === from || !byName.has(dep.normalized)) continue;
      if (dep.marker && facts.evaluateMarker(dep.marker, active) !== true) continue;
      edges.get(from)!.add(dep.normalized);
      const wanted = extras.get(dep.normalized)!;
      let grew = false;
      for (const x of dep.extras.map(normalizeName)) {
        if (wanted.has(x)) continue;
        wanted.add(x);
        grew = true;
      }
      if (grew && !queued.has(dep.normalized)) {
        queue.push(dep.normalized);
        queued.add(dep.normalized);
      }
    }
  }
  const requiredBy = new Map<string, string[]>();
  for (const p of pins) for (const to of edges.get(p.normalized)!) requiredBy.set(to, [...(requiredBy.get(to) ?? []), p.name]);
  const top = new Set(pins.filter((p) => !requiredBy.has(p.normalized)).map((p) => p.normalized));
  // What the top level does not reach sits in cycles (or below one): keep the first member, in file order, of
  // each strongly connected component nothing outside it requires.
  const cycles: Derivation['cycles'] = [];
  const reached = reachable(top, edges);
  const components = stronglyConnected(
    pins.map((p) => p.normalized),
    edges,
  );
  const componentOf = new Map<string, number>();
  components.forEach((component, i) => component.forEach((n) => componentOf.set(n, i)));
  const entered = new Set<number>();
  for (const [from, targets] of edges) for (const to of targets) if (componentOf.get(from) !== componentOf.get(to)) entered.add(componentOf.get(to)!);
  for (const [i, component] of components.entries()) {
    if (entered.has(i) || component.some((n) => reached.has(n))) continue;
    const inside = new Set(component);
    const members = pins.filter((p) => inside.has(p.normalized));
    cycles.push({ kept: members[0], members });
    top.add(members[0].normalized);
  }
  return { topLevel: pins.filter((p) => top.has(p.normalized)), requiredBy, cycles, unknown };
}

function reachable(from: Set<string>, edges: Map<string, Set<string>>): Set<string> {
  const seen = new Set(from);
  const stack = [...from];
  while (stack.length) {
    for (const to of edges.get(stack.pop()!) ?? []) {
      if (seen.has(to)) continue;
      seen.add(to);
      stack.push(to);
    }
  }
  return seen;
}

/** Tarjan's algorithm, iterative (a long chain of pins must not overflow the stack). */
function stronglyConnected(nodes: string[], edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: string; next: Iterator<string> }[] = [];
    const enter = (n: string) => {
      index.set(n, counter);
      low.set(n, counter++);
      stack.push(n);
      onStack.add(n);
      work.push({ node: n, next: (edges.get(n) ?? new Set<string>()).values() });
    };
    enter(root);
    while (work.length) {
      const top = work[work.length - 1];
      const step = top.next.next();
      if (!step.done) {
        const to = step.value;
        if (!index.has(to)) enter(to);
        else if (onStack.has(to)) low.set(top.node, Math.min(low.get(top.node)!, index.get(to)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const component: string[] = [];
        let n: string;
        do {
          n = stack.pop()!;
          onStack.delete(n);
          component.push(n);
        } while (n !== top.node);
        out.push(component);
      }
    }
  }
  return out;
}

export type Bounds = 'none' | 'minimum' | 'compatible';

export const BOUND_LABELS: Record<Bounds, string> = { none: 'no version bounds', minimum: '>= today’s versions', compatible: '~= today’s versions' };

/** The `.in` text: option lines, then the top level as the file writes the names, with the chosen bounds. */
export function renderRequirementsIn(derivation: Derivation, options: { from: string; bounds: Bounds; optionLines: string[]; metadataFrom: string }): string {
  const out = [
    `# Top-level packages of ${options.from}, derived from ${options.metadataFrom}.`,
    `# Compile this file to get ${options.from} back with its versions and # via lines.`,
  ];
  out.push(...options.optionLines);
  for (const cycle of derivation.cycles) {
    out.push(`# ${cycle.members.map((m) => m.name).join(', ')} require each other; ${cycle.kept.name} stands for them.`);
  }
  for (const p of derivation.topLevel) out.push(requirementLine(p, options.bounds));
  return out.join('\n') + '\n';
}

export function requirementLine(p: FrozenPin, bounds: Bounds): string {
  if (p.editable || p.direct) return p.text;
  const extras = p.extras.length ? `[${p.extras.join(',')}]` : '';
  // Specifiers other than == take no local label; ~= needs two release segments.
  const version = p.version?.replace(/\+.*$/, '');
  const operator = bounds === 'compatible' && version && /^\d+(\.\d+)+/.test(version) ? '~=' : '>=';
  const bound = version && bounds !== 'none' ? `${operator}${version}` : '';
  return `${p.name}${extras}${bound}${p.marker ? ` ; ${p.marker}` : ''}`;
}
