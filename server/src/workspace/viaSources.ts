// One name in a `# via` annotation, as pip-tools and `uv pip compile` write it, read into a typed source.
//
// pip-tools (piptools/writer.py, build.py): `pkg`, `-r file`, `-c file`, `-r -` (stdin), `-c https://…`,
// `name (pyproject.toml)`, `name (setup.py)`, `name (setup.cfg)`,
// `name (pyproject.toml::build-system.requires)`, `name (pyproject.toml::build-system.backend::wheel)`.
// uv (SourceAnnotation's Display): `-r file`, `-c file`, `--override file`, `name (pyproject.toml)`,
// `name (pyproject.toml:group)`, `(pyproject.toml:group)`, `(workspace)`, `-c (workspace)`,
// `--override name (pyproject.toml)`, `--override (workspace)`.

import { normalizeName } from '../syntax/names.js';
import type { Range } from '../syntax/types.js';

export type ViaOption = '-r' | '-c' | '--override';

/** The part of a project's build a build requirement came from (pip-tools' `--build-deps-for`). */
export type BuildPart = { part: 'requires' } | { part: 'backend'; target: string };

interface Written {
  /** The entry as written, trimmed. */
  text: string;
  /** Where the entry is in the compiled file (for a package: just its name). */
  range: Range;
}

export type ViaEntry =
  | (Written & { kind: 'package'; name: string; normalized: string })
  /** A requirements (-r), constraints (-c) or override (--override) file. */
  | (Written & { kind: 'file'; option: ViaOption; path: string })
  | (Written & { kind: 'url'; option?: ViaOption; url: string })
  /** `-r -`: the requirements came from standard input. */
  | (Written & { kind: 'stdin'; option: ViaOption })
  /** A project file: its dependencies, a dependency group, or a part of its build. */
  | (Written & { kind: 'project'; project?: string; path: string; group?: string; build?: BuildPart; override?: boolean })
  /** uv's workspace-level requirements (`[tool.uv]` constraint- or override-dependencies). */
  | (Written & { kind: 'workspace'; option?: ViaOption })
  /** A form neither tool is known to write: still shown as written. */
  | (Written & { kind: 'other' });

export type SourceEntry = Exclude<ViaEntry, { kind: 'package' }>;

const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)(\[[^\]]*\])?$/;
const URL = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const PROJECT = /^(?:(\S+)\s+)?\((.+)\)$/;

/** Reads one entry (already trimmed); `range` is where it stands in the compiled file. */
export function readViaEntry(text: string, range: Range): ViaEntry {
  // Most entries are package names: tried first, before the rarer forms.
  const name = text.charCodeAt(text.length - 1) !== 41 /* ) */ ? NAME.exec(text) : null;
  if (name) {
    const end = { line: range.start.line, character: range.start.character + name[1].length };
    return { kind: 'package', name: name[1], normalized: normalizeName(name[1]), text, range: { start: range.start, end } };
  }
  const option = text[0] === '-' ? /^(-r|-c|--override)\s+(.+)$/.exec(text) : null;
  if (option) {
    const opt = option[1] as ViaOption;
    const rest = option[2].trim();
    if (rest === '-') return { kind: 'stdin', option: opt, text, range };
    if (rest === '(workspace)') return { kind: 'workspace', option: opt, text, range };
    if (URL.test(rest)) return { kind: 'url', option: opt, url: rest, text, range };
    const project = opt === '--override' ? projectOf(rest) : undefined;
    if (project) return { kind: 'project', ...project, override: true, text, range };
    return { kind: 'file', option: opt, path: rest, text, range };
  }
  if (text === '(workspace)') return { kind: 'workspace', text, range };
  if (URL.test(text)) return { kind: 'url', url: text, text, range };
  const project = projectOf(text);
  if (project) return { kind: 'project', ...project, text, range };
  return { kind: 'other', text, range };
}

function projectOf(text: string): { project?: string; path: string; group?: string; build?: BuildPart } | undefined {
  const m = PROJECT.exec(text);
  if (!m || (m[1] && !NAME.test(m[1]))) return undefined;
  const project = m[1];
  const inner = m[2].trim();
  const requires = /^(.+)::build-system\.requires$/.exec(inner);
  if (requires) return { project, path: requires[1], build: { part: 'requires' } };
  const backend = /^(.+)::build-system\.backend::(\S+)$/.exec(inner);
  if (backend) return { project, path: backend[1], build: { part: 'backend', target: backend[2] } };
  // uv's dependency group: `pyproject.toml:dev` (the path is always a pyproject.toml).
  const group = /^(.+\.toml):([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)$/i.exec(inner);
  if (group) return { project, path: group[1], group: group[2] };
  return { project, path: inner };
}

/**
 * Splits `a, -r requirements.in, project (pyproject.toml)` into trimmed entries with their columns;
 * commas inside brackets or parentheses do not split.
 */
export function splitVia(text: string): { text: string; column: number }[] {
  const out: { text: string; column: number }[] = [];
  let depth = 0;
  let start = 0;
  const push = (end: number) => {
    const raw = text.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (trimmed) out.push({ text: trimmed, column: start + lead });
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if ((c === ')' || c === ']') && depth > 0) depth--;
    else if (c === ',' && depth === 0) {
      push(i);
      start = i + 1;
    }
  }
  push(text.length);
  return out;
}

/** Entries of a `# via` text on physical line `line`, the text starting at `column`. */
export function viaEntries(text: string, line: number, column: number, split = true): ViaEntry[] {
  const parts = split ? splitVia(text) : [{ text: text.trim(), column: text.length - text.trimStart().length }];
  return parts
    .filter((p) => p.text)
    .map((p) => readViaEntry(p.text, { start: { line, character: column + p.column }, end: { line, character: column + p.column + p.text.length } }));
}
