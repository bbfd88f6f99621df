// pyproject.toml as a document of requirement lines: every string of the arrays that hold dependencies, each a
// LogicalLine whose ranges are inside the string; the rest of the TOML is not ours (other TOML servers check it)
// and gets nothing. `[dependency-groups]` includes are checked here: a group that does not exist, and cycles.

import { DiagnosticCode } from './diagnosticCodes.js';
import { embeddedLine, quoteOf, specifierDiagnostics, type HostText } from './embedded.js';
import { computeLineStarts } from './lines.js';
import { scanToml, type Literal, type Scan } from './toml.js';
import type { LogicalLine, ParsedDocument, Range, SyntaxDiagnostic } from './types.js';
import { positionAt } from './query.js';

/** The arrays of requirements, by dotted path (`*` is one key), and whether the project's environment installs them. */
const ARRAYS: readonly { path: RegExp; installed: boolean }[] = [
  { path: /^project\.dependencies$/, installed: true },
  { path: /^project\.optional-dependencies\.[^.]+$/, installed: false },
  { path: /^dependency-groups\.[^.]+$/, installed: false },
  { path: /^build-system\.requires$/, installed: false },
  { path: /^tool\.uv\.(constraint|override|dev)-dependencies$/, installed: false },
];

/** Whether a dotted path is one of pyproject.toml's arrays of requirements. */
export const isDependencyArray = (path: string) => ARRAYS.some((a) => a.path.test(path));

/** Reads a pyproject.toml text; never throws. */
export function readPyprojectDocument(text: string): ParsedDocument {
  const lineStarts = computeLineStarts(text);
  return requirementsOfToml({ text, lineStarts, toml: text, toDoc: (o) => o }, 'pyproject', ARRAYS);
}

/** The requirement lines of the given arrays of a TOML text (pyproject.toml, a PEP 723 block's TOML). */
export function requirementsOfToml(
  host: HostText,
  kind: ParsedDocument['kind'],
  arrays: readonly { path: RegExp; installed: boolean }[],
  specifiers: readonly string[] = [],
): ParsedDocument {
  const scan = scanToml(host.toml);
  const lines: LogicalLine[] = [];
  for (const [path, literals] of scan.arrays) {
    const spec = arrays.find((a) => a.path.test(path));
    if (!spec) continue;
    for (const lit of literals) lines.push(embeddedLine(host, lit, { table: path, installed: spec.installed, quote: quoteOf(host.toml, lit) }));
  }
  lines.sort((a, b) => a.start - b.start);
  const diagnostics: SyntaxDiagnostic[] = lines.flatMap((l) => l.diagnostics);
  for (const path of specifiers) {
    const lit = scan.strings.get(path);
    if (lit) for (const d of specifierDiagnostics(host, lit)) diagnostics.push(d);
  }
  const doc: ParsedDocument = { kind, text: host.text, lineStarts: host.lineStarts, lines, diagnostics };
  if (kind === 'pyproject') {
    const groups = groupDiagnostics(host, scan);
    for (const d of groups.diagnostics) diagnostics.push(d);
    if (groups.references.length) doc.references = groups.references;
  }
  return doc;
}

const normalizeGroup = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/**
 * `{include-group = "…"}` entries: a group that does not exist, and groups that include each other (PEP 735); and
 * where each include leads (the group's key).
 */
function groupDiagnostics(host: HostText, scan: Scan): { diagnostics: SyntaxDiagnostic[]; references: NonNullable<ParsedDocument['references']> } {
  const groups = new Set<string>();
  const keys = new Map<string, Range>();
  for (const path of scan.arrays.keys()) {
    const m = /^dependency-groups\.([^.]+)$/.exec(path);
    if (!m) continue;
    groups.add(normalizeGroup(m[1]));
    const place = scan.places.get(path);
    // The key, where it starts its line (`dev = [`); under a dotted key, the line it is on.
    const start = place === undefined ? undefined : host.toml.indexOf(m[1], place);
    if (start !== undefined && start !== -1)
      keys.set(normalizeGroup(m[1]), { start: positionAt(host, host.toDoc(start)), end: positionAt(host, host.toDoc(start) + m[1].length) });
  }
  const includes: { from: string; to: string; lit: Literal }[] = [];
  for (const [path, lit] of scan.strings) {
    const m = /^dependency-groups\.([^.]+)\.\d+\.include-group$/.exec(path);
    if (m) includes.push({ from: normalizeGroup(m[1]), to: normalizeGroup(lit.value), lit });
  }
  const range = (lit: Literal) => ({ start: positionAt(host, host.toDoc(lit.start)), end: positionAt(host, host.toDoc(lit.end - 1) + 1) });
  const out: SyntaxDiagnostic[] = [];
  const references: NonNullable<ParsedDocument['references']> = [];
  for (const e of includes) {
    const target = keys.get(e.to);
    if (target) references.push({ range: range(e.lit), target });
  }
  const edges = new Map<string, string[]>();
  for (const e of includes) edges.set(e.from, [...(edges.get(e.from) ?? []), e.to]);
  for (const e of includes) {
    if (!groups.has(e.to)) {
      const known = [...groups].sort().join(', ');
      const message = `No dependency group '${e.lit.value}' in [dependency-groups]${known ? ` (there are: ${known})` : ''}: installers fail on the whole file`;
      out.push({ range: range(e.lit), severity: 'error', code: DiagnosticCode.UnknownGroup, message });
      continue;
    }
    const back = pathBetween(edges, e.to, e.from);
    if (back) {
      const message = `Dependency groups include each other: ${[e.from, ...back].join(' → ')}. Installers reject a cycle; remove one of the include-group entries.`;
      out.push({ range: range(e.lit), severity: 'error', code: DiagnosticCode.GroupCycle, message });
    }
  }
  return { diagnostics: out, references };
}

/** A path of includes from `from` to `to` (both in it), or undefined. */
function pathBetween(edges: Map<string, string[]>, from: string, to: string): string[] | undefined {
  const seen = new Set<string>();
  const walk = (at: string): string[] | undefined => {
    if (at === to) return [at];
    if (seen.has(at)) return undefined;
    seen.add(at);
    for (const next of edges.get(at) ?? []) {
      const rest = walk(next);
      if (rest) return [at, ...rest];
    }
    return undefined;
  };
  return walk(from);
}
