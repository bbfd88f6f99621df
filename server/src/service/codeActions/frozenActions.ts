// pip freeze output: "Derive requirements.in (top-level packages)" in three bound styles, the lines an existing
// `.in` lacks, and once the `.in` exists "Compile requirements.in, keeping today's versions".

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeActionKind, type CodeAction, type Diagnostic, type WorkspaceEdit } from 'vscode-languageserver-types';
import { BOUND_LABELS, frozenButForSource, SOURCE_BESIDE, type Bounds } from '../../workspace/frozen.js';
import { COMMANDS } from '../commandIds.js';
import { derivedRequirementsIn, type FrozenAnalysis } from '../frozenFile.js';
import { SOURCE_COMPILE, SOURCE_DERIVE_IN } from './kinds.js';

/** Every kind these actions have: the derive is a quick fix of the `frozen-file` hint, else a source action. */
export const FROZEN_ACTION_KINDS = [CodeActionKind.QuickFix, SOURCE_DERIVE_IN, SOURCE_COMPILE];

const uriOf = (p: string) => pathToFileURL(p).toString();

/**
 * "Derive requirements.in (top-level packages)" in three bound styles (the setting's first), and once the
 * `.in` exists "Compile requirements.in, keeping today's versions". `createFiles`: the client applies
 * CreateFile in a WorkspaceEdit; otherwise the action runs the command that writes the file.
 */
export function frozenActions(
  uri: string,
  analysis: FrozenAnalysis | undefined,
  options: { bounds: Bounds; createFiles: boolean; diagnostics: Diagnostic[]; readFile: (p: string) => string | undefined },
): CodeAction[] {
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
            ? {
                title,
                kind,
                diagnostics: hint.length ? hint : undefined,
                isPreferred: preferred || undefined,
                edit: createFileEdit(uriOf(target), derived.text),
              }
            : {
                title,
                kind,
                diagnostics: hint.length ? hint : undefined,
                isPreferred: preferred || undefined,
                command: { title, command: COMMANDS.deriveIn, arguments: [uri, { bounds }] },
              },
        );
      } else {
        const derived = derivedRequirementsIn(analysis, bounds, options.readFile(target));
        if (!('edits' in derived) || !derived.added.length) break;
        out.push({
          title: `Add ${derived.added.length} top-level package${derived.added.length === 1 ? '' : 's'} missing from ${name}${label}`,
          kind: SOURCE_DERIVE_IN,
          edit: { changes: { [uriOf(target)]: derived.edits } },
        });
        break; // one addition, with the setting's bounds, is enough to offer
      }
    }
  }
  if (onlyBecauseOfIn) {
    out.push({
      title: `Compile ${name}, keeping today's versions`,
      kind: SOURCE_COMPILE,
      isPreferred: true,
      command: { title: `Compile ${name}`, command: COMMANDS.compile, arguments: [uriOf(target)] },
    });
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
  return [
    {
      title: `Compile ${path.basename(filePath)}, keeping today's versions (from ${path.basename(txt)})`,
      kind: SOURCE_COMPILE,
      command: { title: 'Compile', command: COMMANDS.compile, arguments: [uri] },
    },
  ];
}
