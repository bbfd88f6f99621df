// Physical lines, pip's joining of backslash continuations, and the map from joined text back to the document.

import type { Position, Range } from './types.js';

/**
 * Offsets where each physical line starts; line breaks are \n, \r\n and \r, as in LSP. The other
 * breaks of Python's `str.splitlines`, which pip splits the file with (\v, \f, \x1c-\x1e, NEL,
 * U+2028, U+2029), go into `pipBreaks` when it is given: pip's lines end there too.
 */
export function computeLineStarts(text: string, pipBreaks?: number[]): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x85) continue; // printable ASCII, nearly all of the text
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (pipBreaks && (c === 11 || c === 12 || (c >= 0x1c && c <= 0x1e) || c === 0x85 || c === 0x2028 || c === 0x2029)) pipBreaks.push(i);
  }
  return starts;
}

/** End of physical line `line`'s content (before its line break). */
export function lineContentEnd(text: string, lineStarts: number[], line: number): number {
  let end = line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length;
  if (end > lineStarts[line] && text.charCodeAt(end - 1) === 10) end--;
  if (end > lineStarts[line] && text.charCodeAt(end - 1) === 13) end--;
  return end;
}

/** A run of the joined text that is contiguous in the document. */
interface Piece {
  logical: number;
  doc: number;
  length: number;
  line: number;
  character: number;
  /**
   * Set for the value of an expanded `${VAR}`: text that is not in the document. All of it maps onto the
   * `${VAR}` it replaces: a start inside it to where `${` is, an end inside it to just after `}`.
   */
  stand?: StandIn;
}

/** Where an expanded value stands in the document: the `${NAME}` it replaces, and that text as written. */
interface StandIn {
  endDoc: number;
  endLine: number;
  endCharacter: number;
  /** `${NAME}`: what is shown wherever the value would be (values of variables may be secrets). */
  written: string;
}

/**
 * The text of one logical line (physical lines joined by trailing backslashes, as pip joins them),
 * with a map from offsets in that text to document offsets and positions.
 */
export class JoinedLine {
  text = '';
  pieces: Piece[] = [];
  firstLine = 0;
  lastLine = 0;
  /** Whether some of the text is a variable's value (not in the document). */
  hasStandIns = false;

  append(segment: string, doc: number, line: number, character: number): void {
    if (segment.length > 0) {
      const piece = { logical: this.text.length, doc, length: segment.length, line, character };
      // A literal keeps the array at its exact size; push would reserve room for 16 (most lines have one piece).
      if (this.pieces.length === 0) this.pieces = [piece];
      else this.pieces.push(piece);
      this.text += segment;
    }
    this.lastLine = line;
  }

  /** Appends `value` as standing for the document span [doc, endDoc), `written` there (an expanded `${VAR}`). */
  appendStandIn(value: string, doc: number, line: number, character: number, stand: StandIn): void {
    if (value.length === 0) return;
    this.pieces.push({ logical: this.text.length, doc, length: value.length, line, character, stand });
    this.text += value;
    this.hasStandIns = true;
  }

  /** Appends `source.text[from, to)` keeping where each part of it is in the document. */
  appendFrom(source: JoinedLine, from: number, to: number): void {
    if (from >= to || source.pieces.length === 0) return;
    // From the piece that holds `from` on (a line with many `${NAME}`s calls this once for each: linear, not quadratic).
    const pieces = source.pieces;
    for (let k = source.pieceIndex(from); k < pieces.length && pieces[k].logical < to; k++) {
      const p = pieces[k];
      const a = Math.max(from, p.logical);
      const b = Math.min(to, p.logical + p.length);
      if (a >= b) continue;
      if (p.stand) this.appendStandIn(source.text.slice(a, b), p.doc, p.line, p.character, p.stand);
      else {
        this.pieces.push({ logical: this.text.length, doc: p.doc + (a - p.logical), length: b - a, line: p.line, character: p.character + (a - p.logical) });
        this.text += source.text.slice(a, b);
      }
    }
  }

