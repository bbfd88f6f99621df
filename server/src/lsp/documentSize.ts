// Documents too big to analyse: kept as the editor sent them (the editor owns the text, and a later edit
// may shrink it), never parsed nor handed to the workspace store, answered with one diagnostic that says
// so and empty results. A 10 MB file costs 2.4 s and 420 MB to check today, 50 MB hung the server.

import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DiagnosticCode } from '../syntax/diagnosticCodes.js';

const MB = 1024 * 1024;
/** The most text (UTF-16 code units, bytes for ASCII) a document may have to be analysed. */
export const MAX_ANALYSED_CHARS = 10 * MB;

export const tooLarge = (document: TextDocument): boolean => document.getText().length > MAX_ANALYSED_CHARS;

/** Whether an open document is analysed (undefined: not open). */
export const analysed = (document: TextDocument | undefined): document is TextDocument => document !== undefined && !tooLarge(document);

/** The diagnostics of a document that is not analysed: one on its first line, saying why (none for other documents). */
export function tooLargeDiagnostics(document: TextDocument | undefined): Diagnostic[] {
  if (!document || !tooLarge(document)) return [];
  const text = document.getText();
  const head = text.slice(0, 1000);
  const eol = head.search(/\r|\n/);
  const size = Math.round((text.length / MB) * 10) / 10;
  return [
    {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: eol < 0 ? head.length : eol } },
      severity: DiagnosticSeverity.Warning,
      source: 'requirements',
      code: DiagnosticCode.FileTooLarge,
      message: `This file is ${size} MB; files over ${MAX_ANALYSED_CHARS / MB} MB are not checked`,
    },
  ];
}
