// pip freeze output in the editor: the file read as freeze output with its top level, the hint on its first line,
// and the `.in` a derivation writes. The derivation itself is workspace/frozen.ts; this shapes it for LSP.

import * as path from 'node:path';
import { DiagnosticSeverity, type Diagnostic, type TextEdit } from 'vscode-languageserver-types';
import { evaluateMarker, markerEnvironment } from '../environment/markers.js';
import { lineContentEnd } from '../syntax/lines.js';
import type { ParsedDocument } from '../syntax/types.js';
import {
  deriveTopLevel,
  namesIn,
  readFrozen,
  renderRequirementsIn,
  requirementLine,
  SOURCE_BESIDE,
  type Bounds,
  type Derivation,
  type FrozenFile,
  type FrozenPin,
} from '../workspace/frozen.js';
import { SOURCE } from './convert.js';
import type { EnvironmentFacts, IndexFacts } from '../shared/facts.js';
import { DiagnosticCode } from '../syntax/diagnosticCodes.js';

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

/** What a derivation depends on besides the environment: each pin as written, in file order. */
const pinsKey = (pins: FrozenPin[]) => pins.map((p) => `${p.text}[${p.extras.join(',')}]`).join('\n');

/** A derivation made from other pin objects with the same text (an earlier version), told in terms of `pins`. */
function rebase(derivation: Derivation, from: FrozenPin[], pins: FrozenPin[]): Derivation {
  const index = new Map(from.map((p, i) => [p, i]));
  const to = (p: FrozenPin) => pins[index.get(p)!];
  return {
    topLevel: derivation.topLevel.map(to),
    requiredBy: derivation.requiredBy,
    cycles: derivation.cycles.map((c) => ({ kept: to(c.kept), members: c.members.map(to) })),
    unknown: derivation.unknown.map(to),
  };
}

export type FrozenAnalyser = (filePath: string, doc: ParsedDocument, facts: FrozenFacts, evenIfNotFrozen?: boolean) => FrozenAnalysis | undefined;

/**
 * Reads a `.txt` as pip freeze output with its top level; undefined for `.in` files and files with no pins.
 * Its memos belong to the analyser (one per language service) and are keyed by immutable inputs only: the
 * parsed document (one per version) and the environment snapshot (replaced when the venv changes).
 */
export function createFrozenAnalyser(): FrozenAnalyser {
  const byDocument = new WeakMap<ParsedDocument, { environment: EnvironmentFacts; targetExists: boolean; analysis: FrozenAnalysis | undefined }>();
  // Most keystrokes leave the pins as they were (a comment, a blank line): the derivation of the same pins under
  // the same environment stands. Index metadata may land at any time, so only environment derivations are kept.
  const derivations = new WeakMap<EnvironmentFacts, Map<string, { pins: FrozenPin[]; derivation: Derivation }>>();

  return (filePath, doc, facts, evenIfNotFrozen = false) => {
    if (!/\.txt$/i.test(filePath)) return undefined;
    const target = filePath.replace(/\.txt$/i, '.in');
    const targetExists = facts.readFile(target) !== undefined;
    const env = facts.environment ?? undefined;
    const hit = evenIfNotFrozen ? undefined : byDocument.get(doc);
    if (hit && env && hit.environment === env && hit.targetExists === targetExists) return hit.analysis;
    const file = readFrozen(doc, { sourceBeside: targetExists, installed: env ? (n) => env.installed(n)?.version : undefined, quick: !evenIfNotFrozen });
    let analysis: FrozenAnalysis | undefined;
    // A compiled or hand-written file is derived from only when asked (the command works on any .txt).
    if (file.pins.length && (file.frozen || file.reason === SOURCE_BESIDE || evenIfNotFrozen)) {
      const fromEnvironment = !!env?.requiresDist;
      // A project the index does not list has no metadata there: not asked for (a big file of unknown names asked for each pin).
      const index = facts.index;
      const unlisted = (name: string) => index?.knows?.(name) === false;
      const fromIndex = index?.requiresDist && ((name: string, version?: string) => (unlisted(name) ? undefined : index.requiresDist!(name, version)));
      const requiresDist = fromEnvironment ? env!.requiresDist!.bind(env) : fromIndex;
      const derive = () =>
        deriveTopLevel(file.pins, {
          requiresDist: (name, version) => requiresDist?.(name, version),
          evaluateMarker: (marker, extras) => (env ? env.evaluateMarker(marker, extras) : evaluateMarker(marker, HOST_MARKERS, extras)),
        });
      let derivation: Derivation;
      if (fromEnvironment) {
        let known = derivations.get(env!);
        if (!known) derivations.set(env!, (known = new Map()));
        const key = pinsKey(file.pins);
        const last = known.get(key);
        derivation = last ? rebase(last.derivation, last.pins, file.pins) : derive();
        if (known.size >= 16) known.delete(known.keys().next().value!);
        known.delete(key);
        known.set(key, { pins: file.pins, derivation });
      } else derivation = derive();
      analysis = {
        file,
        derivation,
        metadataFrom: fromEnvironment ? `${env!.describe}'s installed metadata` : "the package index's metadata (no environment found)",
        target,
        targetExists,
      };
    }
    if (env && !evenIfNotFrozen) byDocument.set(doc, { environment: env, targetExists, analysis });
    return analysis;
  };
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
  const missing = derivation.unknown.length
    ? ` The metadata of ${derivation.unknown.length} pin${derivation.unknown.length === 1 ? ' is' : 's are'} not known yet.`
    : '';
  return [
    {
      range: TOP_LINE(doc),
      severity: DiagnosticSeverity.Information,
      code: DiagnosticCode.FrozenFile,
      source: SOURCE,
      message: `Looks like pip freeze output: ${transitive} of ${file.pins.length} pins are only here because another pin requires them (read from ${analysis.metadataFrom}). Derive ${path.basename(analysis.target)} to keep the ${derivation.topLevel.length} top-level package${derivation.topLevel.length === 1 ? '' : 's'} and compile it.${missing}`,
    },
  ];
}

/** The new `.in`, or for an existing one the lines it lacks, as the server would write them. */
export function derivedRequirementsIn(
  analysis: FrozenAnalysis,
  bounds: Bounds,
  existingText: string | undefined,
): { text: string } | { edits: TextEdit[]; added: string[] } {
  const from = path.basename(analysis.target.replace(/\.in$/, '.txt'));
  if (existingText === undefined)
    return { text: renderRequirementsIn(analysis.derivation, { from, bounds, optionLines: analysis.file.optionLines, metadataFrom: analysis.metadataFrom }) };
  // Never overwrite: add what the existing file lacks at its end, as an edit the user sees before it applies.
  const present = namesIn(existingText);
  const added = analysis.derivation.topLevel.filter((p) => !present.has(p.normalized)).map((p) => requirementLine(p, bounds));
  const lines = existingText.split('\n');
  const end = { line: lines.length - 1, character: lines[lines.length - 1].length };
  const prefix = existingText === '' || existingText.endsWith('\n') ? '' : '\n';
  return { edits: added.length ? [{ range: { start: end, end }, newText: `${prefix}${added.join('\n')}\n` }] : [], added };
}
