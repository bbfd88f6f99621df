// Turns a requirements file into logical lines as pip reads them: comments, options, requirements, with ranges.

import { CompactRange, LineBuilder, isSpace } from './builder.js';
import { isPythonEncoding } from './encodings.js';
import { detached } from './detached.js';
import { computeLineStarts, JoinedLine, spanLine, visitLogicalLines } from './lines.js';
import { HASH_ALGORITHMS, lookupOption } from './options.js';
import { parseRequirement } from './requirement.js';
import { quickLine } from './quickLine.js';
import { positionAt } from './query.js';
import { expandVariables, VARIABLE_RE, type Environment, type Expansion } from './variables.js';
import type { EnvVariable, LineKind, LogicalLine, OptionNode, ParsedDocument, Range, RequirementNode, SyntaxDiagnostic, Token } from './types.js';
import { DiagnosticCode } from './diagnosticCodes.js';

export interface ParseOptions {
  /**
   * Memoize clean lines by their text (shared by all documents), so that parsing the next version of a
   * document costs a lookup per unchanged line. For editors re-parsing on every keystroke; a one-off
   * parse is faster without it.
   */
  reuse?: boolean;
  /** Set to false to run the full parser on every line, shortcuts off (the tests compare both). */
  shortcuts?: boolean;
  /**
   * The environment pip would read the file in: `${NAME}` is replaced by its value before the line is
   * parsed, as pip does (ranges stay on the `${NAME}`). Without it every variable counts as unset.
   */
  env?: Environment;
}

/** Parses a whole document. Never throws; problems become diagnostics on their lines. */
export function parse(text: string, options: ParseOptions = {}): ParsedDocument {
  const reuse = options.reuse === true;
  const shortcuts = options.shortcuts !== false;
  const pipBreaks: number[] = [];
  const lineStarts = computeLineStarts(text, pipBreaks);
  const lines: LogicalLine[] = [];
  const diagnostics: SyntaxDiagnostic[] = [];
  const shared = new SharedText(text, lineStarts);
  const full = (joined: JoinedLine) => {
    // What the line reads as depends on the environment where it has `${NAME}`: such lines are not memoized.
    const expansion = joined.text.includes('${') ? expandVariables(joined, findComment(joined.text), options.env) : undefined;
    const details = expansion ? parseExpandedLine(expansion, joined) : parseLogicalLine(joined);
    const name = details.requirement?.name;
    const project = name && name.written === undefined ? name.normalized : undefined;
    lines.push(LazyLine.of(shared, joined, details.kind, project, details.diagnostics, expansion && { expansion, source: joined }));
    for (const d of details.diagnostics) diagnostics.push(d);
    if (reuse && !expansion && details.diagnostics.length === 0 && joined.pieces.length === 1) remember(joined.text, details.kind, project);
  };
  visitLogicalLines(text, lineStarts, pipBreaks, {
    span(raw, start, line, character) {
      // A plain line (the regex), or a clean line seen before in any document, needs no first pass and no JoinedLine.
      const known = shortcuts ? (quickLine(raw) ?? (reuse ? cleanLines.get(raw) : undefined)) : undefined;
      if (typeof known === 'string') lines.push(LazyLine.span(shared, 'requirement', known, start, start + raw.length, line));
      else if (known) lines.push(LazyLine.span(shared, known.kind, known.project, start, start + raw.length, line));
      else full(spanLine(raw, start, line, character));
    },
    joined: full,
  });
  const doc = { text, lineStarts, lines, diagnostics };
  checkCodingDeclaration(doc);
  return doc;
}

/** pip's `auto_decode`: `coding: NAME` or `coding=NAME` in a `#` line among the first two picks the file's encoding. */
const CODING = /coding[:=][ \t\r\f\v]*([-\w.]+)/;

