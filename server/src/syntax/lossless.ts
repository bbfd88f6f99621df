// The document as one gap-free token stream: parsed tokens plus the whitespace, breaks and continuations between them.

import type { ParsedDocument, TokenKind } from './types.js';

export type TriviaKind = 'whitespace' | 'newline' | 'continuation' | 'bom';

export interface LosslessToken {
  kind: TokenKind | TriviaKind;
  start: number;
  end: number;
}

/** Every character of the document belongs to exactly one token, in order: joining their text gives the input back. */
export function losslessTokens(doc: ParsedDocument): LosslessToken[] {
  const text = doc.text;
  const out: LosslessToken[] = [];
  let at = 0;
  const fill = (to: number) => {
    while (at < to) {
      const c = text.charCodeAt(at);
      let stop = at + 1;
      let kind: TriviaKind;
      if (c === 0xfeff && at === 0) kind = 'bom';
      else if (c === 10 || c === 13) {
        kind = 'newline';
        if (c === 13 && text.charCodeAt(at + 1) === 10 && at + 1 < to) stop++;
      } else if (c === 92 /* \ */) {
        kind = 'continuation';
        while (stop < to && text.charCodeAt(stop) === 92) stop++;
      } else {
        kind = 'whitespace';
        while (stop < to) {
          const d = text.charCodeAt(stop);
          if (d === 10 || d === 13 || d === 92) break;
          stop++;
        }
      }
      out.push({ kind, start: at, end: stop });
      at = stop;
    }
  };
  for (const line of doc.lines) {
    for (const t of line.tokens) {
      if (t.end <= at) continue; // defensive: never emit overlapping spans
      fill(t.start);
      out.push({ kind: t.kind, start: Math.max(t.start, at), end: t.end });
      at = t.end;
    }
  }
  fill(text.length);
  return out;
}
