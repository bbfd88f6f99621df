// Known vulnerabilities of pinned (or installed) releases: the `vulnerable` diagnostic, its hover section, and the
// release that fixes them all. Pure: the advisories, the index's releases and the environment come in as facts.

import * as path from 'node:path';
import { eq, gt, lte } from '@renovatebot/pep440';
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver-types';
import { lineAt, shown } from '../syntax/query.js';
import type { LogicalLine, ParsedDocument, RequirementNode } from '../syntax/types.js';
import type { LanguageServiceFacts } from './facts.js';
import type { FileContext } from '../workspace/context.js';
import { SOURCE } from './convert.js';
import { versionSatisfies } from '../shared/pep440.js';
import { pythonAllows } from './paths.js';
import { escapeMarkdown, isWebUrl, safeLink } from './markdown.js';
import type { Advisory, IgnoreEntry, ProjectFact, VulnerabilityFacts } from '../shared/facts.js';
import { lineShapes } from './lineShapes.js';
import { DiagnosticCode } from '../syntax/diagnosticCodes.js';

/** What a `vulnerable` diagnostic carries for its fixes. */
export interface VulnerableData {
  name: string;
  version: string;
  installed: boolean;
  ids: string[];
  /** The lowest release that fixes every advisory, from the advisories alone. */
  fixedBy?: string;
}

function safe<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

/**
 * The version a line is checked at: its exact pin (`==`, `===`), else the installed one; with how it was found.
 * A pin that a variable gives is not checked: the advisory service would be sent its value (maybe a secret).
 */
export function checkedVersion(
  line: LogicalLine,
  installed?: (name: string) => string | undefined,
): { version: string; installed: boolean; requirement: RequirementNode } | undefined {
  const r = line.requirement;
  if (!line.project || !r?.name || r.url || r.path) return undefined;
  const clauses = r.specifier?.clauses ?? [];
  const exact = clauses.find((c) => (c.operator.text === '==' && !c.version?.text.endsWith('.*')) || c.operator.text === '===');
  if (exact?.version?.written !== undefined) return undefined;
  if (exact?.version?.text) return { version: exact.version.text, installed: false, requirement: r };
  const version = installed?.(line.project);
  return version ? { version, installed: true, requirement: r } : undefined;
}

/** Advisories that count: not withdrawn, not ignored by id or alias. */
export function activeAdvisories(advisories: Advisory[] | undefined, ignore: string[] = []): Advisory[] {
  if (!advisories?.length) return [];
  const ignored = new Set(ignore.map((i) => i.trim().toUpperCase()));
  return advisories.filter((a) => !a.withdrawn && !ignored.has(a.id.toUpperCase()) && !a.aliases.some((x) => ignored.has(x.toUpperCase())));
}

/** Whether release `candidate` (newer than `current`) fixes the advisory: one of its fixed-in releases is at or below it. */
export function fixes(advisory: Advisory, current: string, candidate: string): boolean {
  return safe(() => gt(candidate, current) && advisory.fixedIn.some((f) => safe(() => gt(f, current) && lte(f, candidate), false)), false);
}

/** The lowest release named by the advisories that fixes them all; undefined when none does. */
export function lowestFixAll(advisories: Advisory[], current: string): string | undefined {
  const candidates = [...new Set(advisories.flatMap((a) => a.fixedIn))]
    .filter((v) => safe(() => gt(v, current), false))
    .sort((a, b) => (safe(() => gt(a, b), false) ? 1 : -1));
  return candidates.find((c) => advisories.every((a) => fixes(a, current, c)));
}

/** The nearest release on the index that fixes every advisory, is not yanked, is final, and fits the Python in use. */
export function nearestFixRelease(
  project: ProjectFact | undefined,
  current: string,
  advisories: Advisory[],
  python?: string,
  allowed: string[] = [],
): string | undefined {
  if (!project) return undefined;
  // Versions are newest first: the nearest is the last that qualifies.
  const ok = project.versions.filter(
    (v) =>
      !v.yanked &&
      !v.prerelease &&
      (!python || !v.requiresPython || pythonAllows(python, v.requiresPython) !== false) &&
      allowed.every((s) => versionSatisfies(v.version, s.replace(/\s+/g, '')) !== false) &&
      advisories.every((a) => fixes(a, current, v.version)),
  );
  return ok.length ? ok[ok.length - 1].version : undefined;
}

