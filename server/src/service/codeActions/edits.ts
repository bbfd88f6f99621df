// Edit helpers the code actions share: a one-file WorkspaceEdit, whole-line ranges, a line's exact pin,
// and `--hash` continuation lines written as pip-compile writes them.

import type { Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import type { LogicalLine, ParsedDocument, RequirementNode } from '../../syntax/types.js';

export function fileEdit(uri: string, edits: TextEdit[]): WorkspaceEdit {
  return { changes: { [uri]: edits } };
}

/** The physical lines of a logical line, with its line break (so that deleting it leaves no blank line). */
export function wholeLines(line: LogicalLine, doc: ParsedDocument): Range {
  const next = line.lastLine + 1;
  return next < doc.lineStarts.length
    ? { start: { line: line.firstLine, character: 0 }, end: { line: next, character: 0 } }
    : { start: { line: line.firstLine, character: 0 }, end: line.range.end };
}

export function positionAtEnd(doc: ParsedDocument): { line: number; character: number } {
  const last = doc.lineStarts.length - 1;
  return { line: last, character: doc.text.length - doc.lineStarts[last] };
}

/**
 * The exact pin of a line (`==1.2.3`), or undefined; also for a pin a variable gives (`==${VERSION}`): the fixes
 * and titles that use a pin would show its value, or replace the variable.
 */
export function exactPin(r: RequirementNode | undefined): string | undefined {
  const c = r?.specifier?.clauses;
  const version = c?.length === 1 && c[0].operator.text === '==' && c[0].operator.written === undefined ? c[0].version : undefined;
  return version && version.written === undefined && !version.text.endsWith('.*') ? version.text : undefined;
}

/** A named requirement from the index (not a URL, a path or an editable). */
export function plainRequirement(line: LogicalLine): RequirementNode | undefined {
  if (!line.project) return undefined;
  const r = line.requirement;
  return r?.name && !r.url && !r.path && !r.editable ? r : undefined;
}

/** The text that adds `--hash` options after a requirement, one per continued line as pip-compile writes them. */
export function hashContinuation(hashes: string[], eol: string): string {
  return hashes.map((h) => ` \\${eol}    --hash=${h}`).join('');
}

export function eolOf(doc: ParsedDocument): string {
  return doc.text.includes('\r\n') ? '\r\n' : '\n';
}