/** A declared encoding Python does not know makes pip fail on the whole file (LookupError), whatever the line says. */
function checkCodingDeclaration(doc: ParsedDocument): void {
  const text = doc.text;
  if (text.charCodeAt(0) === 0xfeff) return; // a BOM decides the encoding instead
  let start = 0;
  for (let n = 0; n < 2 && start < text.length; n++) {
    let end = text.indexOf('\n', start); // pip splits the bytes at \n only here
    if (end === -1) end = text.length;
    const m = text.charCodeAt(start) === 35 /* # */ ? CODING.exec(text.slice(start, end)) : null;
    if (m) {
      if (isPythonEncoding(m[1])) return;
      const from = start + m.index;
      const to = from + m[0].length;
      const line = doc.lines.find((l) => l.start <= from && from <= l.end);
      const a = positionAt(doc, from);
      const b = positionAt(doc, to);
      const d: SyntaxDiagnostic = {
        range: new CompactRange(a.line, a.character, b.line, b.character),
        severity: 'error',
        code: DiagnosticCode.UnknownEncoding,
        message: `pip reads '${m[0]}' in the first two lines as the file's encoding, and Python has no encoding '${m[1]}': pip will fail on the whole file. Reword the comment, or name a real encoding (coding: utf-8).`,
      };
      if (line) line.diagnostics = [...line.diagnostics, d];
      doc.diagnostics.push(d);
      return;
    }
    start = end + 1;
  }
}

/** What the first pass knows of a line by its text. */
interface KnownLine {
  kind: LineKind;
  project?: string;
}

/**
 * What the first pass learns of a line without problems that the quick regex does not take (markers,
 * extras, URLs, options), by its text. Re-parsing after a keystroke then costs a regex or a lookup for
 * every unchanged line. Parsing is a pure function of the line's text, so this is memoization, shared by
 * all documents; it is emptied when it grows past its bound. Plain lines are not kept: the regex is as
 * quick, and a big file's every line twice over (once in the document, once here) was megabytes.
 */
const cleanLines = new Map<string, string | KnownLine>();
const MAX_CLEAN_LINES = 100_000;
/** Memo values of the lines that are not a named requirement (a named one is memoized as its project). */
const KIND_ONLY: Record<LineKind, KnownLine> = {
  blank: { kind: 'blank' },
  comment: { kind: 'comment' },
  requirement: { kind: 'requirement' },
  option: { kind: 'option' },
  error: { kind: 'error' },
};

function remember(text: string, kind: LineKind, project: string | undefined): void {
  if (cleanLines.size >= MAX_CLEAN_LINES) cleanLines.clear();
  // A copy, not a slice: a slice of a document keeps the whole text alive as long as the memo holds it
  // (the project is one already: normalizeName interns names detached).
  cleanLines.set(detached(text), kind === 'requirement' && project !== undefined ? project : KIND_ONLY[kind]);
}

/** Forgets the memoized lines (benchmarks use it to measure a cold parse). */
export function clearParseCache(): void {
  cleanLines.clear();
}

/** What parsing one logical line yields: the parts of LogicalLine that are not about where the line is. */
export type LineDetails = Pick<LogicalLine, 'kind' | 'range' | 'tokens' | 'comment' | 'requirement' | 'options' | 'variables' | 'diagnostics'>;

/**
 * How many lines of a document keep their parsed details; the least recently parsed give theirs up. A
 * screenful or two: a pass over every line of a big file then lets each line's nodes die young, where a
 * ring of 1,024 kept them alive long enough to be promoted to old space, megabytes of garbage per pass.
 */
export const KEPT_DETAILS = 128;

/** What the lines of one document share: its text, and the bounded set of lines that keep their details. */
class SharedText {
  private kept: LazyLine[] = [];
  private next = 0;

  constructor(
    readonly text: string,
    readonly lineStarts: number[],
  ) {}

  keep(line: LazyLine): void {
    if (this.kept.length < KEPT_DETAILS) {
      this.kept.push(line);
      return;
    }
    this.kept[this.next].forget();
    this.kept[this.next] = line;
    this.next = (this.next + 1) % KEPT_DETAILS;
  }
}

/** Most lines have no problems: they share one empty list (frozen, so that a push shows up as a bug). */
const NO_DIAGNOSTICS: SyntaxDiagnostic[] = Object.freeze([]) as unknown as SyntaxDiagnostic[];

