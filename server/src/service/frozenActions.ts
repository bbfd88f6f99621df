// pip freeze output in the editor: the hint on its first line, "Derive requirements.in", and the compile that
// follows it keeping today's versions. The derivation itself is workspace/frozen.ts; this shapes it for LSP.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeActionKind, DiagnosticSeverity, type CodeAction, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver-types';
import { evaluateMarker, markerEnvironment } from '../environment/markers.js';
import { lineContentEnd } from '../syntax/lines.js';
import type { ParsedDocument } from '../syntax/types.js';
import { BOUND_LABELS, deriveTopLevel, frozenButForSource, namesIn, readFrozen, renderRequirementsIn, requirementLine, type Bounds, type Derivation, type FrozenFile, SOURCE_BESIDE } from '../workspace/frozen.js';
import { COMMANDS } from './commandIds.js';
import { SOURCE_COMPILE } from './commandActions.js';
import type { IndexFacts } from './completion.js';
import { SOURCE } from './convert.js';
import type { EnvironmentFacts } from './environmentDiagnostics.js';

export const SOURCE_DERIVE_IN = `${CodeActionKind.Source}.deriveRequirementsIn`;

export interface FrozenFacts {
  environment?: EnvironmentFacts | null;
  index?: IndexFacts;
  readFile(filePath: string): string | undefined;
}

export interface FrozenAnalysis {
  file: FrozenFile;
  derivation: Derivation;
  /** `.venv (Python 3.12.1)'s installed metadata` / `the package index's metadata`. */
  metadataFrom: string;
  /** The `.in` beside the file and whether it exists already. */
  target: string;
  targetExists: boolean;
}

/** Without an environment: this machine's platform, and no Python version (a python_version marker stays undecided). */
const HOST_MARKERS = Object.fromEntries(Object.entries(markerEnvironment(undefined)).filter(([k]) => !/python_(full_)?version|implementation_version/.test(k)));

/** Per file, the derivation of its last pins with the environment's metadata (index metadata may still land: not kept). */
const lastDerivation = new Map<string, { key: string; environment: EnvironmentFacts | undefined; derivation: Derivation }>();

const memo = new WeakMap<ParsedDocument, { environment: unknown; targetExists: boolean; analysis: FrozenAnalysis | undefined }>();

/** The `.txt` read as pip freeze output and its top level; undefined for `.in` files and files with no pins. */
export function analyseFrozen(filePath: string, doc: ParsedDocument, facts: FrozenFacts, evenIfNotFrozen = false): FrozenAnalysis | undefined {
  if (!/\.txt$/i.test(filePath)) return undefined;
  const target = filePath.replace(/\.txt$/i, '.in');
  const targetExists = facts.readFile(target) !== undefined;
  const hit = evenIfNotFrozen ? undefined : memo.get(doc);
  // Environment facts are replaced when the venv changes; index metadata may land at any time, so only the former is memoized.
  if (hit && hit.environment === facts.environment && facts.environment && hit.targetExists === targetExists) return hit.analysis;
  const env = facts.environment ?? undefined;
  const file = readFrozen(doc, { sourceBeside: targetExists, installed: env ? (n) => env.installed(n)?.version : undefined, quick: !evenIfNotFrozen });
  let analysis: FrozenAnalysis | undefined;
  // A compiled or hand-written file is derived from only when asked (the command works on any .txt).
  if (file.pins.length && (file.frozen || file.reason === SOURCE_BESIDE || evenIfNotFrozen)) {
    const fromEnvironment = !!env?.requiresDist;
    const requiresDist = fromEnvironment ? env!.requiresDist!.bind(env) : facts.index?.requiresDist?.bind(facts.index);
    // Most keystrokes leave the pins as they were (a comment, a blank line): the last derivation of this file stands.
    const key = file.pins.map((p) => `${p.normalized}==${p.version ?? ''}[${p.extras.join(',')}]${p.marker ?? ''}`).join('\n');
    const last = lastDerivation.get(filePath);
    const derivation =
      last && last.key === key && last.environment === env && fromEnvironment
        ? last.derivation
        : deriveTopLevel(file.pins, {
            requiresDist: (name, version) => requiresDist?.(name, version),
            evaluateMarker: (marker, extras) => (env ? env.evaluateMarker(marker, extras) : evaluateMarker(marker, HOST_MARKERS, extras)),
          });
    if (fromEnvironment) {
      if (lastDerivation.size > 100) lastDerivation.clear();
      lastDerivation.set(filePath, { key, environment: env, derivation });
    }
    analysis = { file, derivation, metadataFrom: fromEnvironment ? `${env!.describe}'s installed metadata` : "the package index's metadata (no environment found)", target, targetExists };
  }
  if (facts.environment && !evenIfNotFrozen) memo.set(doc, { environment: facts.environment, targetExists, analysis });
  return analysis;
}

const TOP_LINE = (doc: ParsedDocument) => ({ start: { line: 0, character: 0 }, end: { line: 0, character: lineContentEnd(doc.text, doc.lineStarts, 0) } });

