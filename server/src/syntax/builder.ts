// Collects one logical line's tokens and diagnostics, turning offsets in the joined text into ranges.

import type { JoinedLine } from './lines.js';
import type { Range, Severity, Spanned, SyntaxDiagnostic, Token, TokenKind } from './types.js';

export class LineBuilder {
  readonly tokens: Token[] = [];
  readonly diagnostics: SyntaxDiagnostic[] = [];

  constructor(readonly line: JoinedLine) {}

  get text(): string {
    return this.line.text;
  }

  range(start: number, end: number): Range {
    return this.line.range(start, end);
  }

  token(kind: TokenKind, start: number, end: number): Token {
    const t: Token = {
      kind,
      text: this.line.text.slice(start, end),
      start: this.line.docOffset(start),
      end: end > start ? this.line.docOffset(end, true) : this.line.docOffset(start),
      range: this.line.range(start, end),
    };
    this.tokens.push(t);
    return t;
  }

  spanned(start: number, end: number): Spanned {
    return { text: this.line.text.slice(start, end), range: this.line.range(start, end) };
  }

  report(code: string, message: string, start: number, end: number, severity: Severity = 'error'): void {
    // A zero-width problem at the end of the text still gets a visible, one-character-or-less range.
    this.diagnostics.push({ range: this.line.range(start, Math.max(start, end)), severity, code, message });
  }

  hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }
}

export function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 12 || c === 11 || c === 0xa0 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a) || c === 0x1680 || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0xfeff;
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
