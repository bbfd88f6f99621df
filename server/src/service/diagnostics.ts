// Diagnostics of one file: its syntax errors, its -r/-c includes (missing, cyclic) and duplicate requirements.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver-types';
import type { LogicalLine, ParsedDocument, RequirementNode } from '../syntax/types.js';
import type { IncludeGraph } from '../workspace/includes.js';
import { SOURCE, toDiagnostic } from './convert.js';

/** Diagnostics beyond this many are dropped, so a 200,000-line file of garbage stays responsive. */
export const MAX_DIAGNOSTICS = 1000;

export function computeDiagnostics(filePath: string, doc: ParsedDocument, graph: IncludeGraph | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of doc.diagnostics) {
    out.push(toDiagnostic(d));
    if (out.length >= MAX_DIAGNOSTICS) return out;
  }
  if (graph) includeDiagnostics(graph, out);
  duplicateDiagnostics(filePath, doc, graph, out);
  return out.slice(0, MAX_DIAGNOSTICS);
}

function includeDiagnostics(graph: IncludeGraph, out: Diagnostic[]): void {
  for (const edge of graph.edges) {
    if (!edge.target || edge.document || edge.cycle || !edge.option.value) continue;
    out.push({
      range: edge.option.value.range,
      severity: DiagnosticSeverity.Error,
      code: 'include-not-found',
      source: SOURCE,
      message: `Cannot read '${edge.option.value.text}' (looked for ${edge.target}); pip will stop here. Fix the path or create the file.`,
    });
  }
  const reported = new Set<LogicalLine>();
  for (const chain of graph.cycles) {
    const first = chain[0];
    if (reported.has(first.line) || !first.option.value) continue;
    reported.add(first.line);
    const names = [path.basename(graph.root), ...chain.map((e) => path.basename(e.target ?? '?'))];
    out.push({
      range: first.option.value.range,
      severity: DiagnosticSeverity.Error,
      code: 'include-cycle',
      source: SOURCE,
      message: `Include cycle: ${names.join(' → ')}. pip would read these files forever; remove one of the -r/-c lines.`,
    });
  }
}

interface Occurrence {
  uri: string;
  file: string;
  line: LogicalLine;
  requirement: RequirementNode;
}

function markerKey(r: RequirementNode): string {
  return r.marker ? r.marker.text.replace(/\s+/g, '') : '';
}

/** Lines that name a project more than once; reading `project` is cheap, the nodes are built only for these. */
function repeatedProjects(lines: readonly LogicalLine[], also: Set<string> = new Set()): LogicalLine[] {
  const count = new Map<string, number>();
  for (const line of lines) if (line.project) count.set(line.project, (count.get(line.project) ?? 0) + 1);
  return lines.filter((l) => l.project && ((count.get(l.project) ?? 0) > 1 || also.has(l.project)));
}

function duplicateDiagnostics(filePath: string, doc: ParsedDocument, graph: IncludeGraph | undefined, out: Diagnostic[]): void {
  const ownUri = pathToFileURL(filePath).toString();
  const seen = new Map<string, Occurrence>();
  const keyOf = (r: RequirementNode) => `${r.name!.normalized}\0${markerKey(r)}`;
  for (const line of repeatedProjects(doc.lines)) {
    const r = line.requirement;
    if (!r?.name) continue;
    const first = seen.get(keyOf(r));
    if (first) out.push(duplicate(r, first));
    else seen.set(keyOf(r), { uri: ownUri, file: filePath, line, requirement: r });
  }
  if (!graph) return;
  // Requirements reached through -r count as the same install; -c constraints install nothing.
  const included = graph.files.filter((f) => f.kind === 'requirement');
  const theirs = new Set<string>();
  for (const file of included) for (const line of file.document.lines) if (line.project) theirs.add(line.project);
  const mine = new Set<string>();
  for (const line of doc.lines) if (line.project && theirs.has(line.project)) mine.add(line.project);
  if (mine.size === 0) return;
  for (const line of doc.lines) {
    const r = line.project && mine.has(line.project) ? line.requirement : undefined;
    if (r?.name && !seen.has(keyOf(r))) seen.set(keyOf(r), { uri: ownUri, file: filePath, line, requirement: r });
  }
  for (const file of included) {
    const uri = pathToFileURL(file.path).toString();
    for (const line of file.document.lines) {
      if (!line.project || !mine.has(line.project)) continue;
      const r = line.requirement;
      if (!r?.name) continue;
      const key = keyOf(r);
      const own = seen.get(key);
      if (own && own.uri === ownUri) {
        out.push(duplicate(own.requirement, { uri, file: file.path, line, requirement: r }, path.basename(file.path)));
        seen.set(key, { uri, file: file.path, line, requirement: r }); // report each of our lines once
      }
    }
  }
}

function duplicate(later: RequirementNode, first: Occurrence, where?: string): Diagnostic {
  const related: DiagnosticRelatedInformation[] = [
    { location: { uri: first.uri, range: first.requirement.name!.range }, message: `'${first.requirement.name!.text}' is also required here` },
  ];
  const loc = where ? `in ${where} (included with -r)` : `on line ${first.requirement.name!.range.start.line + 1}`;
  return {
    range: later.name!.range,
    severity: DiagnosticSeverity.Warning,
    code: 'duplicate-requirement',
    source: SOURCE,
    message: `'${later.name!.text}' is already required ${loc}; keep one line (pip combines both specifiers, which can conflict).`,
    relatedInformation: related,
  };
}
