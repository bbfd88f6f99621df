// What the cursor is in the middle of typing: a name, a version, an extra, an option, a path, a marker.

import { lookupOption } from '../syntax/options.js';
import { lineAt, offsetAt } from '../syntax/query.js';
import type { ParsedDocument, Position, Range } from '../syntax/types.js';

export type CompletionContext =
  | { kind: 'name'; partial: string; range: Range }
  | { kind: 'operator'; name: string; range: Range }
  | { kind: 'version'; name: string; operator: string; partial: string; range: Range }
  | { kind: 'extra'; name: string; partial: string; present: string[]; range: Range }
  | { kind: 'option'; partial: string; perRequirement: boolean; range: Range }
  | { kind: 'path'; option: string; partial: string; range: Range }
  | { kind: 'markerVariable'; partial: string; range: Range }
  | { kind: 'markerOperator'; variable: string; range: Range }
  | { kind: 'markerValue'; variable: string; partial: string; quote: string; range: Range; /** The quote to write when none is typed. */ preferQuote?: string }
  | { kind: 'markerJoin'; range: Range }
  | { kind: 'none' };

// The patterns run on the whole line before the cursor, so each is linear on hostile text: the name is matched
// atomically (`(?=(NAME))\1`: what follows a name never starts with a name character, so giving some back never
// helped, and trying every shorter name rescanned the rest of the line each time), and no two adjacent parts can
// both take the same spaces.
const NAME = String.raw`(?=([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?))\1`;
const VERSION_CONTEXT = new RegExp(String.raw`^${NAME}(?:\s*\[[^\]]*\])?\s*(?:\(\s*)?(?:(?:[^;\s][^;]*)?,\s*)?(===|==|!=|~=|<=|>=|<|>)\s*([^\s,;()]*)$`);
const EXTRA_CONTEXT = new RegExp(String.raw`^${NAME}\s*\[([^\]]*)$`);
const OPERATOR_CONTEXT = new RegExp(String.raw`^${NAME}(?:\s*\[[^\]]*\])?\s+$|^(?=([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?))\2\s*\[[^\]]*\]$`);
/** How much of a marker before the cursor is read: the patterns look for its last variable, not linear on a run of letters. */
const MARKER_TAIL = 1000;
const NAME_CONTEXT = /^([A-Za-z0-9._-]*)$/;
const PATH_OPTION = /^(-r|--requirement|-c|--constraint|-e|--editable)(?:\s+|=)(\S*)$/;
const OPTION_WORD = /(?:^|\s)(--?[A-Za-z-]*)$/;

/** The text of the logical line from its start to the cursor, continuations removed. */
function textBeforeCursor(doc: ParsedDocument, position: Position): { before: string; embedded?: true; hostQuote?: string } | undefined {
  const line = lineAt(doc, position.line, position.character);
  const cursor = offsetAt(doc, position);
  // In pyproject.toml, a script or a lock only the strings of requirements are ours, and the cursor must be in one.
  if (doc.kind && doc.kind !== 'requirements') {
    if (!line?.host || cursor < line.start || cursor > line.end) return undefined;
    const before = doc.text.slice(line.start, cursor);
    return /[\r\n]/.test(before) ? undefined : { before, embedded: true, hostQuote: line.host.quote };
  }
  const start = line ? Math.min(line.start, doc.lineStarts[line.firstLine]) : doc.lineStarts[position.line];
  if (start === undefined) return undefined;
  const before = doc.text.slice(start, cursor).replace(/\\(\r\n|\n|\r)/g, '');
  if (/[\r\n]/.test(before)) return undefined;
  return { before };
}

function rangeBack(position: Position, length: number): Range {
  return { start: { line: position.line, character: Math.max(0, position.character - length) }, end: position };
}

