// Whether several specifier clauses can hold at once, by the version interval they leave (no index needed).

import { compare, valid } from '@renovatebot/pep440';
import type { SpecifierClause } from '../syntax/types.js';

interface Bound {
  version: string;
  inclusive: boolean;
}

/** The interval [lower, upper] the clauses allow; wildcards and `===` are left out (they cannot be bounded simply). */
function bounds(clauses: SpecifierClause[]): { lower?: Bound; upper?: Bound; excluded: string[] } {
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
        const release = v.split(/[^0-9.]/)[0].split('.').map(Number);
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
export function satisfiable(clauses: SpecifierClause[]): boolean {
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