/** A line whose `${NAME}`s were expanded: parsing it again starts from the line as written. */
interface Expanded {
  expansion: Expansion;
  source: JoinedLine;
}

/**
 * A logical line that keeps only its kind, project name, span and diagnostics after the first pass, and
 * parses itself again when its tokens or nodes are read. The details are kept for the KEPT_DETAILS lines
 * read last, so memory stays bounded however much of a big file the features read: keeping every node of
 * a 5,000-line file alive made the young-generation GC copy megabytes per parse, and a 1 MiB file grew
 * the server by over 100 MiB. A line that is one span of the document keeps no joined text either.
 */
class LazyLine implements LogicalLine {
  private details?: LineDetails;

  private constructor(
    private readonly shared: SharedText,
    readonly kind: LineKind,
    readonly project: string | undefined,
    readonly start: number,
    readonly end: number,
    readonly firstLine: number,
    /** Only for a line that is not one span of the document: continued, or with `${NAME}` expanded. */
    private readonly joined: JoinedLine | Expanded | undefined,
    public diagnostics: SyntaxDiagnostic[],
  ) {}

  /** A line that is the document's `[start, end)` on line `line`, known by its text to have no problems. */
  static span(shared: SharedText, kind: LineKind, project: string | undefined, start: number, end: number, line: number): LazyLine {
    const empty = start === end; // an empty line keeps the offsets 0 it always had
    return new LazyLine(shared, kind, project, empty ? 0 : start, empty ? 0 : end, line, undefined, NO_DIAGNOSTICS);
  }

  static of(
    shared: SharedText,
    joined: JoinedLine,
    kind: LineKind,
    project: string | undefined,
    diagnostics: SyntaxDiagnostic[] = NO_DIAGNOSTICS,
    expanded?: Expanded,
  ): LazyLine {
    const pieces = joined.pieces;
    const start = pieces.length ? joined.docOffset(0) : 0;
    const end = pieces.length ? joined.docOffset(joined.text.length, true) : 0;
    // One plain piece on one line: the text is the document's [start, end), nothing else to keep.
    const span =
      !expanded &&
      joined.firstLine === joined.lastLine &&
      (pieces.length === 0 || (pieces.length === 1 && !pieces[0].stand && end - start === joined.text.length));
    return new LazyLine(
      shared,
      kind,
      project,
      start,
      end,
      joined.firstLine,
      expanded ?? (span ? undefined : joined),
      diagnostics.length ? diagnostics : NO_DIAGNOSTICS,
    );
  }

  /** The line as parsed: the expanded text for a `${NAME}` line. */
  private get own(): JoinedLine | undefined {
    const j = this.joined;
    return j === undefined || j instanceof JoinedLine ? j : j.expansion.line;
  }

  /** The joined line, rebuilt from the document where it is one span. */
  private joinedLine(): JoinedLine {
    return this.own ?? spanLine(this.text, this.start, this.firstLine, this.start - this.shared.lineStarts[this.firstLine]);
  }

  get lastLine(): number {
    return this.own?.lastLine ?? this.firstLine;
  }

  get text(): string {
    const own = this.own;
    return own ? own.text : this.shared.text.slice(this.start, this.end);
  }

  get written(): string | undefined {
    const j = this.joined;
    return j !== undefined && !(j instanceof JoinedLine) && j.expansion.line.hasStandIns ? j.source.text : undefined;
  }

  get range(): Range {
    const own = this.own;
    if (own) return own.pieces.length ? own.range(0, own.text.length) : new CompactRange(this.firstLine, 0, this.firstLine, 0);
    if (this.end === this.start) return new CompactRange(this.firstLine, 0, this.firstLine, 0);
    const character = this.start - this.shared.lineStarts[this.firstLine];
    return new CompactRange(this.firstLine, character, this.firstLine, character + (this.end - this.start));
  }

  private get parsed(): LineDetails {
    if (this.details) return this.details;
    const j = this.joined;
    this.details = j !== undefined && !(j instanceof JoinedLine) ? parseExpandedLine(j.expansion, j.source) : parseLogicalLine(this.joinedLine());
    this.shared.keep(this);
    return this.details;
  }

