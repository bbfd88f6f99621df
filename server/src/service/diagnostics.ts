// Diagnostics of one file: its syntax errors, its -r/-c includes (missing, cyclic) and duplicate requirements.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver-types';
import { shown } from '../syntax/query.js';
import type { LogicalLine, ParsedDocument, RequirementNode, SyntaxDiagnostic } from '../syntax/types.js';
import { resolveIncludeTarget, type IncludeEdge, type IncludeGraph } from '../workspace/includes.js';
import { SOURCE, toDiagnostic } from './convert.js';
import { besideTheFile, locateLocalPath } from './localPaths.js';
import { quickClauses } from '../syntax/quickLine.js';
import { satisfiable, type ClauseText } from './specifierBounds.js';
import { pipRejects } from './settledLines.js';
import type { PipRunsFrom } from '../shared/facts.js';
import { DiagnosticCode } from '../syntax/diagnosticCodes.js';

/** Diagnostics beyond this many are dropped, so a 200,000-line file of garbage stays responsive. */
export const MAX_DIAGNOSTICS = 1000;

/** Whether a local path exists; absent in contexts without a disk (the check is then skipped). */
export type PathExists = (absolutePath: string) => boolean;

/** Past MAX_DIAGNOSTICS, syntax diagnostics are not even converted: `capDiagnostics` counts them. */
export function computeDiagnostics(
  filePath: string,
  doc: ParsedDocument,
  graph: IncludeGraph | undefined,
  exists?: PathExists,
  runsFrom: PipRunsFrom = besideTheFile(filePath),
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of doc.diagnostics) {
    out.push(toDiagnostic(d));
    if (out.length >= MAX_DIAGNOSTICS) return out;
  }
  if (graph) includeDiagnostics(graph, out);
  // pyproject.toml's arrays are separate lists: the same project in the dependencies and an extra is no duplicate.
  for (const part of separateLists(doc)) {
    const counts = projectCounts(part.lines);
    duplicateDiagnostics(filePath, part, graph, counts, out);
    conflictDiagnostics(filePath, part, graph, counts, out);
  }
  if (exists) pathDiagnostics(doc, exists, runsFrom, out);
  hashModeDiagnostics(doc, out);
  return out;
}

/** The document, or one document an array for requirements written in arrays. */
function separateLists(doc: ParsedDocument): ParsedDocument[] {
  if (!doc.kind || doc.kind === 'requirements') return [doc];
  const lists = new Map<string, LogicalLine[]>();
  for (const line of doc.lines) {
    const table = line.host?.table ?? '';
    const list = lists.get(table);
    if (list) list.push(line);
    else lists.set(table, [line]);
  }
  return [...lists.values()].map((lines) => ({ ...doc, lines }));
}

const SEVERITY: Record<SyntaxDiagnostic['severity'], DiagnosticSeverity> = { error: 1, warning: 2, information: 3, hint: 4 };

/** What `more-diagnostics` carries: the codes among the problems it stands for (`check --fail-on CODE` reads them). */
export interface MoreDiagnosticsData {
  codes: string[];
}

/**
 * At most MAX_DIAGNOSTICS of a file's diagnostics, and then one that says how many more there are, as
 * severe as the worst of them (so that `check` still fails on an error it does not show), and which codes they
 * have (so that `--fail-on vulnerable` fails on a vulnerable pin past the first thousand problems).
 */
