// Semantic tokens, so any LSP editor highlights requirements files without a grammar of its own.

import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver-types';
import { lineContentEnd } from '../syntax/lines.js';
import type { ParsedDocument, Range, TokenKind } from '../syntax/types.js';

const TYPES = ['namespace', 'parameter', 'operator', 'number', 'string', 'variable', 'keyword', 'comment'] as const;

export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [] };

const TYPE_OF: Partial<Record<TokenKind, number>> = {
  name: TYPES.indexOf('namespace'),
  extra: TYPES.indexOf('parameter'),
  operator: TYPES.indexOf('operator'),
  version: TYPES.indexOf('number'),
  url: TYPES.indexOf('string'),
  path: TYPES.indexOf('string'),
  markerVariable: TYPES.indexOf('variable'),
  markerOperator: TYPES.indexOf('operator'),
  markerKeyword: TYPES.indexOf('keyword'),
  markerString: TYPES.indexOf('string'),
  option: TYPES.indexOf('keyword'),
  optionValue: TYPES.indexOf('string'),
  comment: TYPES.indexOf('comment'),
};

export function semanticTokens(doc: ParsedDocument, range?: Range): SemanticTokens {
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  for (const line of doc.lines) {
    if (range && (line.lastLine < range.start.line || line.firstLine > range.end.line)) continue;
    for (const t of line.tokens) {
      const type = TYPE_OF[t.kind];
      if (type === undefined) continue;
      const { line: l, character: c } = t.range.start;
      // Tokens may not span lines; a token broken by a continuation is coloured on its first line.
      const lineEnd = lineContentEnd(doc.text, doc.lineStarts, l) - doc.lineStarts[l];
      const length = t.range.end.line === l ? t.range.end.character - c : lineEnd - c;
      if (length <= 0) continue;
      data.push(l - prevLine, l === prevLine ? c - prevChar : c, length, type, 0);
      prevLine = l;
      prevChar = c;
    }
  }
  return { data };
}
