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

class MarkerParser {
  private i: number;

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
      this.b.token('parenOpen', open, open + 1);
      this.i++;
      const inner = this.or();
      this.ws();
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
      return { type: 'string', value: this.text.slice(start + 1, closed ? close : stop), range: this.b.range(start, stop), closed };
    }
    const w = this.word();
    if (w && !/^(and|or|in|not)$/.test(w)) {
      this.i += w.length;
      const canonical = canonicalMarkerVariable(w);
      this.b.token('markerVariable', start, this.i);
      if (!canonical) {
        const hint = suggestVariable(w);
        // A near miss is a misspelt variable; only a word like no variable may be a value missing its quotes.
        this.b.report('unknown-marker-variable', `'${w}' is not a marker variable${hint ? `; did you mean '${hint}'?` : ` (a value must be quoted: "${w}")`}`, start, this.i);
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
    const op = this.operator();
    if (!op) {
      if (this.i < this.end && !this.keyword()) this.b.report('invalid-marker', `Expected a marker operator (==, !=, <, <=, >, >=, ~=, ===, in, not in)`, this.i, this.end);
      else this.b.report('invalid-marker', `Incomplete marker: add an operator and a value, e.g. ${left.type === 'variable' ? left.name : 'python_version'} >= "3.9"`, start, this.i);
      return { type: 'compare', left, range: this.b.range(start, this.i) };
    }
    const right = this.operand();
    if (right === undefined) {
      this.b.report('invalid-marker', `Incomplete marker: add a value after '${op.text}', e.g. "3.9"`, start, this.i);
      return { type: 'compare', left, op, range: this.b.range(start, this.i) };
    }
    if (right === 'error') return { type: 'compare', left, op, range: this.b.range(start, this.i) };
    if (left.type === 'string' && right.type === 'string') {
      // packaging accepts this, but it compares two constants and is almost certainly a typo.
      this.b.report('marker-compares-constants', `This marker compares two strings; one side should be a variable such as python_version`, start, this.i, 'warning');
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
    b.report('invalid-marker', `Unexpected '${b.text.slice(stop, end)}' in the marker: join conditions with 'and' / 'or'`, stop, end);
  } else if (!expression && stop >= end) {
    b.report('invalid-marker', `Expected a marker after ';', e.g. python_version >= "3.9"`, Math.max(start - 1, 0), end);
  }
  return { text: b.text.slice(start, end), range: b.range(start, end), expression };
}

function suggestVariable(word: string): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  for (const v of MARKER_VARIABLES) {
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