export function capDiagnostics(all: Diagnostic[], doc: ParsedDocument): Diagnostic[] {
  const unconverted = doc.diagnostics.length > MAX_DIAGNOSTICS ? doc.diagnostics.slice(MAX_DIAGNOSTICS) : [];
  if (all.length <= MAX_DIAGNOSTICS && unconverted.length === 0) return all;
  const dropped = all.slice(MAX_DIAGNOSTICS);
  let worst: DiagnosticSeverity = DiagnosticSeverity.Hint;
  // Counted ones were never built: their code is not known.
  const codes = new Set<string>();
  for (const d of dropped) {
    worst = Math.min(worst, d.severity ?? 1) as DiagnosticSeverity;
    if (d.code !== DiagnosticCode.Counted && d.code !== undefined) codes.add(String(d.code));
  }
  for (const d of unconverted) {
    worst = Math.min(worst, SEVERITY[d.severity]) as DiagnosticSeverity;
    codes.add(d.code);
  }
  const more = dropped.length + unconverted.length;
  // Counted ones have no place of their own: then the last one shown stands for where the rest begin.
  const first = unconverted[0]?.range ?? dropped.find((d) => d.code !== DiagnosticCode.Counted)?.range ?? all[MAX_DIAGNOSTICS - 1].range;
  const kept = all.slice(0, MAX_DIAGNOSTICS);
  kept.push({
    range: { start: first.start, end: first.end },
    severity: worst,
    code: DiagnosticCode.MoreDiagnostics,
    source: SOURCE,
    message: `${thousands(more)} more problems in this file are not shown (only the first ${thousands(MAX_DIAGNOSTICS)} are).`,
    data: { codes: [...codes].sort() } satisfies MoreDiagnosticsData,
  });
  return kept;
}

/** 12345 → '12,345', without loading Intl (toLocaleString costs ~100 ms the first time). */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * A file reached through `-r`/`-c` as messages name it: its base name, or the one written on the line where a
 * variable gave the path (the resolved path holds the value, which may be a secret).
 */
export function includedName(edge: Pick<IncludeEdge, 'option' | 'target'>): string {
  const value = edge.option.value;
  return path.basename(value?.written !== undefined ? value.written : (edge.target ?? value?.text ?? '?'));
}

