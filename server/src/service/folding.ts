// Folding ranges: runs of comment lines, and pip-compile's `# via` blocks under a pin.

import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver-types';
import type { ParsedDocument } from '../syntax/types.js';

export function foldingRanges(doc: ParsedDocument): FoldingRange[] {
  const out: FoldingRange[] = [];
  const lines = doc.lines;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.kind === 'comment') {
      let j = i;
      while (j + 1 < lines.length && lines[j + 1].kind === 'comment' && !/^\s*#\s*via\b/.test(lines[j + 1].text)) j++;
      if (j > i) out.push({ startLine: line.firstLine, endLine: lines[j].lastLine, kind: FoldingRangeKind.Comment });
      i = j + 1;
      continue;
    }
    if (line.kind === 'requirement' && i + 1 < lines.length && /^\s+#\s*via\b/.test(lines[i + 1].text)) {
      let j = i + 1;
      while (j + 1 < lines.length && lines[j + 1].kind === 'comment' && /^\s+#/.test(lines[j + 1].text) && !/^\s*#\s*via\b/.test(lines[j + 1].text)) j++;
      if (lines[j].lastLine > line.lastLine) out.push({ startLine: line.firstLine, endLine: lines[j].lastLine });
      i = j + 1;
      continue;
    }
    if (line.lastLine > line.firstLine) out.push({ startLine: line.firstLine, endLine: line.lastLine });
    i++;
  }
  return out;
}
