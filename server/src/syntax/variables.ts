// pip's `expand_env_variables`: `${NAME}` (upper case, digits, underscores) is replaced by the variable's
// value before the line is parsed; an unset variable stays as written. Ranges stay on the original text.

import { JoinedLine } from './lines.js';

/** The environment a file is read in: the server's own, plus the `requirements.env` setting. */
export type Environment = Record<string, string | undefined>;

export const VARIABLE_RE = /\$\{([A-Z0-9_]+)\}/g;

export interface Expansion {
  /** The line as pip parses it; offsets in it map back to the `${NAME}` each value replaces. */
  line: JoinedLine;
  /** Where the comment starts in `line` (pip strips comments before expanding: a `#` from a value stays). */
  commentAt: number;
  /** Names left as written because they are not set. */
  unset: string[];
}

/** undefined when the line has no `${NAME}` before its comment. */
export function expandVariables(source: JoinedLine, commentAt: number, env: Environment | undefined): Expansion | undefined {
  const text = source.text;
  const end = commentAt === -1 ? text.length : commentAt;
  const dollar = text.indexOf('${');
  if (dollar === -1 || dollar >= end) return undefined;
  const line = new JoinedLine();
  line.firstLine = source.firstLine;
  line.lastLine = source.lastLine;
  const unset = new Set<string>();
  let last = 0;
  let found = false;
  VARIABLE_RE.lastIndex = dollar;
  for (let m = VARIABLE_RE.exec(text); m && m.index + m[0].length <= end; m = VARIABLE_RE.exec(text)) {
    found = true;
    const value = env?.[m[1]];
    if (value === undefined) {
      unset.add(m[1]);
      continue;
    }
    const s = m.index;
    const e = s + m[0].length;
    line.appendFrom(source, last, s);
    const stand = { endDoc: source.docOffset(e, true), endLine: source.endLineOf(e), endCharacter: source.endCharacterOf(e), written: m[0] };
    line.appendStandIn(value, source.docOffset(s), source.lineOf(s), source.characterOf(s), stand);
    last = e;
  }
  if (!found) return undefined;
  const shift = line.text.length - last;
  line.appendFrom(source, last, text.length);
  return { line, commentAt: commentAt === -1 ? -1 : commentAt + shift, unset: [...unset] };
}
