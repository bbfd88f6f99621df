// Small lookups over a parsed document: positions, the line at a position, the requirements.

import type { LogicalLine, ParsedDocument, Position, RequirementNode } from './types.js';

export function positionAt(doc: ParsedDocument, offset: number): Position {
  const starts = doc.lineStarts;
  offset = Math.max(0, Math.min(offset, doc.text.length));
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo] };
}

export function offsetAt(doc: ParsedDocument, position: Position): number {
  const starts = doc.lineStarts;
  if (position.line >= starts.length) return doc.text.length;
  if (position.line < 0) return 0;
  const next = position.line + 1 < starts.length ? starts[position.line + 1] : doc.text.length;
  return Math.max(starts[position.line], Math.min(starts[position.line] + position.character, next));
}

/** The logical line that covers physical line `line`. */
export function lineAt(doc: ParsedDocument, line: number): LogicalLine | undefined {
  const lines = doc.lines;
  let lo = 0;
  let hi = lines.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const l = lines[mid];
    if (line < l.firstLine) hi = mid - 1;
    else if (line > l.lastLine) lo = mid + 1;
    else return l;
  }
  return undefined;
}

export function requirementsOf(doc: ParsedDocument): { line: LogicalLine; requirement: RequirementNode }[] {
  const out: { line: LogicalLine; requirement: RequirementNode }[] = [];
  for (const line of doc.lines) if (line.requirement) out.push({ line, requirement: line.requirement });
  return out;
}
