// A requirement written inside another file's syntax (a TOML string in pyproject.toml, a PEP 723 block, a
// pylock.toml entry) as a LogicalLine of the host document: the string's value is parsed as a requirements
// line is, through a JoinedLine whose pieces map each run of the value back to where it is written. Ranges
// therefore point inside the string, and an edit on a node rewrites the string and nothing around it. An
// escape (`\u00e9`, `\"`) stands for its written text, as an expanded `${NAME}` does in a requirements file.

import { DiagnosticCode } from './diagnosticCodes.js';
import { JoinedLine } from './lines.js';
import { parseLogicalLine } from './parse.js';
import { positionAt } from './query.js';
import type { Literal } from './toml.js';
import type { LineHost, LogicalLine, SyntaxDiagnostic } from './types.js';

/** Where the TOML the literal was read from lies in the document (a PEP 723 block: its `# ` prefixes removed). */
export type ToDocument = (offset: number) => number;

export interface HostText {
  /** The document. */
  text: string;
  lineStarts: number[];
  /** The TOML text the literal's offsets are in, and the map to document offsets (identity for a .toml file). */
  toml: string;
  toDoc: ToDocument;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', '"': '"', '\\': '\\', r: '\r', b: '\b', f: '\f' };

/** The literal's value as a JoinedLine over the document. */
export function joinedOf(host: HostText, lit: Literal): JoinedLine {
  const { toml, toDoc } = host;
  const joined = new JoinedLine();
  const q = toml[lit.start];
  const triple = toml.startsWith(q.repeat(3), lit.start);
  let i = lit.start + (triple ? 3 : 1);
  // A string still being typed has no closing quote: its value runs to where the scan stopped (the line's end).
  const quotes = triple ? 3 : 1;
  const closed = lit.end - i >= quotes && toml.startsWith(q.repeat(quotes), lit.end - quotes) && toml[lit.end - quotes - 1] !== '\\';
  const close = closed ? lit.end - quotes : lit.end;
  // A multi-line string drops the newline right after its opening quotes.
  if (triple && toml[i] === '\r') i++;
  if (triple && toml[i] === '\n') i++;
  const at = (offset: number) => positionAt(host, toDoc(offset));
  joined.firstLine = at(i).line;
  let runStart = i;
  const flush = (end: number) => {
    if (end > runStart) {
      const p = at(runStart);
      joined.append(toml.slice(runStart, end), toDoc(runStart), p.line, p.character);
    }
  };
  const stand = (value: string, from: number, to: number) => {
    const a = at(from);
    const b = positionAt(host, toDoc(to - 1) + 1);
    joined.appendStandIn(value, toDoc(from), a.line, a.character, {
      endDoc: toDoc(to - 1) + 1,
      endLine: b.line,
      endCharacter: b.character,
      written: toml.slice(from, to),
    });
  };
  while (i < close) {
    const c = toml[i];
    if (c === '\n' || c === '\r') {
      // A line break inside a multi-line string reads as a space (PEP 508 allows whitespace, not lines).
      flush(i);
      const end = c === '\r' && toml[i + 1] === '\n' ? i + 2 : i + 1;
      stand(' ', i, end);
      i = end;
      runStart = i;
    } else if (c === '\\' && q === '"') {
      flush(i);
      const e = toml[i + 1];
      let end = i + 2;
      let value = ESCAPES[e] ?? '';
      if (e === 'u' || e === 'U') {
        end = i + 2 + (e === 'u' ? 4 : 8);
        value = String.fromCodePoint(parseInt(toml.slice(i + 2, end), 16) || 0xfffd);
      } else if (e === '\n' || e === '\r' || e === ' ' || e === '\t') {
        // A line-ending backslash trims the whitespace after it.
        while (end < close && /\s/.test(toml[end])) end++;
        value = ' ';
      }
      stand(value || e || '\\', i, Math.min(end, close));
      i = Math.min(end, close);
      runStart = i;
    } else i++;
  }
  flush(close);
  if (joined.pieces.length === 0) {
    // An empty string: a zero-width line between its quotes.
    const p = at(i);
    joined.firstLine = joined.lastLine = p.line;
    joined.pieces = [{ logical: 0, doc: toDoc(i), length: 0, line: p.line, character: p.character }];
  }
  return joined;
}

/**
 * The LogicalLine of a requirement string. What pip accepts in a requirements file and PEP 508 does not (an
 * option, a comment, a local path, `-e`) is an error here: the string is read by packaging, not by pip.
 */
export function embeddedLine(host: HostText, lit: Literal, where: LineHost): LogicalLine {
  return lineOf(joinedOf(host, lit), where);
}

/** The LogicalLine of a requirement whose text and places a JoinedLine holds. */
export function lineOf(joined: JoinedLine, where: LineHost): LogicalLine {
  const details = parseLogicalLine(joined);
  const diagnostics: SyntaxDiagnostic[] = [...details.diagnostics];
  const whole = () => joined.range(0, joined.text.length);
  const report = (message: string, range = whole()) => diagnostics.push({ range, severity: 'error', code: DiagnosticCode.RequirementsFileOnly, message });
  const r = details.requirement;
  if (joined.text.trim() === '') report('An empty string is not a requirement: write a PEP 508 requirement (name, extras, version, marker), or remove it');
  else if (details.options.length) report(`pip options have no place in ${describe(where)}: it takes PEP 508 requirements only`, details.options[0].range);
  else if (r?.path && !r.name) report(`A local path is not a PEP 508 requirement: write 'name @ file:///…' (a file: URL) in ${describe(where)}`, r.path.range);
  else if (r?.url && !r.name) report(`A bare URL is not a PEP 508 requirement: write 'name @ ${r.url.text}'`, r.url.range);
  if (details.comment) report(`'#' starts no comment inside a string: packaging rejects the requirement here`, details.comment.range);
  const name = r?.name;
  const start = joined.docOffset(0);
  const end = joined.pieces[0].length === 0 ? start : joined.docOffset(joined.text.length, true);
  return {
    kind: r?.name ? 'requirement' : 'error',
    project: name && name.written === undefined ? name.normalized : undefined,
    firstLine: joined.firstLine,
    lastLine: joined.lastLine,
    start,
    end,
    range: whole(),
    text: joined.text,
    written: joined.hasStandIns ? joined.shown(0, joined.text.length) : undefined,
    tokens: details.tokens,
    comment: details.comment,
    requirement: r,
    options: details.options,
    variables: [],
    diagnostics,
    host: where,
  };
}

/**
 * The problems of a version specifier written alone in a string (`requires-python = ">=3.11"`): read as the
 * specifier of a requirement whose name stands, zero-width, before the string's first character.
 */
export function specifierDiagnostics(host: HostText, lit: Literal, prefix = 'python '): SyntaxDiagnostic[] {
  const value = joinedOf(host, lit);
  const at = value.docOffset(0);
  const p = positionAt(host, at);
  const joined = new JoinedLine();
  joined.firstLine = p.line;
  joined.appendStandIn(prefix, at, p.line, p.character, { endDoc: at, endLine: p.line, endCharacter: p.character, written: '' });
  joined.appendFrom(value, 0, value.text.length);
  if (value.text.trim() === '') return [];
  return parseLogicalLine(joined).diagnostics;
}

function describe(where: LineHost): string {
  return where.table.startsWith('packages.') ? 'a lock entry' : `'${where.table}'`;
}

/** The quote a literal is written with. */
export const quoteOf = (toml: string, lit: Literal): LineHost['quote'] => (toml[lit.start] === "'" ? "'" : '"');