/** `PYSEC-2023-74 / CVE-2023-32681`: the id and its CVE aliases. */
export function advisoryLabel(a: Advisory): string {
  const cves = a.aliases.filter((x) => /^CVE-/i.test(x) && x !== a.id);
  return [a.id, ...cves].join(' / ');
}

/** "ignored until 2099-01-01 by osv-scanner.toml: <reason>" (or "(no reason given)"). */
function ignoredWords(entry: IgnoreEntry): string {
  const until = entry.until ? ` until ${entry.until.toISOString().slice(0, 10)}` : '';
  return `ignored${until} by ${path.basename(entry.file)}${entry.reason ? `: ${entry.reason}` : ' (no reason given)'}`;
}

function fixWords(n: number): string {
  return n === 1 ? 'fixes it' : n === 2 ? 'fixes both' : 'fixes all of them';
}

// Per parsed document (one per version): its requirement lines with their exact pins, so that a re-check on every
// keystroke or every arrival of advisories only looks them up; a pin is read off the line's shape (by its text:
// the lines of the last version cost a look-up each).
const pinsOf = new WeakMap<ParsedDocument, { line: LogicalLine; project: string; pin?: string }[]>();

function requirementLines(doc: ParsedDocument) {
  let found = pinsOf.get(doc);
  if (!found) {
    found = [];
    const lineShape = lineShapes(doc);
    for (const line of doc.lines) if (line.project) found.push({ line, project: line.project, pin: lineShape(line).exact });
    pinsOf.set(doc, found);
  }
  return found;
}

/** The `vulnerable` diagnostics of a file, or of its lines `first` to `last` (physical, inclusive). */
export function vulnerabilityDiagnostics(uri: string, doc: ParsedDocument, facts: VulnerabilityFacts, lines?: { first: number; last: number }): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const { line, project, pin } of requirementLines(doc)) {
    if (lines && (line.lastLine < lines.first || line.firstLine > lines.last)) continue;
    const version = pin ?? facts.installed?.(project);
    const known = version ? facts.advisories(project, version) : undefined;
    if (!known?.length) continue;
    const checked = checkedVersion(line, facts.installed);
    if (!checked) continue;
    const counted = activeAdvisories(known, facts.ignore);
    // Ignored in an osv-scanner.toml with a reason: shown as a hint that names the entry, not as a warning.
    const ignored = facts.ignoredBy
      ? counted.flatMap((a) => (facts.ignoredBy!([a.id, ...a.aliases]) ? [{ advisory: a, entry: facts.ignoredBy!([a.id, ...a.aliases])! }] : []))
      : [];
    const advisories = ignored.length ? counted.filter((a) => !ignored.some((i) => i.advisory === a)) : counted;
    const r = checked.requirement;
    const name = shown(r.name!);
    for (const { advisory, entry } of ignored) {
      out.push({
        range: checked.installed ? r.name!.range : (r.specifier?.range ?? r.name!.range),
        severity: DiagnosticSeverity.Hint,
        code: DiagnosticCode.VulnerabilityIgnored,
        source: SOURCE,
        message: `${name} ${checked.version}: ${advisoryLabel(advisory)} is ${ignoredWords(entry)}.`,
        data: { id: advisory.id, file: entry.file },
      });
    }
    if (!advisories.length) continue;
    const fixedBy = lowestFixAll(advisories, checked.version);
    const n = advisories.length;
    const what = `${name} ${checked.version}${checked.installed ? ' (installed)' : ''}`;
    const ids = advisories.map(advisoryLabel).join(', ');
    const summary = n === 1 && advisories[0].summary ? `: ${advisories[0].summary}` : '';
    const fix = fixedBy
      ? `; ${fixedBy} ${fixWords(n)}`
      : advisories.some((a) => a.fixedIn.length)
        ? '; no single release fixes them all'
        : '; no fixed release is known';
    const range = checked.installed ? r.name!.range : (r.specifier?.range ?? r.name!.range);
    const related: DiagnosticRelatedInformation[] = advisories.map((a) => ({
      location: { uri, range },
      message: `${advisoryLabel(a)}${a.summary ? `: ${a.summary}` : ''}${a.fixedIn.length ? ` (fixed in ${a.fixedIn.join(', ')})` : ' (no fix yet)'}`,
    }));
    // The diagnostic's link is clicked in the editor: an http(s) page only.
    const link = advisories.find((a) => a.link && isWebUrl(a.link))?.link;
    out.push({
      range,
      severity: facts.severity ?? DiagnosticSeverity.Warning,
      code: DiagnosticCode.Vulnerable,
      source: SOURCE,
      message: `${what} has ${n === 1 ? 'a known vulnerability' : `${n} known vulnerabilities`} (${ids}${summary})${fix}.`,
      ...(link ? { codeDescription: { href: link } } : {}),
      relatedInformation: related,
      data: { name: project, version: checked.version, installed: checked.installed, ids: advisories.map((a) => a.id), fixedBy } satisfies VulnerableData,
    });
  }
  return out;
}

