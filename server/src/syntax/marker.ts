// PEP 508 environment markers, parsed as packaging 24.1 parses them, keeping partial trees for half-typed input.

import { LineBuilder, skipWs } from './builder.js';
import type { MarkerExpression, MarkerNode, MarkerOperand, Spanned } from './types.js';

/** Marker variables, including the legacy dotted aliases packaging still accepts. */
export const MARKER_VARIABLES = [
  'python_version',
  'python_full_version',
  'os_name',
  'sys_platform',
  'platform_release',
  'platform_system',
  'platform_version',
  'platform_machine',
  'platform_python_implementation',
  'implementation_name',
  'implementation_version',
  'extra',
] as const;

const LEGACY_ALIASES: Record<string, string> = {
  'os.name': 'os_name',
  'sys.platform': 'sys_platform',
  'platform.version': 'platform_version',
  'platform.machine': 'platform_machine',
  'platform.python_implementation': 'platform_python_implementation',
  python_implementation: 'platform_python_implementation',
};

export const MARKER_OPERATORS = ['==', '!=', '<=', '<', '>=', '>', '~=', '===', 'in', 'not in'] as const;

const WORD = /[A-Za-z0-9_.]+/y;
const OPERATOR = /===|==|~=|!=|<=|>=|<|>/y;
const NOT_IN = /not[ \t]+in\b/y;

export function canonicalMarkerVariable(name: string): string | undefined {
  if ((MARKER_VARIABLES as readonly string[]).includes(name)) return name;
  return LEGACY_ALIASES[name];
}

/**
 * How deep parentheses may nest in a marker. packaging parses them recursively, and pip 24.2 on Python
 * 3.13 fails with a RecursionError past 490 levels (test/data/pip-verdicts.json, nest-*; the exact depth
 * depends on its stack). We stop there too, so that a hostile line cannot exhaust our stack either.
 */
export const MAX_MARKER_DEPTH = 490;

class MarkerParser {
  private i: number;
  private depth = 0;
  /** Set once the nesting bound is hit: the rest of the marker is one `unknown` token, and nothing more is said. */
  private gaveUp = false;

  constructor(
    private readonly b: LineBuilder,
    start: number,
    private readonly end: number,
  ) {
    this.i = start;
  }

  private get text(): string {
    return this.b.text;
  }

  private ws(): void {
    this.i = skipWs(this.text, this.i, this.end);
  }

  private word(): string | undefined {
    WORD.lastIndex = this.i;
    const m = WORD.exec(this.text);
    if (!m || m.index !== this.i || this.i + m[0].length > this.end) return undefined;
    return m[0];
  }

  private keyword(): 'and' | 'or' | undefined {
    const w = this.word();
    return w === 'and' || w === 'or' ? w : undefined;
  }

  parse(): MarkerExpression | undefined {
    return this.or();
  }

  private or(): MarkerExpression | undefined {
    let left = this.and();
    for (;;) {
      this.ws();
      if (!left || this.keyword() !== 'or') return left;
      left = this.binary('or', left, () => this.and());
    }
  }

  private and(): MarkerExpression | undefined {
    let left = this.atom();
    for (;;) {
      this.ws();
      if (!left || this.keyword() !== 'and') return left;
      left = this.binary('and', left, () => this.atom());
    }
  }

  private binary(type: 'and' | 'or', left: MarkerExpression, next: () => MarkerExpression | undefined): MarkerExpression {
    const kwStart = this.i;
    this.i += type.length;
    this.b.token('markerKeyword', kwStart, this.i);
    const right = next();
    if (!right) {
      this.b.report('invalid-marker', `'${type}' needs a marker after it, e.g. python_version >= "3.9"`, kwStart, this.i);
      const here = this.b.range(this.i, this.i);
      return { type, left, right: { type: 'compare', range: here }, range: { start: left.range.start, end: here.end } };
    }
    return { type, left, right, range: { start: left.range.start, end: right.range.end } };
  }

