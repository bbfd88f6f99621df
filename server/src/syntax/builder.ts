// Collects one logical line's tokens and diagnostics, turning offsets in the joined text into ranges.

import type { JoinedLine } from './lines.js';
import type { Position, Range, Severity, Spanned, SyntaxDiagnostic, Token, TokenKind } from './types.js';
import { DiagnosticCode } from './diagnosticCodes.js';

/**
 * Past this many problems on one line the rest are counted, not built, and one diagnostic says how many: a 1 MB
 * line of 500,000 stray words made as many diagnostics (over 100 MB, and most of its parse time), and no more
 * than a file's first 1,000 are ever shown.
 */
export const MAX_LINE_DIAGNOSTICS = 1000;

const RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

export class LineBuilder {
  readonly tokens: Token[] = [];
  readonly diagnostics: SyntaxDiagnostic[] = [];
  /** Problems past MAX_LINE_DIAGNOSTICS: how many, the worst severity, where the first was. */
  private dropped?: { count: number; severity: Severity; range: Range };

  constructor(readonly line: JoinedLine) {}

  get text(): string {
    return this.line.text;
  }

  range(start: number, end: number): Range {
    const l = this.line;
    if (end <= start) {
      const line = l.lineOf(start);
      const character = l.characterOf(start);
      return new CompactRange(line, character, line, character);
    }
    return new CompactRange(l.lineOf(start), l.characterOf(start), l.endLineOf(end), l.endCharacterOf(end));
  }

  token(kind: TokenKind, start: number, end: number): Token {
    const t = new LazyToken(kind, this.line, start, end);
    this.tokens.push(t);
    return t;
  }

  /** A node over `text[start, end)`; `written` where a variable's value is in it. */
  spanned(start: number, end: number): Spanned {
    const node: Spanned = { text: this.line.text.slice(start, end), range: this.range(start, end) };
    return this.withWritten(node, start, end);
  }

  /** Sets `written` on a node over `text[start, end)` where a variable's value is in it (`trim`: as its text is). */
  withWritten<T extends Spanned>(node: T, start: number, end: number, trim = false): T {
    if (this.line.expandedIn(start, end)) node.written = trim ? this.line.shown(start, end).trim() : this.line.shown(start, end);
    return node;
  }

  report(code: DiagnosticCode, message: string, start: number, end: number, severity: Severity = 'error'): void {
    // A zero-width problem at the end of the text still gets a visible, one-character-or-less range.
    if (this.diagnostics.length >= MAX_LINE_DIAGNOSTICS) this.drop(severity, () => this.line.range(start, Math.max(start, end)));
    else this.diagnostics.push({ range: this.line.range(start, Math.max(start, end)), severity, code, message });
  }

  /** A problem made elsewhere (on a range of this line). */
  add(d: SyntaxDiagnostic): void {
    if (this.diagnostics.length >= MAX_LINE_DIAGNOSTICS) this.drop(d.severity, () => d.range);
    else this.diagnostics.push(d);
  }

  private drop(severity: Severity, range: () => Range): void {
    if (!this.dropped) this.dropped = { count: 0, severity, range: range() };
    this.dropped.count++;
    if (RANK[severity] < RANK[this.dropped.severity]) this.dropped.severity = severity;
  }

  /** The line's diagnostics, the last one saying how many more were not built. */
  finish(): SyntaxDiagnostic[] {
    const d = this.dropped;
    if (!d) return this.diagnostics;
    this.dropped = undefined;
    const message = `${d.count} more problems on this line are not shown (only the first ${MAX_LINE_DIAGNOSTICS} are).`;
    this.diagnostics.push({ range: d.range, severity: d.severity, code: DiagnosticCode.MoreDiagnostics, message });
    return this.diagnostics;
  }

  /** `text[start, end)` as written, `${NAME}` where a variable's value is (for messages: values are never shown). */
  shown(start: number, end: number): string {
    return this.line.shown(start, end);
  }

  /** `value`, read from `text[start, end)`, for a message; the span as written where a variable's value is in it. */
  quote(value: string, start: number, end: number): string {
    return this.line.quote(value, start, end);
  }

  hasErrors(): boolean {
    return this.dropped?.severity === 'error' || this.diagnostics.some((d) => d.severity === 'error');
  }
}

/**
 * A range stored as four numbers; `start`/`end` are built when read. Parsing a 5,000-line file
 * made ~100k Position objects, and their garbage collection was half the parse time.
 * `toJSON` gives the plain LSP shape on the wire.
 */
export class CompactRange implements Range {
  constructor(
    readonly startLine: number,
    readonly startCharacter: number,
    readonly endLine: number,
    readonly endCharacter: number,
  ) {}

  get start(): Position {
    return { line: this.startLine, character: this.startCharacter };
  }

  get end(): Position {
    return { line: this.endLine, character: this.endCharacter };
  }

  toJSON(): Range {
    return { start: this.start, end: this.end };
  }
}

/**
 * A token that keeps only its kind and its span in the joined line; text, offsets and range are
 * computed when read. Most tokens of a large file are never looked at.
 */
class LazyToken implements Token {
  constructor(
    readonly kind: TokenKind,
    private readonly joined: JoinedLine,
    private readonly from: number,
    private readonly to: number,
  ) {}

  get text(): string {
    return this.joined.text.slice(this.from, this.to);
  }

  get written(): string | undefined {
    return this.joined.expandedIn(this.from, this.to) ? this.joined.shown(this.from, this.to) : undefined;
  }

  get start(): number {
    return this.joined.docOffset(this.from);
  }

  get end(): number {
    return this.to > this.from ? this.joined.docOffset(this.to, true) : this.joined.docOffset(this.from);
  }

  get range(): Range {
    const j = this.joined;
    if (this.to <= this.from) {
      const line = j.lineOf(this.from);
      const character = j.characterOf(this.from);
      return new CompactRange(line, character, line, character);
    }
    return new CompactRange(j.lineOf(this.from), j.characterOf(this.from), j.endLineOf(this.to), j.endCharacterOf(this.to));
  }

  toJSON(): object {
    return { kind: this.kind, text: this.text, start: this.start, end: this.end, range: this.range };
  }
}

/** Python's `str.isspace` (what pip's `strip()` and `\s` remove) within a line; not U+FEFF, which Python keeps. */
export function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || c === 9 || c === 11 || c === 12 || c >= 0x1c;
  return (
    c >= 0x85 &&
    (c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000)
  );
}

export function skipSpaces(text: string, i: number, end: number): number {
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** packaging's `WS` token: spaces and tabs only. */
export function skipWs(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) break;
    i++;
  }
  return i;
}