/** The hover's section on a release's advisories (markdown; what the advisories say is escaped text); undefined when it has none. */
export function vulnerabilityHoverSection(
  version: string,
  advisories: Advisory[],
  installed: boolean,
  ignoredBy?: (ids: string[]) => IgnoreEntry | undefined,
): string | undefined {
  if (!advisories.length) return undefined;
  const head = `**${advisories.length === 1 ? 'A known vulnerability' : `${advisories.length} known vulnerabilities`}** in ${escapeMarkdown(version)}${installed ? ' (installed)' : ''}`;
  const items = advisories.map((a) => {
    const id = a.link ? safeLink(a.link, a.id) : escapeMarkdown(a.id);
    const aliases = a.aliases.filter((x) => x !== a.id);
    const fixed = a.fixedIn.length ? `fixed in ${escapeMarkdown(a.fixedIn.join(', '))}` : 'no fix yet';
    // An advisory an osv-scanner.toml ignores says so here too: the hint that says it is easy to miss (VS Code's
    // Problems panel lists no hints), and the hover would otherwise contradict it.
    const entry = ignoredBy?.([a.id, ...a.aliases]);
    const ignored = entry ? ` — *${escapeMarkdown(ignoredWords(entry))}*` : '';
    const summary = a.summary ? `: ${escapeMarkdown(a.summary)}` : '';
    return `- ${id}${aliases.length ? ` (${escapeMarkdown(aliases.join(', '))})` : ''}${summary} — ${fixed}${ignored}`;
  });
  const fixedBy = lowestFixAll(advisories, version);
  return `${head}\n${items.join('\n')}${fixedBy ? `\n\n${escapeMarkdown(fixedBy)} ${fixWords(advisories.length)}.` : ''}`;
}

/** The hover section of the requirement under the cursor; the facts are asked for only on a requirement line. */
export function vulnerabilityHoverAt(
  doc: ParsedDocument,
  position: { line: number; character: number },
  factsOf: () => VulnerabilityFacts | undefined,
): string | undefined {
  const line = lineAt(doc, position.line, position.character);
  const facts = line?.project ? factsOf() : undefined;
  const checked = facts && line ? checkedVersion(line, facts.installed) : undefined;
  if (!checked || !facts) return undefined;
  const advisories = activeAdvisories(facts.advisories(line!.project!, checked.version), facts.ignore);
  return vulnerabilityHoverSection(checked.version, advisories, checked.installed, facts.ignoredBy);
}

/** Advisory facts of a file, with the installed versions of its environment for lines that are not pinned. */
export function vulnerabilityFactsOf(facts: LanguageServiceFacts, ctx: FileContext): VulnerabilityFacts | undefined {
  const { path: filePath, document: doc } = ctx;
  const v = facts.vulnerabilities?.(filePath, doc);
  if (!v) return undefined;
  const env = facts.environment?.(filePath);
  // A version the index is known not to have (half typed, `requests==2.3`) is not asked about: no-matching-version
  // says it; nor a project the index does not list (unknown-package says it: pip cannot install it from there).
  const index = facts.index?.(ctx);
  const released = (name: string, version: string) => {
    if (index?.knows?.(name) === false) return false;
    const project = index?.peek?.(name);
    return !project?.versions.length || project.versions.some((r) => r.version === version || safe(() => eq(r.version, version), false));
  };
  return {
    ...v,
    advisories: (name, version) => (released(name, version) ? v.advisories(name, version) : undefined),
    installed: env ? (name) => env.installed(name)?.version : undefined,
  };
}