function includeDiagnostics(graph: IncludeGraph, out: Diagnostic[]): void {
  for (const edge of graph.edges) {
    const value = edge.option.value;
    if (!edge.target || edge.document || edge.pending || edge.cycle || !value) continue;
    // Where a variable gave the path, the file looked for is told as written: `${NAME}` kept.
    const looked = value.written !== undefined ? resolveIncludeTarget(graph.root, value.written) : edge.target;
    out.push({
      range: value.range,
      severity: DiagnosticSeverity.Error,
      code: DiagnosticCode.IncludeNotFound,
      source: SOURCE,
      message: `Cannot read '${shown(value)}'${looked ? ` (looked for ${looked})` : ''}; pip will stop here. Fix the path or create the file.`,
    });
  }
  // pip stops at the first bad line of any file it reads: say so on the -r/-c line that leads there.
  const broken = new Map<LogicalLine, string[]>();
  for (const f of graph.files) {
    const first = f.document.diagnostics.find((d) => d.severity === 'error');
    if (!first) continue;
    const edge = f.via[0];
    const list = broken.get(edge.line) ?? [];
    list.push(`${includedName(f.via[f.via.length - 1])}:${first.range.start.line + 1}: ${first.message}`);
    broken.set(edge.line, list);
  }
  for (const edge of graph.edges) {
    const problems = broken.get(edge.line);
    if (!problems || !edge.option.value) continue;
    out.push({
      range: edge.option.value.range,
      severity: DiagnosticSeverity.Error,
      code: DiagnosticCode.IncludeHasErrors,
      source: SOURCE,
      message: `pip will stop in an included file: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (and ${problems.length - 3} more files)` : ''}`,
    });
  }
  const reported = new Set<LogicalLine>();
  for (const chain of graph.cycles) {
    const first = chain[0];
    if (reported.has(first.line) || !first.option.value) continue;
    reported.add(first.line);
    const names = [path.basename(graph.root), ...chain.map(includedName)];
    out.push({
      range: first.option.value.range,
      severity: DiagnosticSeverity.Error,
      code: DiagnosticCode.IncludeCycle,
      source: SOURCE,
      message: `Include cycle: ${names.join(' → ')}. pip would read these files forever; remove one of the -r/-c lines.`,
    });
  }
}

interface Occurrence {
  uri: string;
  file: string;
  /** The line, not its nodes: a big file's first occurrences stay unbuilt until one is reported. */
  line: LogicalLine;
}

/** What makes two lines the same install: the project, and the marker (spaces ignored) when there is one. */
function lineKey(line: LogicalLine): string | undefined {
  // A line pip rejects installs nothing: its syntax error says so, not a duplicate warning built on a guess.
  if (pipRejects(line)) return undefined;
  // No `;`, no marker: the key needs no nodes.
  if (!line.text.includes(';')) return line.project;
  const r = line.requirement;
  if (!r?.name) return undefined;
  return r.marker ? `${r.name.normalized}\0${r.marker.text.replace(/\s+/g, '')}` : r.name.normalized;
}

/** How many lines name each project: reading `project` is cheap, and only a project named twice can repeat or clash. */
function projectCounts(lines: readonly LogicalLine[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) if (line.project) counts.set(line.project, (counts.get(line.project) ?? 0) + 1);
  return counts;
}

function duplicateDiagnostics(filePath: string, doc: ParsedDocument, graph: IncludeGraph | undefined, counts: Map<string, number>, out: Diagnostic[]): void {
  const ownUri = pathToFileURL(filePath).toString();
  const own = (line: LogicalLine): Occurrence => ({ uri: ownUri, file: filePath, line });
  // The first line of each key; lines only (no wrapper per line): a big file's pass keeps little alive.
  const seen = new Map<string, LogicalLine>();
  for (const line of doc.lines) {
    if (!line.project || counts.get(line.project)! < 2) continue;
    const key = lineKey(line);
    if (key === undefined) continue;
    const first = seen.get(key);
    if (!first) seen.set(key, line);
    else if (out.length >= MAX_DIAGNOSTICS) out.push(counted(DiagnosticSeverity.Warning));
    else out.push(duplicate(line.requirement!, own(first)));
  }
  if (!graph) return;
  // Requirements reached through -r count as the same install; -c constraints install nothing.
  const included = graph.files.filter((f) => f.kind === 'requirement');
  const theirs = new Set<string>();
  for (const file of included) for (const line of file.document.lines) if (line.project) theirs.add(line.project);
  const mine = new Set<string>();
  for (const line of doc.lines) if (line.project && theirs.has(line.project)) mine.add(line.project);
  if (mine.size === 0) return;
  const first = new Map<string, Occurrence>();
  for (const line of doc.lines) {
    const key = line.project && mine.has(line.project) ? lineKey(line) : undefined;
    if (key !== undefined && !first.has(key)) first.set(key, own(seen.get(key) ?? line));
  }
  for (const file of included) {
    const uri = pathToFileURL(file.path).toString();
    for (const line of file.document.lines) {
      if (!line.project || !mine.has(line.project)) continue;
      const key = lineKey(line);
      if (key === undefined) continue;
      const mineFirst = first.get(key);
      if (mineFirst && mineFirst.uri === ownUri) {
        out.push(
          out.length >= MAX_DIAGNOSTICS
            ? counted(DiagnosticSeverity.Warning)
            : duplicate(mineFirst.line.requirement!, { uri, file: file.path, line }, path.basename(file.path)),
        );
        first.set(key, { uri, file: file.path, line }); // report each of our lines once
      }
    }
  }
}

/**
 * Past MAX_DIAGNOSTICS a diagnostic is only counted (capDiagnostics says how many more there are, and
 * how severe): one shared object per severity, nothing built.
 */
const COUNTED = new Map<DiagnosticSeverity, Diagnostic>();
export function counted(severity: DiagnosticSeverity): Diagnostic {
  let d = COUNTED.get(severity);
  if (!d)
    COUNTED.set(
      severity,
      (d = Object.freeze({
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity,
        message: '',
        source: SOURCE,
        code: DiagnosticCode.Counted,
      })),
    );
  return d;
}

function duplicate(later: RequirementNode, firstOccurrence: Occurrence, where?: string): Diagnostic {
  const first = { ...firstOccurrence, requirement: firstOccurrence.line.requirement! };
  const related: DiagnosticRelatedInformation[] = [
    { location: { uri: first.uri, range: first.requirement.name!.range }, message: `'${shown(first.requirement.name!)}' is also required here` },
  ];
  const loc = where ? `in ${where} (included with -r)` : `on line ${first.requirement.name!.range.start.line + 1}`;
  return {
    range: later.name!.range,
    severity: DiagnosticSeverity.Warning,
    code: DiagnosticCode.DuplicateRequirement,
    source: SOURCE,
    message: `'${shown(later.name!)}' is already required ${loc}; keep one line (pip combines both specifiers, which can conflict).`,
    relatedInformation: related,
  };
}

/**
 * `django>=5` here and `django<4` in an included or constraints file: no release satisfies both, so
 * pip's resolver will fail. Lines with markers are left out (they may apply to different platforms).
 */
function conflictDiagnostics(filePath: string, doc: ParsedDocument, graph: IncludeGraph | undefined, counts: Map<string, number>, out: Diagnostic[]): void {
  const ownUri = pathToFileURL(filePath).toString();
  // Lines by project; only lines of included files carry where they are (the own file's are most of a big file).
  const mentions = new Map<string, LogicalLine[]>();
  const elsewhere = new Map<LogicalLine, Occurrence>();
  const collect = (lines: readonly LogicalLine[], only: Set<string>, where?: { uri: string; file: string }) => {
    for (const line of lines) {
      if (!line.project || !only.has(line.project)) continue;
      const list = mentions.get(line.project);
      if (list) list.push(line);
      else mentions.set(line.project, [line]);
      if (where) elsewhere.set(line, { ...where, line });
    }
  };
  const occurrence = (line: LogicalLine): Occurrence => elsewhere.get(line) ?? { uri: ownUri, file: filePath, line };
  // Only projects named more than once (here, or here and in an include) can conflict.
  const candidates = new Set<string>();
  for (const [p, n] of counts) if (n > 1) candidates.add(p);
  for (const f of graph?.files ?? []) for (const l of f.document.lines) if (l.project && counts.has(l.project)) candidates.add(l.project);
  if (candidates.size === 0) return;
  collect(doc.lines, candidates);
  for (const f of graph?.files ?? []) collect(f.document.lines, candidates, { uri: pathToFileURL(f.path).toString(), file: f.path });
  // Lines with the same text read the same: one of each is enough to know whether the clauses can hold.
  const seenTexts = new Set<string>();
  const clauses: ClauseText[] = [];
  for (const [, lines] of mentions) {
    if (lines.length < 2 || lines.every((l) => elsewhere.has(l))) continue;
    seenTexts.clear();
    clauses.length = 0;
    for (const line of lines) {
      const text = line.text;
      if (seenTexts.has(text)) continue;
      seenTexts.add(text);
      for (const c of constrainingClauses(line) ?? []) clauses.push(c);
    }
    if (satisfiable(clauses)) continue;
    // The nodes of one project's constraining lines at a time, for the messages.
    const list: (Occurrence & { requirement: RequirementNode })[] = [];
    for (const line of lines) {
      const r = line.requirement;
      if (constrains(r)) list.push({ ...occurrence(line), requirement: r });
    }
    if (list.length < 2 || !list.some((o) => o.uri === ownUri)) continue;
    for (const o of list) {
      if (o.uri !== ownUri) continue;
      if (out.length >= MAX_DIAGNOSTICS) {
        out.push(counted(DiagnosticSeverity.Error));
        continue;
      }
      const others = list.filter((x) => x !== o);
      out.push({
        range: o.requirement.specifier!.range,
        severity: DiagnosticSeverity.Error,
        code: DiagnosticCode.ConflictingSpecifiers,
        source: SOURCE,
        message: `No version of '${shown(o.requirement.name!)}' satisfies '${shown(o.requirement.specifier!)}' together with ${others
          .map((x) => `'${shown(x.requirement.specifier!)}'${x.uri === ownUri ? ` (line ${x.line.firstLine + 1})` : ` (${path.basename(x.file)})`}`)
          .join(', ')}; pip's resolver will fail.`,
        relatedInformation: others.map((x) => ({
          location: { uri: x.uri, range: x.requirement.specifier!.range },
          message: `'${shown(x.requirement.name!)}${shown(x.requirement.specifier!)}' here`,
        })),
        // What "keep either" needs: each side's specifier (as written: the edit copies it) and where it is.
        data: {
          specifier: shown(o.requirement.specifier!),
          others: others.map((x) => ({
            uri: x.uri,
            range: x.requirement.specifier!.range,
            specifier: shown(x.requirement.specifier!),
            where: x.uri === ownUri ? `line ${x.line.firstLine + 1}` : path.basename(x.file),
          })),
        },
      });
    }
  }
}

