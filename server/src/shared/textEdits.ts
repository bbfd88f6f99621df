// The smallest whole-line edit that turns one text into another: what a server-made change to an open document
// sends, so that the editor keeps its cursor and folds outside the lines that changed, and one undo reverts it.

import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextEdit } from 'vscode-languageserver-types';

/** One edit replacing the lines that differ (common leading and trailing lines kept); undefined when nothing does. */
export function replacingEdit(doc: TextDocument, next: string): TextEdit | undefined {
  const now = doc.getText();
  if (now === next) return undefined;
  let start = 0;
  // The common prefix, cut back to a line start.
  while (start < now.length && start < next.length && now.charCodeAt(start) === next.charCodeAt(start)) start++;
  start = start === 0 ? 0 : now.lastIndexOf('\n', start - 1) + 1;
  let end = 0;
  // The common suffix, not reaching into the prefix, cut forward to just after a line break.
  const room = Math.min(now.length, next.length) - start;
  while (end < room && now.charCodeAt(now.length - 1 - end) === next.charCodeAt(next.length - 1 - end)) end++;
  while (end > 0 && now.charCodeAt(now.length - end - 1) !== 10) end--;
  return { range: { start: doc.positionAt(start), end: doc.positionAt(now.length - end) }, newText: next.slice(start, next.length - end) };
}
