// The first pass's shortcut for the lines most files are made of: blank lines, comments, and plain
// `name==1.2.3` / `name>=1.0,<2` requirements. For those it tells kind and project without building
// anything; every other line goes through the full parser. A test proves both agree on every line the
// shortcut takes (test/unit/quick-line.test.ts).

import { normalizeName } from './names.js';

const CLAUSE = String.raw`(?:(?:==|!=|>=|<=|>|<)[ \t]*\d+(?:\.\d+)*|~=[ \t]*\d+(?:\.\d+)+)`;
/** Name, then one or more clauses of plain release numbers; an optional comment after a space or tab. */
const PLAIN = new RegExp(String.raw`^[ \t]*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)[ \t]*${CLAUSE}(?:[ \t]*,[ \t]*${CLAUSE})*[ \t]*(?:[ \t]#.*)?$`);
const BLANK = /^[ \t]*$/;
const COMMENT = /^[ \t]*#/;

export interface QuickLine {
  kind: 'blank' | 'comment' | 'requirement';
  project?: string;
}

const BLANK_LINE: QuickLine = { kind: 'blank' };
const COMMENT_LINE: QuickLine = { kind: 'comment' };

/** kind and PEP 503 project of a line the full parser would accept without a single diagnostic; else undefined. */
export function quickLine(text: string): QuickLine | undefined {
  if (BLANK.test(text)) return BLANK_LINE;
  if (COMMENT.test(text)) return COMMENT_LINE;
  const m = PLAIN.exec(text);
  return m ? { kind: 'requirement', project: normalizeName(m[1]) } : undefined;
}

/** One clause of a plain line, as its texts: what checks of a big file's every line need, without nodes. */
export interface QuickClause {
  operator: { text: string };
  version: { text: string };
}

const CLAUSE_PARTS = /^[ \t]*(==|!=|>=|<=|>|<|~=)[ \t]*(\S+?)[ \t]*$/;

/** The clauses of a line the shortcut takes (`name>=1.0,<2 # c`), as the parser would read them; else undefined. */
export function quickClauses(text: string): QuickClause[] | undefined {
  const m = PLAIN.exec(text);
  if (!m) return undefined;
  const from = m.index + m[0].indexOf(m[1]) + m[1].length;
  const hash = text.search(/[ \t]#/);
  const clauses: QuickClause[] = [];
  for (const part of text.slice(from, hash === -1 ? text.length : hash).split(',')) {
    const c = CLAUSE_PARTS.exec(part);
    if (!c) return undefined; // not reachable for a line PLAIN takes; the full parser decides then
    clauses.push({ operator: { text: c[1] }, version: { text: c[2] } });
  }
  return clauses;
}