  /** Drops the parsed details; the next read parses the line again. */
  forget(): void {
    this.details = undefined;
  }

  get tokens(): Token[] {
    return this.parsed.tokens;
  }

  get comment(): Token | undefined {
    return this.parsed.comment;
  }

  get requirement(): RequirementNode | undefined {
    return this.kind === 'requirement' || this.kind === 'error' ? this.parsed.requirement : undefined;
  }

  get options(): OptionNode[] {
    return this.kind === 'blank' || this.kind === 'comment' ? [] : this.parsed.options;
  }

  get variables(): EnvVariable[] {
    return this.parsed.variables;
  }

  toJSON(): object {
    const { kind, firstLine, lastLine, start, end, range, text, tokens, comment, requirement, options, variables, diagnostics } = this;
    return { kind, firstLine, lastLine, start, end, range, text, tokens, comment, requirement, options, variables, diagnostics };
  }
}

/** pip's COMMENT_RE `(^|\s+)#.*$`: a `#` at the start or after whitespace starts a comment. */
function findComment(text: string): number {
  let i = text.indexOf('#');
  while (i !== -1) {
    if (i === 0 || isSpace(text.charCodeAt(i - 1))) return i;
    i = text.indexOf('#', i + 1);
  }
  return -1;
}

/** pip's `break_args_options`: the options start at the first space-separated word beginning with '-'. */
function findOptionsStart(text: string, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    if (text.charCodeAt(i) === 45 /* - */ && (i === start || text.charCodeAt(i - 1) === 32)) return i;
  }
  return end;
}

/**
 * A line with `${NAME}` in it, parsed as pip parses it: expanded first. Where a variable is not set pip
 * reads it as written; what that makes of the line is said once, as a warning (the editor's environment
 * is not where pip runs), instead of the errors of the literal text.
 */
function parseExpandedLine(expansion: Expansion, source: JoinedLine): LineDetails {
  const details = parseLogicalLine(expansion.line, expansion.commentAt);
  details.variables = allVariables(source);
  if (expansion.unset.length === 0) return details;
  const names = expansion.unset.map((n) => `\${${n}}`).join(', ');
  const at = details.variables.find((v) => expansion.unset.includes(v.name))!;
  const errors = details.diagnostics.filter((d) => d.severity === 'error');
  const rest = details.diagnostics.filter((d) => d.severity !== 'error');
  const unset: SyntaxDiagnostic = {
    range: at.range,
    severity: errors.length ? 'warning' : 'hint',
    code: DiagnosticCode.UnsetVariable,
    message: errors.length
      ? `${names} ${expansion.unset.length > 1 ? 'are' : 'is'} not set here, so pip would read ${expansion.unset.length > 1 ? 'them' : 'it'} as written, and then: ${errors[0].message}. Set ${expansion.unset.join(', ')} where pip runs (and in the requirements.env setting to check the line here).`
      : `${names} ${expansion.unset.length > 1 ? 'are' : 'is'} not set here: pip would read the line as written.`,
  };
  // A requirement read from the literal text (`foo==${V}`) is still a requirement: symbols, hover, names.
  const kind = details.kind === 'error' && details.requirement ? 'requirement' : details.kind;
  return { ...details, kind, diagnostics: [unset, ...rest] };
}

/** Every `${NAME}` of the line as written, with its range. */
function allVariables(source: JoinedLine): EnvVariable[] {
  const out: EnvVariable[] = [];
  VARIABLE_RE.lastIndex = 0;
  for (let m = VARIABLE_RE.exec(source.text); m; m = VARIABLE_RE.exec(source.text))
    out.push({ name: m[1], range: source.range(m.index, m.index + m[0].length) });
  return out;
}