/** "Looks like pip freeze output: 10 of 12 pins are only here because another pin requires them". */
export function frozenHint(doc: ParsedDocument, analysis: FrozenAnalysis | undefined): Diagnostic[] {
  if (!analysis?.file.frozen) return [];
  const { file, derivation } = analysis;
  const known = file.pins.length - derivation.unknown.length;
  if (!known) return [];
  const transitive = file.pins.length - derivation.topLevel.length;
  if (transitive <= 0) return [];
  const missing = derivation.unknown.length ? ` The metadata of ${derivation.unknown.length} pin${derivation.unknown.length === 1 ? ' is' : 's are'} not known yet.` : '';
  return [
    {
      range: TOP_LINE(doc),
      severity: DiagnosticSeverity.Information,
      code: 'frozen-file',
      source: SOURCE,
      message: `Looks like pip freeze output: ${transitive} of ${file.pins.length} pins are only here because another pin requires them (read from ${analysis.metadataFrom}). Derive ${path.basename(analysis.target)} to keep the ${derivation.topLevel.length} top-level package${derivation.topLevel.length === 1 ? '' : 's'} and compile it.${missing}`,
    },
  ];
}

const uriOf = (p: string) => pathToFileURL(p).toString();

/** The new `.in`, or for an existing one the lines it lacks, as the server would write them. */
export function derivedRequirementsIn(analysis: FrozenAnalysis, bounds: Bounds, existingText: string | undefined): { text: string } | { edits: TextEdit[]; added: string[] } {
  const from = path.basename(analysis.target.replace(/\.in$/, '.txt'));
  if (existingText === undefined) return { text: renderRequirementsIn(analysis.derivation, { from, bounds, optionLines: analysis.file.optionLines, metadataFrom: analysis.metadataFrom }) };
  // Never overwrite: add what the existing file lacks at its end, as an edit the user sees before it applies.
  const present = namesIn(existingText);
  const added = analysis.derivation.topLevel.filter((p) => !present.has(p.normalized)).map((p) => requirementLine(p, bounds));
  const lines = existingText.split('\n');
  const end = { line: lines.length - 1, character: lines[lines.length - 1].length };
  const prefix = existingText === '' || existingText.endsWith('\n') ? '' : '\n';
  return { edits: added.length ? [{ range: { start: end, end }, newText: `${prefix}${added.join('\n')}\n` }] : [], added };
}

/**
 * "Derive requirements.in (top-level packages)" in three bound styles (the setting's first), and once the
 * `.in` exists "Compile requirements.in, keeping today's versions". `createFiles`: the client applies
 * CreateFile in a WorkspaceEdit; otherwise the action runs the command that writes the file.
 */
export function frozenActions(uri: string, doc: ParsedDocument, analysis: FrozenAnalysis | undefined, options: { bounds: Bounds; createFiles: boolean; diagnostics: Diagnostic[]; readFile: (p: string) => string | undefined }): CodeAction[] {
  if (!analysis) return [];
  const { file, target, targetExists } = analysis;
  const name = path.basename(target);
  const hint = options.diagnostics.filter((d) => d?.code === 'frozen-file');
  const kind = hint.length ? CodeActionKind.QuickFix : SOURCE_DERIVE_IN;
  const onlyBecauseOfIn = !file.frozen && file.reason === SOURCE_BESIDE;
  const out: CodeAction[] = [];
  if (file.frozen || onlyBecauseOfIn) {
    const order: Bounds[] = [options.bounds, ...(['none', 'minimum', 'compatible'] as Bounds[]).filter((b) => b !== options.bounds)];
    for (const bounds of order) {
      const label = bounds === 'none' ? '' : `, ${BOUND_LABELS[bounds]}`;
      const preferred = bounds === options.bounds;
      if (!targetExists) {
        const title = `Derive ${name} (top-level packages${label})`;
        const derived = derivedRequirementsIn(analysis, bounds, undefined) as { text: string };
        out.push(
          options.createFiles
            ? { title, kind, diagnostics: hint.length ? hint : undefined, isPreferred: preferred || undefined, edit: createFileEdit(uriOf(target), derived.text) }
            : { title, kind, diagnostics: hint.length ? hint : undefined, isPreferred: preferred || undefined, command: { title, command: COMMANDS.deriveIn, arguments: [uri, { bounds }] } },
        );
      } else {
        const derived = derivedRequirementsIn(analysis, bounds, options.readFile(target));
        if (!('edits' in derived) || !derived.added.length) break;
        out.push({ title: `Add ${derived.added.length} top-level package${derived.added.length === 1 ? '' : 's'} missing from ${name}${label}`, kind: SOURCE_DERIVE_IN, edit: { changes: { [uriOf(target)]: derived.edits } } });
        break; // one addition, with the setting's bounds, is enough to offer
      }
    }
  }
  if (onlyBecauseOfIn) {
    out.push({ title: `Compile ${name}, keeping today's versions`, kind: SOURCE_COMPILE, isPreferred: true, command: { title: `Compile ${name}`, command: COMMANDS.compile, arguments: [uriOf(target)] } });
  }
  return out;
}

function createFileEdit(uri: string, text: string): WorkspaceEdit {
  return {
    documentChanges: [
      // Fails, and with it the whole edit, if the file appeared meanwhile: never written over.
      { kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } },
      { textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: text }] },
    ],
  };
}

/** On the `.in`: compile it keeping the versions of a `.txt` beside it that is pip freeze output (no `# via`). */
export function compileKeepingVersions(uri: string, filePath: string, readFile: (p: string) => string | undefined): CodeAction[] {
  if (!filePath.endsWith('.in')) return [];
  const txt = filePath.replace(/\.in$/, '.txt');
  const text = readFile(txt);
  if (text === undefined) return [];
  if (!frozenButForSource(text)) return [];
  return [{ title: `Compile ${path.basename(filePath)}, keeping today's versions (from ${path.basename(txt)})`, kind: SOURCE_COMPILE, command: { title: 'Compile', command: COMMANDS.compile, arguments: [uri] } }];
}