/** Whether a requirement narrows the versions for every platform: a name, no marker (it may apply elsewhere), a specifier. */
function constrains(r: RequirementNode | undefined): r is RequirementNode & { specifier: NonNullable<RequirementNode['specifier']> } {
  return !!r?.name && !r.marker && !!r.specifier?.clauses.length;
}

/** The clauses of a line that constrains (see `constrains`); a plain line's are read off its text. */
function constrainingClauses(line: LogicalLine): readonly ClauseText[] | undefined {
  const plain = quickClauses(line.text);
  if (plain) return plain;
  const r = line.requirement;
  return constrains(r) ? r.specifier.clauses : undefined;
}

/** Beyond this many hash-mode problems one summary line stands for the rest (a 5,000-line file in the wrong mode stays fast). */
const MAX_HASH_MODE = 100;

/** pip's hash-checking mode: once any requirement has --hash (or --require-hashes is set), every one needs a hash and a == pin. */
function hashModeDiagnostics(doc: ParsedDocument, out: Diagnostic[]): void {
  if (!doc.text.includes('--hash') && !doc.text.includes('--require-hashes')) return;
  const required = doc.lines.some(
    (l) => l.kind === 'option' && l.text.includes('--require-hashes') && l.options.some((o) => o.canonical === '--require-hashes'),
  );
  // Reading the text first keeps the nodes of unhashed lines unbuilt until they are reported.
  const reqLines = doc.lines.filter((l) => l.kind === 'requirement');
  const hashed = reqLines.filter((l) => l.text.includes('--hash') && l.requirement!.hashes.length > 0);
  if (!required && hashed.length === 0) return;
  const why = required ? '--require-hashes is set' : `${hashed.length} other requirement${hashed.length === 1 ? ' has' : 's have'} --hash`;
  const hashedSet = new Set(hashed);
  let reported = 0;
  let skipped = 0;
  for (const line of reqLines) {
    const isHashed = hashedSet.has(line);
    if (isHashed && !line.text.includes('==')) {
      // fall through to the pin check below
    } else if (isHashed) {
      const c = line.requirement!.specifier?.clauses;
      if (c?.length === 1 && (c[0].operator.text === '==' || c[0].operator.text === '===') && !c[0].version?.text.endsWith('.*')) continue;
    }
    if (reported >= MAX_HASH_MODE) {
      skipped++;
      continue;
    }
    reported++;
    const r = line.requirement!;
    const where = r.name?.range ?? r.url?.range ?? r.path?.range ?? r.range;
    if (r.editable) {
      out.push({
        range: where,
        severity: DiagnosticSeverity.Error,
        code: DiagnosticCode.HashMode,
        source: SOURCE,
        message: `pip cannot check hashes of an editable requirement, and ${why}: pip will refuse the whole file.`,
      });
    } else if (!isHashed) {
      out.push({
        range: where,
        severity: DiagnosticSeverity.Error,
        code: DiagnosticCode.HashMode,
        source: SOURCE,
        message: `This requirement has no --hash, but ${why}: pip will refuse the whole file. Add --hash=sha256:… for it.`,
      });
    } else if (r.name && !r.url && !r.path) {
      out.push({
        range: r.specifier?.range ?? where,
        severity: DiagnosticSeverity.Error,
        code: DiagnosticCode.HashMode,
        source: SOURCE,
        message: `In hash-checking mode pip needs an exact pin (==1.2.3) for '${shown(r.name)}'.`,
      });
    }
  }
  if (skipped > 0) {
    out.push({
      range: hashed[0]?.range ?? doc.lines[0].range,
      severity: DiagnosticSeverity.Error,
      code: DiagnosticCode.HashMode,
      source: SOURCE,
      message: `${skipped} more requirements are not hashed or not pinned with == (only the first ${MAX_HASH_MODE} are marked); pip will refuse the whole file.`,
    });
  }
}

