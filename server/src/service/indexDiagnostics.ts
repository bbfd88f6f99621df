// What the package index says about each requirement: unknown project, no matching version, yanked pin, outdated pin.

import { DiagnosticSeverity, InlayHintKind, type Diagnostic, type InlayHint } from 'vscode-languageserver-types';
import type { ParsedDocument, RequirementNode } from '../syntax/types.js';
import { SOURCE } from './convert.js';
import { counted } from './diagnostics.js';
import { versionSatisfies } from './environmentDiagnostics.js';
import type { IndexFacts, ProjectFact } from '../shared/facts.js';
import { lineShapes, placed } from './lineShapes.js';
import { DiagnosticCode } from '../syntax/diagnosticCodes.js';
import { isSettled } from './settledLines.js';

export interface IndexDiagnosticOptions {
  /** Report pins older than the newest final release as hints. */
  outdated: boolean;
  /**
   * How many diagnostics will be shown (the file's cap less those before): past it a problem is only counted,
   * and no did-you-mean is searched for it.
   */
  room?: number;
}

function specOf(r: RequirementNode): string {
  return (r.specifier?.clauses ?? []).map((c) => `${c.operator.text}${c.version?.text ?? ''}`).join(',');
}

/** Only what the index knows now is used; a project not fetched yet is simply skipped (it is fetched in the background). */
/** Lines beyond this many use only facts already at hand, so opening a huge file does not fetch thousands of projects. */
const FETCH_FOR_FIRST = 300;

export function indexDiagnostics(doc: ParsedDocument, index: IndexFacts, options: IndexDiagnosticOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  const room = options.room ?? Infinity;
  const push = (d: Diagnostic) => out.push(out.length < room ? d : counted(d.severity!));
  let looked = 0;
  const lineShape = lineShapes(doc);
  for (const line of doc.lines) {
    if (!line.project) continue;
    // Look the project up before reading the line's shape: most lines have no facts yet.
    const unknown = index.knows?.(line.project) === false;
    const project = unknown ? undefined : looked++ < FETCH_FOR_FIRST || !index.peek ? index.project(line.project) : index.peek(line.project);
    if (!unknown && (!project || project.versions.length === 0)) continue;
    // What the line says, by its text: an unchanged line of the last version builds no nodes.
    const shape = lineShape(line);
    if (!shape.judged || !shape.name) continue;
    if (unknown) {
      // Past the cap it is counted: no did-you-mean is searched for a diagnostic nobody sees.
      if (out.length >= room) {
        out.push(counted(DiagnosticSeverity.Error));
        continue;
      }
      const hint = index.suggest?.(line.project);
      out.push({
        range: placed(shape.name.place, line.firstLine),
        severity: DiagnosticSeverity.Error,
        code: DiagnosticCode.UnknownPackage,
        source: SOURCE,
        message: `The index has no project '${shape.name.shown}'${hint ? `; did you mean '${hint}'?` : '.'}`,
        data: hint ? { suggestion: hint } : undefined,
      });
      continue;
    }
    if (!project) continue;
    const { spec, pin, pinShown } = shape;
    const specifier = () => placed(shape.specifier!, line.firstLine);
    if (spec && !project.versions.some((v) => !v.yanked && versionSatisfies(v.version, spec)) && !(pin && project.versions.some((v) => v.version === pin))) {
      push({
        range: specifier(),
        severity: DiagnosticSeverity.Error,
        code: DiagnosticCode.NoMatchingVersion,
        source: SOURCE,
        message: `No release of ${project.name} matches ${shape.shownSpec} (latest is ${project.latest ?? project.versions[0].version}).`,
      });
      continue;
    }
    const pinned = pin ? project.versions.find((v) => v.version === pin) : undefined;
    if (pinned?.yanked) {
      push({
        range: specifier(),
        severity: DiagnosticSeverity.Warning,
        code: DiagnosticCode.Yanked,
        source: SOURCE,
        message: `${project.name} ${pinShown} was yanked${typeof pinned.yanked === 'string' && pinned.yanked ? `: ${pinned.yanked}` : ''}.`,
        data: { name: project.name, nearest: nearestUnyanked(project, pin!) },
      });
    } else if (options.outdated && pin && project.latest && project.latest !== pin && !versionSatisfies(project.latest, spec)) {
      const message = `${project.name} ${project.latest} is available (pinned to ${pinShown}).`;
      push({ range: specifier(), severity: DiagnosticSeverity.Hint, code: DiagnosticCode.Outdated, source: SOURCE, message });
    }
  }
  return out;
}

function nearestUnyanked(project: ProjectFact, pin: string): string | undefined {
  const i = project.versions.findIndex((v) => v.version === pin);
  const candidates = project.versions.filter((v) => !v.yanked && !v.prerelease);
  // Versions are newest first: prefer the closest newer one, else the closest older one.
  const newer = project.versions
    .slice(0, Math.max(0, i))
    .reverse()
    .find((v) => !v.yanked && !v.prerelease);
  return newer?.version ?? candidates.find((v) => project.versions.indexOf(v) > i)?.version;
}

/** `requests==2.31.0  ⟶ 2.32.3`: after each requirement whose newest final release lies outside its specifier. */
export function outdatedHints(doc: ParsedDocument, index: IndexFacts, range?: { start: { line: number }; end: { line: number } }): InlayHint[] {
  const out: InlayHint[] = [];
  for (const line of doc.lines) {
    if (!line.project || (range && (line.lastLine < range.start.line || line.firstLine > range.end.line))) continue;
    // Syntax first: a line pip rejects or still being typed gets no hint built on a guess at its meaning.
    const r = isSettled(line) ? line.requirement : undefined;
    if (!r?.specifier?.clauses.length) continue;
    const project = index.project(line.project);
    if (!project?.latest || versionSatisfies(project.latest, specOf(r))) continue;
    out.push({
      position: (r.marker ?? r.specifier).range.end,
      label: `⟶ ${project.latest}`,
      kind: InlayHintKind.Type,
      paddingLeft: true,
      tooltip: `Newest final release of ${project.name}`,
    });
  }
  return out;
}
