// pyproject.toml as a document of requirement lines: every string of the arrays that hold dependencies, each a
// LogicalLine whose ranges are inside the string; the rest of the TOML is not ours (other TOML servers check it)
// and gets nothing. `[dependency-groups]` includes are checked here: a group that does not exist, and cycles.

import { DiagnosticCode } from '../shared/diagnosticCodes.js';
import { embeddedLine, quoteOf, type HostText } from './embedded.js';
import { computeLineStarts } from './lines.js';
import { scanToml, type Literal, type Scan } from './toml.js';
import type { LogicalLine, ParsedDocument, SyntaxDiagnostic } from './types.js';
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
export function requirementsOfToml(host: HostText, kind: ParsedDocument['kind'], arrays: readonly { path: RegExp; installed: boolean }[]): ParsedDocument {
  const scan = scanToml(host.toml);
  const lines: LogicalLine[] = [];
  for (const [path, literals] of scan.arrays) {
    const spec = arrays.find((a) => a.path.test(path));
    if (!spec) continue;
    for (const lit of literals) lines.push(embeddedLine(host, lit, { table: path, installed: spec.installed, quote: quoteOf(host.toml, lit) }));
  }
  lines.sort((a, b) => a.start - b.start);
  const diagnostics: SyntaxDiagnostic[] = lines.flatMap((l) => l.diagnostics);
  if (kind === 'pyproject') for (const d of groupDiagnostics(host, scan)) diagnostics.push(d);
  return { kind, text: host.text, lineStarts: host.lineStarts, lines, diagnostics };
}

const normalizeGroup = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** `{include-group = "…"}` entries: a group that does not exist, and groups that include each other (PEP 735). */
function groupDiagnostics(host: HostText, scan: Scan): SyntaxDiagnostic[] {
  const groups = new Set<string>();
  for (const path of scan.arrays.keys()) {
    const m = /^dependency-groups\.([^.]+)$/.exec(path);
    if (m) groups.add(normalizeGroup(m[1]));
  }
  const includes: { from: string; to: string; lit: Literal }[] = [];
  for (const [path, lit] of scan.strings) {
    const m = /^dependency-groups\.([^.]+)\.\d+\.include-group$/.exec(path);
    if (m) includes.push({ from: normalizeGroup(m[1]), to: normalizeGroup(lit.value), lit });
  }
  const range = (lit: Literal) => ({ start: positionAt(host, host.toDoc(lit.start)), end: positionAt(host, host.toDoc(lit.end - 1) + 1) });
  const out: SyntaxDiagnostic[] = [];
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
  return out;
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