  private atom(): MarkerExpression | undefined {
    this.ws();
    if (this.i >= this.end) return undefined;
    if (this.text[this.i] === '(') {
      const open = this.i;
      if (this.depth >= MAX_MARKER_DEPTH) return this.giveUp(open);
      this.b.token('parenOpen', open, open + 1);
      this.i++;
      this.depth++;
      const inner = this.or();
      this.depth--;
      this.ws();
      if (this.gaveUp) return inner;
      if (this.text[this.i] === ')' && this.i < this.end) {
        this.b.token('parenClose', this.i, this.i + 1);
        this.i++;
      } else if (inner) {
        this.b.report('invalid-marker', `Missing ')' to close the '(' of this marker`, open, this.i);
      }
      if (!inner) {
        this.b.report('invalid-marker', `Expected a marker inside '( )', e.g. python_version >= "3.9"`, open, this.i);
        return { type: 'compare', range: this.b.range(open, this.i) };
      }
      return inner;
    }
    return this.item();
  }

  private giveUp(at: number): MarkerExpression {
    this.gaveUp = true;
    this.b.token('unknown', at, this.end);
    this.b.report(
      'marker-too-deep',
      `Parentheses nested more than ${MAX_MARKER_DEPTH} deep: pip gives up on this marker (RecursionError), and so do we. Flatten it.`,
      at,
      this.end,
    );
    this.i = this.end;
    return { type: 'compare', range: this.b.range(at, this.end) };
  }

  private operand(): MarkerOperand | undefined | 'error' {
    this.ws();
    const start = this.i;
    if (start >= this.end) return undefined;
    const q = this.text[start];
    if (q === '"' || q === "'") {
      const close = this.text.indexOf(q, start + 1);
      const closed = close !== -1 && close < this.end;
      const stop = closed ? close + 1 : this.end;
      this.b.token('markerString', start, stop);
      this.i = stop;
      if (!closed) this.b.report('invalid-marker', `Unclosed string: add a closing ${q}`, start, stop);
      const raw = this.text.slice(start + 1, closed ? close : stop);
      const decoded = raw.includes('\\') ? decodePythonString(raw) : { value: raw };
      if (decoded.problem) {
        // The problem quotes part of the string: where a variable's value is in it, the string as written instead.
        const problem = this.b.line.expandedIn(start, stop)
          ? `pip cannot read ${this.b.shown(start, stop)} as a Python string literal`
          : `pip reads a marker string as a Python string literal, and ${decoded.problem}`;
        this.b.report('invalid-marker', problem, start, stop);
      }
      return { type: 'string', value: decoded.value, range: this.b.range(start, stop), closed };
    }
    const w = this.word();
    if (w && !/^(and|or|in|not)$/.test(w)) {
      this.i += w.length;
      const canonical = canonicalMarkerVariable(w);
      this.b.token('markerVariable', start, this.i);
      if (!canonical) {
        const hint = suggestVariable(w);
        const shown = this.b.quote(w, start, this.i);
        // A near miss is a misspelt variable; only a word like no variable may be a value missing its quotes.
        this.b.report(
          'unknown-marker-variable',
          `'${shown}' is not a marker variable${hint ? `; did you mean '${hint}'?` : ` (a value must be quoted: "${shown}")`}`,
          start,
          this.i,
        );
        return 'error';
      }
      return { type: 'variable', name: canonical, range: this.b.range(start, this.i) };
    }
    return undefined;
  }

  private item(): MarkerExpression | undefined {
    const start = skipWs(this.text, this.i, this.end);
    const left = this.operand();
    if (left === undefined) {
      if (this.i < this.end) this.b.report('invalid-marker', `Expected a marker variable or a quoted string, e.g. python_version or "3.9"`, this.i, this.end);
      return undefined;
    }
    if (left === 'error') return { type: 'compare', range: this.b.range(start, this.i) };
    this.ws();
    const opStart = this.i;
    const op = this.operator();
    if (!op) {
      if (this.i < this.end && !this.keyword())
        this.b.report('invalid-marker', `Expected a marker operator (==, !=, <, <=, >, >=, ~=, ===, in, not in)`, this.i, this.end);
      else
        this.b.report(
          'invalid-marker',
          `Incomplete marker: add an operator and a value, e.g. ${left.type === 'variable' ? left.name : 'python_version'} >= "3.9"`,
          start,
          this.i,
        );
      return { type: 'compare', left, range: this.b.range(start, this.i) };
    }
    const right = this.operand();
    if (right === undefined) {
      this.b.report(
        'invalid-marker',
        `Incomplete marker: add a value after '${this.b.quote(op.text, opStart, opStart + op.text.length)}', e.g. "3.9"`,
        start,
        this.i,
      );
      return { type: 'compare', left, op, range: this.b.range(start, this.i) };
    }
    if (right === 'error') return { type: 'compare', left, op, range: this.b.range(start, this.i) };
    if (left.type === 'string' && right.type === 'string') {
      // packaging accepts this, but it compares two constants and is almost certainly a typo.
      this.b.report(
        'marker-compares-constants',
        `This marker compares two strings; one side should be a variable such as python_version`,
        start,
        this.i,
        'warning',
      );
    }
    return { type: 'compare', left, op, right, range: this.b.range(start, this.i) };
  }