/** A cheap look at the text, so that the nodes of ordinary `name==1.0` lines are not built. */
function mayBePath(text: string): boolean {
  // Most lines are `name==1.0`: no separator, no leading '.', '~' or '-', no archive name; no regex for those.
  const c = text.charCodeAt(text.search(/\S/));
  if (c !== 46 && c !== 126 && c !== 45 && text.indexOf('/') === -1 && text.indexOf('\\') === -1 && !ARCHIVE_WORD.test(text)) return false;
  const m = /^\s*((?:-e|--editable)(?:\s+|=))?(\S+)/.exec(text);
  const word = m?.[2] ?? '';
  if (word.includes('://') || /^[a-z+]+:/i.test(word)) return false;
  // An editable is always a path unless it is a URL; pip rejects `-e pkg` when ./pkg is not there.
  return !!m?.[1] || /^[.~/\\]|[/\\]|\.(whl|zip|tar\.gz|tgz|tar\.bz2|tar\.xz|tar)$/i.test(word);
}

/** An archive name anywhere in the line (the first word is checked exactly below). */
const ARCHIVE_WORD = /\.(whl|zip|tgz|tar)/i;

/**
 * pip looks at the disk: a path that does not exist is an error there (read as a name, then rejected). pip
 * resolves it from the folder it runs in; where that is unknown (the editor), a miss is a warning.
 */