/** Reads the completion context at `position`; `none` where nothing should be offered (comments, URLs). */
export function completionContext(doc: ParsedDocument, position: Position): CompletionContext {
  const found = textBeforeCursor(doc, position);
  if (!found) return { kind: 'none' };
  const before = found.before.replace(/^\ufeff/, '');
  if (/(^|\s)#/.test(before)) return { kind: 'none' };
  const trimmed = before.replace(/^\s+/, '');

  // A string in TOML takes no pip options.
  if (found.embedded && trimmed.startsWith('-')) return { kind: 'none' };
  const pathOption = PATH_OPTION.exec(trimmed);
  if (pathOption)
    return {
      kind: 'path',
      option: lookupOption(pathOption[1]).ok ? pathOption[1] : pathOption[1],
      partial: pathOption[2],
      range: rangeBack(position, pathOption[2].length),
    };

  // pip's rule: options start at the first space-separated word beginning with '-'.
  const words = trimmed.split(' ');
  const optionAt = words.findIndex((w) => w.startsWith('-'));
  if (optionAt !== -1) {
    const optionWord = OPTION_WORD.exec(trimmed);
    if (optionWord && optionWord.index + optionWord[0].length === trimmed.length) {
      return { kind: 'option', partial: optionWord[1], perRequirement: optionAt > 0, range: rangeBack(position, optionWord[1].length) };
    }
    return { kind: 'none' };
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(trimmed) || inUrl(trimmed.split(';')[0] ?? '')) return { kind: 'none' };

  const semicolon = trimmed.indexOf(';');
  if (semicolon !== -1) {
    const marker = markerContext(trimmed.slice(semicolon + 1).slice(-MARKER_TAIL), position);
    // Inside a "…" TOML string a marker's strings take '…' (and the reverse), or the TOML string would end there.
    if (marker.kind === 'markerValue' && found.hostQuote) marker.preferQuote = found.hostQuote === '"' ? "'" : '"';
    return marker;
  }

  let m = VERSION_CONTEXT.exec(trimmed);
  if (m) return { kind: 'version', name: m[1], operator: m[2], partial: m[3], range: rangeBack(position, m[3].length) };
  m = EXTRA_CONTEXT.exec(trimmed);
  if (m) {
    const parts = m[2].split(',');
    const partial = parts[parts.length - 1].trimStart();
    return {
      kind: 'extra',
      name: m[1],
      partial,
      present: parts
        .slice(0, -1)
        .map((p) => p.trim())
        .filter(Boolean),
      range: rangeBack(position, partial.length),
    };
  }
  m = OPERATOR_CONTEXT.exec(trimmed);
  if (m) return { kind: 'operator', name: m[1] ?? m[2], range: rangeBack(position, 0) };
  m = NAME_CONTEXT.exec(trimmed);
  if (m) return { kind: 'name', partial: m[1], range: rangeBack(position, m[1].length) };
  return { kind: 'none' };
}

const MARKER_VALUE = /([A-Za-z_.]+)\s*(===|==|!=|~=|<=|>=|<|>|not\s+in|in)\s*(["']?)([^"']*)$/;
const MARKER_AFTER_VARIABLE = /([A-Za-z_.]+)\s+$/;
const MARKER_COMPLETE = /(["'][^"']*["']|\))\s+$/;

/**
 * Whether the cursor is in a URL after `@`: what /\s@\s*\S*$|@\S*$/ tells, from the last `@` only (the pattern
 * tried every `@` and scanned to the end from each). An earlier `@` can only match where the last one does.
 */
function inUrl(text: string): boolean {
  const at = text.lastIndexOf('@');
  if (at === -1) return false;
  const rest = text.slice(at + 1);
  return !/\s/.test(rest) || (/\s/.test(text.charAt(at - 1)) && /^\s*\S*$/.test(rest));
}

function markerContext(marker: string, position: Position): CompletionContext {
  let m = MARKER_VALUE.exec(marker);
  if (m && !(m[3] === '' && m[4] !== '')) {
    return { kind: 'markerValue', variable: m[1], partial: m[4], quote: m[3], range: rangeBack(position, m[4].length + m[3].length) };
  }
  if (MARKER_COMPLETE.test(marker)) return { kind: 'markerJoin', range: rangeBack(position, 0) };
  m = MARKER_AFTER_VARIABLE.exec(marker);
  if (m && !/^(and|or|not)$/.test(m[1])) return { kind: 'markerOperator', variable: m[1], range: rangeBack(position, 0) };
  const partial = /[A-Za-z_.]*$/.exec(marker)![0];
  return { kind: 'markerVariable', partial, range: rangeBack(position, partial.length) };
}