  private operator(): Spanned | undefined {
    const start = this.i;
    OPERATOR.lastIndex = start;
    let m = OPERATOR.exec(this.text);
    if (!m) {
      NOT_IN.lastIndex = start;
      m = NOT_IN.exec(this.text);
    }
    if (!m) {
      const w = this.word();
      if (w === 'in') m = ['in'] as unknown as RegExpExecArray;
    }
    if (!m || start + m[0].length > this.end) return undefined;
    this.i = start + m[0].length;
    this.b.token('markerOperator', start, this.i);
    return this.b.spanned(start, this.i);
  }

  finish(): number {
    this.ws();
    return this.i;
  }
}

/** Parses `text[start, end)` as a marker, adding tokens and diagnostics to the builder. */
export function parseMarker(b: LineBuilder, start: number, end: number): MarkerNode {
  const p = new MarkerParser(b, start, end);
  const expression = p.parse();
  const stop = p.finish();
  if (stop < end && !b.hasErrors()) {
    b.token('unknown', stop, end);
    b.report('invalid-marker', `Unexpected '${b.shown(stop, end)}' in the marker: join conditions with 'and' / 'or'`, stop, end);
  } else if (!expression && stop >= end) {
    b.report('invalid-marker', `Expected a marker after ';', e.g. python_version >= "3.9"`, Math.max(start - 1, 0), end);
  }
  return b.withWritten({ text: b.text.slice(start, end), range: b.range(start, end), expression }, start, end);
}

const SIMPLE_ESCAPES: Record<string, string> = { '\n': '', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/**
 * What Python's `ast.literal_eval` makes of a quoted marker string (packaging reads them so): the escapes
 * decoded, or the reason it raises. An unknown escape such as `\q` stays as written (Python only warns).
 */
export function decodePythonString(raw: string): { value: string; problem?: string } {
  let value = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c !== '\\') {
      value += c;
      continue;
    }
    const e = raw[i + 1];
    if (e === undefined) return { value: raw, problem: `the '\\' before the closing quote escapes it: the string never ends (write '\\\\' for a backslash)` };
    if (e in SIMPLE_ESCAPES) {
      value += SIMPLE_ESCAPES[e];
      i++;
    } else if (e >= '0' && e <= '7') {
      const m = /^[0-7]{1,3}/.exec(raw.slice(i + 1))![0];
      value += String.fromCodePoint(parseInt(m, 8));
      i += m.length;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = raw.slice(i + 2, i + 2 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) return { value: raw, problem: `'\\${e}' needs ${n} hexadecimal digits after it` };
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) return { value: raw, problem: `'\\${e}${hex}' is not a Unicode character` };
      value += String.fromCodePoint(code);
      i += 1 + n;
    } else if (e === 'N') {
      const close = raw[i + 2] === '{' ? raw.indexOf('}', i + 3) : -1;
      if (close === -1 || close === i + 3) return { value: raw, problem: `'\\N' needs a character name in braces: \\N{DIGIT THREE}` };
      // Python knows the name (or fails); we keep it as written.
      value += raw.slice(i, close + 1);
      i = close;
    } else value += c;
  }
  return { value };
}

function suggestVariable(word: string): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  for (const v of MARKER_VARIABLES) {
    // The distance is at least the difference in length: a long word is not compared (a 1 MB one took seconds).
    if (Math.abs(word.length - v.length) >= bestDistance) continue;
    const d = editDistance(word.toLowerCase(), v);
    if (d < bestDistance) {
      bestDistance = d;
      best = v;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
