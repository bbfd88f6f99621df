// Whether several specifier clauses can hold at once, by the version interval they leave (no index needed).

import { compare as pep440Compare, valid as pep440Valid } from '@renovatebot/pep440';
import { detached } from '../syntax/detached.js';

/** Equal texts are equal versions: no parse for the common case of one version written twice. */
const compare = (a: string, b: string) => (a === b ? 0 : pep440Compare(a, b));

/** Whether a version parses, remembered (a big file names the same versions many times); emptied when full. */
const validity = new Map<string, boolean>();
function valid(v: string): boolean {
  let ok = validity.get(v);
  if (ok === undefined) {
    if (validity.size >= 10_000) validity.clear();
    validity.set(detached(v), (ok = pep440Valid(v) !== null));
  }
  return ok;
}

/** What the bounds need of a clause: its texts (a SpecifierClause, or one read off a plain line). */
export interface ClauseText {
  operator: { text: string };
  version?: { text: string };
}

interface Bound {
  version: string;
  inclusive: boolean;
}

/** The interval [lower, upper] the clauses allow; wildcards and `===` are left out (they cannot be bounded simply). */
function bounds(clauses: readonly ClauseText[]): { lower?: Bound; upper?: Bound; excluded: string[] } {
  let lower: Bound | undefined;
  let upper: Bound | undefined;
  const excluded: string[] = [];
  const raise = (b: Bound) => {
    if (!lower || compare(b.version, lower.version) > 0 || (compare(b.version, lower.version) === 0 && !b.inclusive)) lower = b;
  };
  const cut = (b: Bound) => {
    if (!upper || compare(b.version, upper.version) < 0 || (compare(b.version, upper.version) === 0 && !b.inclusive)) upper = b;
  };
  for (const c of clauses) {
    const v = c.version?.text;
    if (!v || v.endsWith('.*') || !valid(v)) continue;
    switch (c.operator.text) {
      case '==':
        raise({ version: v, inclusive: true });
        cut({ version: v, inclusive: true });
        break;
      case '>=':
        raise({ version: v, inclusive: true });
        break;
      case '>':
        raise({ version: v, inclusive: false });
        break;
      case '<=':
        cut({ version: v, inclusive: true });
        break;
      case '<':
        cut({ version: v, inclusive: false });
        break;
      case '~=': {
        raise({ version: v, inclusive: true });
        const release = v
          .split(/[^0-9.]/)[0]
          .split('.')
          .map(Number);
        const head = release.slice(0, Math.max(1, release.length - 1));
        head[head.length - 1] += 1;
        cut({ version: head.join('.'), inclusive: false });
        break;
      }
      case '!=':
        excluded.push(v);
        break;
    }
  }
  return { lower, upper, excluded };
}

/** False when no version can satisfy all clauses together; true when some may (or it cannot tell). */
export function satisfiable(clauses: readonly ClauseText[]): boolean {
  // The same clause written on several lines (a big file's repeated pins) is as satisfiable as one clause.
  const distinct = new Set<string>();
  for (const c of clauses) distinct.add(`${c.operator.text}${c.version?.text ?? ''}`);
  if (distinct.size <= 1) return true;
  const { lower, upper, excluded } = bounds(clauses);
  if (!lower || !upper) return true;
  const order = compare(lower.version, upper.version);
  if (order > 0) return false;
  if (order === 0) {
    if (!lower.inclusive || !upper.inclusive) return false;
    return !excluded.some((x) => compare(x, lower!.version) === 0);
  }
  return true;
}