function pathDiagnostics(doc: ParsedDocument, exists: PathExists, runsFrom: PipRunsFrom, out: Diagnostic[]): void {
  const severity = runsFrom.known ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;
  for (const line of doc.lines) {
    if (line.kind !== 'requirement' || !mayBePath(line.text)) continue;
    const p = line.requirement?.path;
    // An unset variable stays as written; a set one is looked up, and told as written (no resolved paths: they hold its value).
    if (!p || p.text.includes('${')) continue;
    const located = locateLocalPath(p.text, runsFrom, exists);
    if (located.installable) continue;
    const written = shown(p);
    const where = runsFrom.known
      ? ''
      : ` pip resolves a path on a requirement line from the folder it runs in (only -r/-c targets are relative to the file); run it where '${written}' is a project.`;
    if (located.found) {
      // Not an archive: pip needs a project folder, one with setup.py or pyproject.toml.
      out.push({
        range: p.range,
        severity,
        code: DiagnosticCode.NotAProject,
        source: SOURCE,
        message: `'${written}'${p.written === undefined ? ` (${located.looked.join(', ')})` : ''} is neither an archive (.whl, .tar.gz, .zip) nor a folder with setup.py or pyproject.toml; pip cannot install it.${where}`,
      });
      continue;
    }
    const editable = line.requirement?.editable;
    const looked = p.written === undefined ? ` (looked for ${located.looked.join(' and ')})` : '';
    out.push({
      range: p.range,
      severity,
      code: DiagnosticCode.PathNotFound,
      source: SOURCE,
      message: editable
        ? `'${written}' does not exist${looked}; -e needs a local project folder or a VCS URL (git+https://…).${where}`
        : `'${written}' does not exist${looked}; pip will reject this line.${where}`,
    });
  }
}