export function parseLogicalLine(joined: JoinedLine, knownCommentAt?: number): LineDetails {
  const b = new LineBuilder(joined);
  const text = joined.text;
  const commentAt = knownCommentAt ?? findComment(text);
  let start = 0;
  let end = commentAt === -1 ? text.length : commentAt;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;

  let kind: LineKind = commentAt === -1 ? 'blank' : 'comment';
  let requirement: RequirementNode | undefined;
  let options: OptionNode[] = [];
  if (start < end) {
    const optionsAt = findOptionsStart(text, start, end);
    if (optionsAt > start) {
      requirement = parseRequirement(b, start, optionsAt);
      kind = requirement.name || requirement.url || requirement.path ? 'requirement' : 'error';
      options = parseOptions(b, optionsAt, end, true);
    } else {
      options = parseOptions(b, optionsAt, end, false);
      const editable = options.find((o) => o.canonical === '--editable');
      const span = editable && valueSpans.get(editable);
      if (span) requirement = parseRequirement(b, span[0], span[1], true);
      kind = requirement ? 'requirement' : options.some((o) => o.canonical) ? 'option' : 'error';
    }
    if (requirement?.editable) {
      // pip hands an editable only its --config-settings: --hash and --global-option are dropped.
      for (const o of options) {
        if (o.canonical !== '--hash' && o.canonical !== '--global-option') continue;
        const message = `pip ignores ${o.canonical} on an -e line (only --config-settings applies to an editable)`;
        b.add({ range: o.flag.range, severity: 'warning', code: DiagnosticCode.IgnoredOption, message });
      }
    } else if (requirement) {
      const hashes = options.filter((o) => o.canonical === '--hash' && o.value).map((o) => o.value!);
      if (hashes.length) requirement.hashes = hashes;
    }
  }
  let comment;
  if (commentAt !== -1) comment = b.token('comment', commentAt, text.length);
  const variables = findVariables(b, start, end);
  // Tokens are produced left to right; the sort is a guard for the rare line that is not.
  if (!inOrder(b.tokens)) b.tokens.sort((x, y) => x.start - y.start);
  return {
    kind,
    range: b.range(0, text.length),
    tokens: b.tokens,
    comment,
    requirement,
    options,
    variables,
    diagnostics: b.finish(),
  };
}

function inOrder(tokens: Token[]): boolean {
  for (let i = 1; i < tokens.length; i++) if (tokens[i].start < tokens[i - 1].start) return false;
  return true;
}

/** Where each option's value lies in the joined text (the editable's value is parsed as a requirement). */
const valueSpans = new WeakMap<OptionNode, [number, number]>();

interface Word {
  start: number;
  end: number;
  value: string;
}