  private pieceIndex(offset: number): number {
    const pieces = this.pieces;
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pieces[mid].logical <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private pieceAt(offset: number): Piece {
    const pieces = this.pieces;
    return pieces.length === 1 ? pieces[0] : pieces[this.pieceIndex(offset)];
  }

  /** Whether some of `text[start, end)` is a variable's value. */
  expandedIn(start: number, end: number): boolean {
    if (!this.hasStandIns || end <= start) return false;
    const pieces = this.pieces;
    for (let k = this.pieceIndex(start); k < pieces.length && pieces[k].logical < end; k++) if (pieces[k].stand) return true;
    return false;
  }

  /**
   * `text[start, end)` as the file has it: each variable's value, or any part of it, is its `${NAME}`. What
   * messages quote: the value is for parsing only, never shown (a CI secret would end up in a published report).
   */
  shown(start: number, end: number): string {
    if (!this.expandedIn(start, end)) return this.text.slice(start, end);
    let out = '';
    const pieces = this.pieces;
    for (let k = this.pieceIndex(start); k < pieces.length && pieces[k].logical < end; k++) {
      const p = pieces[k];
      const a = Math.max(start, p.logical);
      const b = Math.min(end, p.logical + p.length);
      if (a < b) out += p.stand ? p.stand.written : this.text.slice(a, b);
    }
    return out;
  }

  /** `value` (read from `text[start, end)`) for a message, or the span as written where a variable's value is in it. */
  quote(value: string, start: number, end: number): string {
    return this.expandedIn(start, end) ? this.shown(start, end) : value;
  }

  /** Document offset of a position in the joined text; `end` maps a past-the-end offset to just after the previous character. */
  docOffset(offset: number, end = false): number {
    if (this.pieces.length === 0) return 0;
    if (end && offset > 0) {
      const p = this.pieceAt(offset - 1);
      return p.stand ? p.stand.endDoc : p.doc + (offset - 1 - p.logical) + 1;
    }
    const p = this.pieceAt(offset);
    return p.stand ? p.doc : p.doc + (offset - p.logical);
  }

  lineOf(offset: number): number {
    return this.pieces.length === 0 ? this.firstLine : this.pieceAt(offset).line;
  }

  characterOf(offset: number): number {
    if (this.pieces.length === 0) return 0;
    const p = this.pieceAt(offset);
    return p.stand ? p.character : p.character + (offset - p.logical);
  }

  /** The line of the end of a span that ends (exclusive) at `offset > 0`. */
  endLineOf(offset: number): number {
    if (this.pieces.length === 0) return this.firstLine;
    const p = this.pieceAt(offset - 1);
    return p.stand ? p.stand.endLine : p.line;
  }

  /** The character just after a span that ends (exclusive) at `offset > 0`. */
  endCharacterOf(offset: number): number {
    if (this.pieces.length === 0) return 0;
    const p = this.pieceAt(offset - 1);
    return p.stand ? p.stand.endCharacter : p.character + (offset - p.logical);
  }

  position(offset: number, end = false): Position {
    if (this.pieces.length === 0) return { line: this.firstLine, character: 0 };
    if (end && offset > 0) return { line: this.endLineOf(offset), character: this.endCharacterOf(offset) };
    return { line: this.lineOf(offset), character: this.characterOf(offset) };
  }

  range(start: number, end: number): Range {
    const s = this.position(start);
    return { start: s, end: end > start ? this.position(end, true) : s };
  }
}

const COMMENT_LINE = /^\s*#/;

/** What `visitLogicalLines` hands out: most lines are one span of the document and need no JoinedLine. */
export interface LogicalLineVisitor {
  /** A logical line that is one physical line: `raw` is `text[start, start + raw.length)`, at `character` of LSP line `line`. */
  span(raw: string, start: number, line: number, character: number): void;
  /** A logical line joined from several physical lines. */
  joined(line: JoinedLine): void;
}

/**
 * pip's `join_lines`: a line ending in `\` (and not a comment line) continues on the next one. Lines are
 * handed out one at a time, so that nothing of a big file's first pass outlives its line.
 */
export function visitLogicalLines(text: string, lineStarts: number[], pipBreaks: readonly number[], visit: LogicalLineVisitor): void {
  let current: JoinedLine | undefined;
  let k = 0; // the next of pipBreaks

  /** One of pip's physical lines: `text[start, end)`, on LSP line `line`. */
  const physical = (line: number, start: number, end: number): void => {
    const character = start - lineStarts[line];
    const raw = text.slice(start, end);
    const continued = raw.charCodeAt(raw.length - 1) === 92; /* \ */
    // Whether the line is a comment matters only for joining; most lines need no regex.
    const isComment = (continued || current !== undefined) && COMMENT_LINE.test(raw);
    if (!continued || isComment) {
      if (current) {
        if (isComment) current.append(' ', start, line, character); // pip prefixes a space so the comment is removed
        current.append(raw, start, line, character);
        visit.joined(current);
        current = undefined;
      } else visit.span(raw, start, line, character);
      return;
    }
    if (!current) {
      current = new JoinedLine();
      current.firstLine = line;
    }
    // pip strips backslashes from both ends of a continued line (`line.strip("\\")`).
    let a = 0;
    let b = raw.length;
    while (a < b && raw.charCodeAt(a) === 92) a++;
    while (b > a && raw.charCodeAt(b - 1) === 92) b--;
    current.append(raw.slice(a, b), start + a, line, character + a);
  };

  for (let line = 0; line < lineStarts.length; line++) {
    let start = lineStarts[line];
    const end = lineContentEnd(text, lineStarts, line);
    if (line === 0 && text.charCodeAt(0) === 0xfeff) start++; // pip decodes the BOM away
    // Where pip's lines end inside this LSP line (\f, U+2028…); positions stay LSP's.
    for (; k < pipBreaks.length && pipBreaks[k] < end; k++) {
      physical(line, start, pipBreaks[k]);
      start = pipBreaks[k] + 1;
    }
    physical(line, start, end);
  }
  if (current) visit.joined(current);
}

/** A JoinedLine of one span: `raw` at document offset `start`, `character` of line `line`. */
export function spanLine(raw: string, start: number, line: number, character: number): JoinedLine {
  const single = new JoinedLine();
  single.firstLine = line;
  single.append(raw, start, line, character);
  return single;
}
