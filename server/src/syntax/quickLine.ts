// The first pass's shortcut for the lines most files are made of: blank lines, comments, bare names and plain
// `name==1.2.3` / `name>=1.0,<2` / `name===1.0` / `name==2.0b1` / `name==1.*` requirements. For those it tells kind and project without building
// anything; every other line goes through the full parser. A test proves both agree on every line the
// shortcut takes (test/unit/quick-line.test.ts).

import { normalizeName } from './names.js';
import { isArchiveName } from './url.js';

/** A pre-, post- and dev-release in normalized form (`b1`, `rc2`, `.post1`, `.dev0`): PEP 440 in every spelling. */
const SUFFIX = String.raw`(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d+)?`;
const CLAUSE = String.raw`(?:(?:===|==|!=|>=|<=|>|<)[ \t]*\d+(?:\.\d+)*${SUFFIX}|(?:==|!=)[ \t]*\d+(?:\.\d+)*\.\*|~=[ \t]*\d+(?:\.\d+)+${SUFFIX})`;
const NAME = String.raw`([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)`;
/** Name, then one or more clauses of release numbers; an optional comment after a space or tab. */
const PLAIN = new RegExp(String.raw`^[ \t]*${NAME}[ \t]*${CLAUSE}(?:[ \t]*,[ \t]*${CLAUSE})*[ \t]*(?:[ \t]#.*)?$`);
/** The lines whose clauses quickClauses reads off the text: plain release numbers with ==, !=, <, <=, >, >=, ~= only. */
const PLAIN_RELEASE_CLAUSE = String.raw`(?:(?:==|!=|>=|<=|>|<)[ \t]*\d+(?:\.\d+)*|~=[ \t]*\d+(?:\.\d+)+)`;
const PLAIN_RELEASES = new RegExp(String.raw`^[ \t]*${NAME}[ \t]*${PLAIN_RELEASE_CLAUSE}(?:[ \t]*,[ \t]*${PLAIN_RELEASE_CLAUSE})*[ \t]*(?:[ \t]#.*)?$`);
/** A name alone (which is no archive file name: `foo.whl` is a path to pip). */
const BARE = new RegExp(String.raw`^[ \t]*${NAME}[ \t]*(?:[ \t]#.*)?$`);

export interface QuickLine {
  kind: 'blank' | 'comment' | 'requirement';
  project?: string;
}

const BLANK_LINE: QuickLine = { kind: 'blank' };
const COMMENT_LINE: QuickLine = { kind: 'comment' };

/** kind and PEP 503 project of a line the full parser would accept without a single diagnostic; else undefined. */
export function quickLine(text: string): QuickLine | undefined {
  // Blank, comment, or what may start a name, told by the first character past the indentation (no regex).
  let i = 0;
  while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  if (i === text.length) return BLANK_LINE;
  const c = text.charCodeAt(i);
  if (c === 35 /* # */) return COMMENT_LINE;
  if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57))) return undefined;
  const m = PLAIN.exec(text) ?? BARE.exec(text);
  if (!m || (m[1].includes('.') && isArchiveName(m[1]))) return undefined;
  return { kind: 'requirement', project: normalizeName(m[1]) };
}

/** One clause of a plain line, as its texts: what checks of a big file's every line need, without nodes. */
export interface QuickClause {
  operator: { text: string };
  version: { text: string };
}

const CLAUSE_PARTS = /^[ \t]*(==|!=|>=|<=|>|<|~=)[ \t]*(\S+?)[ \t]*$/;

/** The clauses of a line the shortcut takes (`name>=1.0,<2 # c`), as the parser would read them; else undefined. */
export function quickClauses(text: string): QuickClause[] | undefined {
  // (callers read `==` as an exact pin and every clause as a bound: `===`, wildcards and pre-releases go through the nodes)
  const m = PLAIN_RELEASES.exec(text);
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
