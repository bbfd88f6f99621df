// Small lookups over a parsed document: positions, the line at a position, the requirements.

import type { LogicalLine, ParsedDocument, Position, RequirementNode } from './types.js';

export function positionAt(doc: Pick<ParsedDocument, 'lineStarts' | 'text'>, offset: number): Position {
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

/**
 * The logical line that covers physical line `line`. A requirement written in a string (pyproject.toml, a script,
 * a lock) is found only from inside it when `character` is given: the TOML around it is not ours.
 */
export function lineAt(doc: ParsedDocument, line: number, character?: number): LogicalLine | undefined {
  const found = coveringLine(doc, line, character);
  if (!found?.host || character === undefined) return found;
  const { start, end } = found.range;
  const after = line > start.line || (line === start.line && character >= start.character);
  const before = line < end.line || (line === end.line && character <= end.character);
  return after && before ? found : undefined;
}

function coveringLine(doc: ParsedDocument, line: number, character?: number): LogicalLine | undefined {
  const lines = doc.lines;
  let lo = 0;
  let hi = lines.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const l = lines[mid];
    if (line < l.firstLine) hi = mid - 1;
    else if (line > l.lastLine) lo = mid + 1;
    else return sameLineAt(lines, mid, line, character ?? 0);
  }
  return undefined;
}

/**
 * pip also ends lines at a form feed or U+2028 that editors do not break on: several logical lines may then
 * share one editor line. The one at `character` is the last that starts at or before it.
 */
function sameLineAt(lines: readonly LogicalLine[], index: number, line: number, character: number): LogicalLine {
  let first = index;
  while (first > 0 && lines[first - 1].lastLine >= line) first--;
  let pick = lines[first];
  for (let i = first + 1; i < lines.length && lines[i].firstLine <= line; i++) {
    const start = lines[i].range.start;
    if (start.line < line || (start.line === line && start.character <= character)) pick = lines[i];
  }
  return pick;
}

/** What a feature shows of a node: its text as written, `${NAME}` kept; never a variable's value (it may be a secret). */
export function shown(node: { text: string; written?: string }): string {
  return node.written ?? node.text;
}

export function requirementsOf(doc: ParsedDocument): { line: LogicalLine; requirement: RequirementNode }[] {
  const out: { line: LogicalLine; requirement: RequirementNode }[] = [];
  for (const line of doc.lines) if (line.requirement) out.push({ line, requirement: line.requirement });
  return out;
}