/** shlex.split (POSIX mode) over `text[start, end)`, keeping each word's span. */
function splitWords(b: LineBuilder, start: number, end: number): Word[] | undefined {
  const text = b.text;
  const words: Word[] = [];
  let i = start;
  while (i < end) {
    while (i < end && isSpace(text.charCodeAt(i))) i++;
    if (i >= end) break;
    const wStart = i;
    let value = '';
    // Fast path: most words have no quotes or escapes, and their value is their text.
    let j = i;
    while (j < end) {
      const c = text.charCodeAt(j);
      if (isSpace(c) || c === 34 || c === 39 || c === 92) break;
      j++;
    }
    if (j >= end || isSpace(text.charCodeAt(j))) {
      words.push({ start: wStart, end: j, value: text.slice(wStart, j) });
      i = j;
      continue;
    }
    while (i < end && !isSpace(text.charCodeAt(i))) {
      const c = text[i];
      if (c === '"' || c === "'") {
        const close = text.indexOf(c, i + 1);
        if (close === -1 || close >= end) {
          b.report('unclosed-quote', `Unclosed ${c} in the options: add the closing ${c}`, i, end);
          return undefined;
        }
        value += c === '"' ? text.slice(i + 1, close).replace(/\\(["\\$`])/g, '$1') : text.slice(i + 1, close);
        i = close + 1;
      } else if (c === '\\' && i + 1 < end) {
        value += text[i + 1];
        i += 2;
      } else {
        value += c;
        i++;
      }
    }
    words.push({ start: wStart, end: i, value });
  }
  return words;
}

/** Reads options as pip's optparse-based line parser does. `afterRequirement`: only per-requirement options belong. */
function parseOptions(b: LineBuilder, start: number, end: number, afterRequirement: boolean): OptionNode[] {
  if (start >= end) return [];
  const words = splitWords(b, start, end);
  if (!words) {
    b.token('unknown', start, end);
    return [];
  }
  const out: OptionNode[] = [];
  for (let k = 0; k < words.length; k++) {
    const w = words[k];
    if (w.value === '--') {
      // optparse: '--' ends the options; pip then ignores it and every word after it.
      const last = words[words.length - 1];
      b.token('unknown', w.start, last.end);
      b.report('ignored-argument', `pip ignores '--' and everything after it on the line`, w.start, last.end, 'warning');
      break;
    }
    if (!w.value.startsWith('-') || w.value === '-') {
      b.token('unknown', w.start, w.end);
      b.report(
        'ignored-argument',
        `pip ignores '${b.quote(w.value, w.start, w.end)}' here: put each requirement or option on its own line`,
        w.start,
        w.end,
        'warning',
      );
      continue;
    }
    const long = w.value.startsWith('--');
    // Within the word only: searching the rest of the line for each word was quadratic on a line of many words.
    const eq = long ? indexWithin(b.text, '=', w.start, w.end) : -1;
    const flagEnd = long ? (eq !== -1 ? eq : w.end) : Math.min(w.start + 2, w.end);
    const flag = b.text.slice(w.start, flagEnd);
    const flagShown = b.quote(flag, w.start, flagEnd);
    const found = lookupOption(flag);
    b.token('option', w.start, flagEnd);
    const node: OptionNode = { range: b.range(w.start, w.end), flag: b.spanned(w.start, flagEnd), canonical: '' };
    out.push(node);
    if (!found.ok) {
      if (found.reason === 'ambiguous')
        b.report('ambiguous-option', `'${flagShown}' is ambiguous: did you mean ${found.candidates.join(' or ')}?`, w.start, flagEnd);
      else b.report('unknown-option', `pip does not know the option '${flagShown}' in a requirements file`, w.start, flagEnd);
      if (flagEnd < w.end) b.token('unknown', flagEnd, w.end);
      continue;
    }
    const spec = found.spec;
    node.canonical = spec.long;
    if (afterRequirement && !spec.perRequirement) {
      // pip parses it and then ignores it: a silent no-op is worth a warning.
      b.report(
        'ignored-option',
        `pip ignores '${flagShown}' after a requirement: put it on its own line (only --hash, --config-settings and --global-option apply to a requirement)`,
        w.start,
        flagEnd,
        'warning',
      );
    }
    let valueStart = -1;
    let valueEnd = -1;
    let value: string | undefined;
    if (flagEnd < w.end) {
      // `--opt=value`, or `-rvalue` for a short option.
      const vs = long ? flagEnd + 1 : flagEnd;
      if (long) b.token('equals', flagEnd, flagEnd + 1);
      valueStart = vs;
      valueEnd = w.end;
      value = long ? w.value.slice(w.value.indexOf('=') + 1) : w.value.slice(2);
      if (spec.value === 'none') {
        b.report('option-takes-no-value', `'${spec.long}' takes no value: remove '${b.shown(flagEnd, w.end)}'`, flagEnd, w.end);
        b.token('unknown', vs, w.end);
        continue;
      }
    } else if (spec.value !== 'none') {
      const next = words[k + 1];
      if (!next) {
        b.report('missing-option-value', `'${flagShown}' needs a ${spec.metavar ?? 'value'} after it`, w.start, flagEnd);
        continue;
      }
      k++;
      valueStart = next.start;
      valueEnd = next.end;
      value = next.value;
    }
    if (value === undefined) continue;
    // An editable's value gets the requirement's own tokens (url, path, name). In `-e "git+https://…&…"`
    // shlex drops the quotes: the requirement lies between them.
    const quoted = spec.long === '--editable' && isQuoted(b.text, valueStart, valueEnd, value) ? 1 : 0;
    if (spec.long !== '--editable') b.token('optionValue', valueStart, valueEnd);
    else if (quoted) {
      b.token('optionValue', valueStart, valueStart + 1);
      b.token('optionValue', valueEnd - 1, valueEnd);
    }
    // (for an editable only: a WeakMap entry for every option of a line of 300,000 options was most of its parse)
    if (spec.long === '--editable') valueSpans.set(node, [valueStart + quoted, valueEnd - quoted]);
    if (spec.long === '--editable' && !quoted && value !== b.text.slice(valueStart, valueEnd)) {
      // shlex took quotes or backslashes out of the word: pip installs something else than what is written.
      // In the #fragment (an #egg= marker's strings) that always breaks the requirement.
      const hash = indexWithin(b.text, '#', valueStart, valueEnd);
      const inFragment = hash !== -1 && /["'\\]/.test(b.text.slice(hash, valueEnd));
      b.report(
        'invalid-editable',
        `pip reads an -e value with shell quoting and sees '${b.quote(value, valueStart, valueEnd)}' (the quotes and backslashes removed)${inFragment ? ', which breaks the #egg= part' : ''}: quote the whole value instead, -e "…"`,
        valueStart,
        valueEnd,
        inFragment ? 'error' : 'warning',
      );
    }
    node.value = b.withWritten({ text: value, range: b.range(valueStart, valueEnd) }, valueStart, valueEnd);
    node.range = b.range(w.start, valueEnd);
    if (spec.long === '--hash') checkHash(b, value, valueStart, valueEnd);
    if (spec.long === '--trusted-host') checkTrustedHost(b, value, valueStart, valueEnd);
    if (spec.choices && !spec.choices.includes(value)) {
      b.report(
        'invalid-option-value',
        `'${b.quote(value, valueStart, valueEnd)}' is not a value pip accepts for ${spec.long}: use one of ${spec.choices.join(', ')}`,
        valueStart,
        valueEnd,
      );
    }
    if (spec.long === '--config-settings' && !value.includes('=')) {
      b.report('invalid-option-value', `--config-settings takes KEY=VALUE, not '${b.quote(value, valueStart, valueEnd)}'`, valueStart, valueEnd);
    }
    // pip accepts an empty value (`--index-url=`) but it is almost certainly a mistake; an empty -e it rejects.
    if (value === '' && spec.value !== 'text') {
      b.report(
        'missing-option-value',
        `'${flagShown}' has an empty value; give a ${spec.metavar ?? 'value'}`,
        w.start,
        valueEnd,
        spec.long === '--editable' ? 'error' : 'warning',
      );
    }
  }
  return out;
}

/** Where `c` first is in `text[start, end)`, or -1; never looks past `end`. */
function indexWithin(text: string, c: string, start: number, end: number): number {
  const code = c.charCodeAt(0);
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === code) return i;
  return -1;
}

/** Whether `text[start, end)` is `value` in one pair of quotes, with nothing shlex would unescape. */
function isQuoted(text: string, start: number, end: number, value: string): boolean {
  const q = text.charCodeAt(start);
  return (q === 34 || q === 39) && end - start === value.length + 2 && text.charCodeAt(end - 1) === q && text.startsWith(value, start + 1);
}

/**
 * pip's `add_trusted_host` reads the value with `urllib.parse` (Python 3.13) and fails on the whole
 * file where that raises. pip takes a value with two ':' or more and no '@' or '[' for a bare IPv6
 * address and puts it in brackets, so `http://host:8080/path` fails.
 */
function checkTrustedHost(b: LineBuilder, value: string, start: number, end: number): void {
  // Where a variable's value is in it, messages quote the value as written, never a part of what it expands to.
  const expanded = b.line.expandedIn(start, end);
  const shown = b.shown(start, end);
  const bare6 = value.indexOf(':') !== value.lastIndexOf(':') && !value.includes('@') && !value.includes('[');
  const netloc = (bare6 ? `[${value}]` : value).split(/[/?#]/, 1)[0];
  const hostinfo = netloc.slice(netloc.lastIndexOf('@') + 1);
  let problem: string | undefined;
  let host = hostinfo;
  let afterHost = ''; // where urllib looks for ':port'
  if (netloc.includes('[') || netloc.includes(']')) {
    const close = hostinfo.indexOf(']');
    host = hostinfo.slice(1, close);
    afterHost = hostinfo.slice(close + 1);
    const ipv6 = /^[0-9a-f]*:[0-9a-f:.]*(%.+)?$/i.test(host) || /^v[0-9a-f]+\..+$/i.test(host);
    if (!hostinfo.startsWith('[') || close === -1 || !ipv6) problem = `pip cannot read '${shown}' as a host (Invalid IPv6 URL)`;
  } else if (hostinfo.includes(':')) {
    host = hostinfo.slice(0, hostinfo.indexOf(':'));
    afterHost = hostinfo.slice(host.length);
  }
  const port = afterHost.includes(':') ? afterHost.slice(afterHost.indexOf(':') + 1) : '';
  if (!problem && port !== '' && !(/^[0-9]+$/.test(port) && Number(port) <= 65535)) {
    problem = expanded ? `'${shown}' has no valid port number (0-65535)` : `'${port}' is not a port number (0-65535)`;
  }
  if (!problem && host === '') problem = `'${shown}' names no host`;
  if (problem) b.report('invalid-option-value', `${problem}: --trusted-host takes host or host:port, and pip fails on the whole file here`, start, end);
  else if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value)) {
    const trusted = expanded ? `the host of '${shown}'` : `the host '${host.toLowerCase()}'`;
    b.report('invalid-option-value', `--trusted-host takes host or host:port, not a URL: as written pip trusts ${trusted}`, start, end, 'warning');
  }
}

function checkHash(b: LineBuilder, value: string, start: number, end: number): void {
  const colon = value.indexOf(':');
  if (colon === -1) {
    b.report('invalid-hash', `A --hash value is an algorithm and a digest: --hash=sha256:<64 hex digits>`, start, end);
    return;
  }
  const algorithm = value.slice(0, colon);
  const expanded = b.line.expandedIn(start, end);
  if (!(HASH_ALGORITHMS as readonly string[]).includes(algorithm)) {
    b.report('invalid-hash', `pip accepts only ${HASH_ALGORITHMS.join(', ')} for --hash, not '${expanded ? b.shown(start, end) : algorithm}'`, start, end);
    return;
  }
  const digest = value.slice(colon + 1);
  const expected = algorithm === 'sha256' ? 64 : algorithm === 'sha384' ? 96 : 128;
  if (!/^[0-9a-fA-F]*$/.test(digest) || digest.length !== expected) {
    // Not even the length of a variable's value is told.
    const got = expanded ? `'${b.shown(start, end)}' is not` : `this one is ${digest.length} characters`;
    b.report('invalid-hash', `A ${algorithm} digest is ${expected} hexadecimal digits; ${got}`, start, end, 'warning');
  }
}

const VARIABLE_NAME = /^[A-Z0-9_]+$/;

/**
 * Each `${…}` that starts in `text[start, end)` (what /\$\{([^}]*)\}/g finds). Scanned by hand: that pattern
 * looked for a `}` to the end of the line from every `${`, and a 300 KB line of `${` took half a minute.
 * Here a `${` with no `}` after it ends the search, so each character is looked at once.
 */
function findVariables(b: LineBuilder, start: number, end: number): EnvVariable[] {
  const text = b.text;
  const out: EnvVariable[] = [];
  let close = -1;
  for (let open = text.indexOf('${', start); open !== -1 && open < end; open = text.indexOf('${', close + 1)) {
    close = text.indexOf('}', open + 2);
    if (close === -1) break;
    const name = text.slice(open + 2, close);
    const range = b.range(open, close + 1);
    if (VARIABLE_NAME.test(name)) out.push({ name, range });
    else b.report('unexpanded-variable', `pip expands only \${UPPER_CASE_NAMES}; '${b.shown(open, close + 1)}' stays as written`, open, close + 1, 'warning');
  }
  return out;
}
