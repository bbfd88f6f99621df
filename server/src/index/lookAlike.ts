// Look-alike names (typosquats): a name one small edit away from a project far more downloaded. The edits are the
// ones people make and squatters use: a transposition, a doubled or missing character, another separator, one
// character for another (`numpi`), and confusable pairs (`rn` for `m`, `vv` for `w`, `cl` for `d`).
//
// A name in the popularity table is never a look-alike: being among the 15,000 most downloaded projects makes it a
// project of its own (`boto` and `boto3`, `pyaml` and `pyyaml`, `httpr` and `httpx` are all real and used).

import { normalizeName } from '../syntax/names.js';

export interface LookAlike {
  /** The popular project's normalized name. */
  target: string;
  /** Its rank in the table, 0 first. */
  rank: number;
}

export interface LookAlikeIndex {
  lookAlikeOf(name: string): LookAlike | undefined;
}

/** Only projects this popular are worth imitating; past it, two similar names are as likely both real. */
const POPULAR_ENOUGH = 3000;
/** Shorter names are one edit from too many real others (`bank` and `banks`, `cash` and `dash`). */
const SHORTEST = 5;
const CONFUSABLE: [string, string][] = [
  ['rn', 'm'],
  ['vv', 'w'],
  ['cl', 'd'],
];

/**
 * An index over a popularity table (normalized names, most downloaded first), built once: every popular name and
 * each of its one-character deletions point to it, so a lookup costs one deletion pass over the asked name
 * (the symmetric-delete method) instead of trying every insertion and substitution.
 */
export function createLookAlikeIndex(normalized: readonly string[]): LookAlikeIndex {
  const rankOf = new Map<string, number>();
  normalized.forEach((n, i) => rankOf.has(n) || rankOf.set(n, i));
  /** A name or a deletion of it → the best-ranked popular names it comes from. */
  const byDeletion = new Map<string, number[]>();
  const add = (key: string, rank: number) => {
    const list = byDeletion.get(key);
    if (!list) byDeletion.set(key, [rank]);
    else if (!list.includes(rank)) list.push(rank);
  };
  const limit = Math.min(POPULAR_ENOUGH, normalized.length);
  for (let rank = 0; rank < limit; rank++) {
    const p = normalized[rank];
    if (rankOf.get(p) !== rank || p.length < SHORTEST) continue;
    add(p, rank);
    for (const d of deletions(p)) add(d, rank);
  }

  return {
    lookAlikeOf(name) {
      const own = normalizeName(name);
      if (own.length < SHORTEST || own.length > 100 || rankOf.has(own)) return undefined;
      let best: number | undefined;
      const consider = (rank: number) => {
        if (best === undefined || rank < best) best = rank;
      };
      const candidates = (key: string) => byDeletion.get(key) ?? [];
      for (const key of [own, ...deletions(own)]) for (const rank of candidates(key)) if (oneEditApart(own, normalized[rank])) consider(rank);
      for (const variant of confusableVariants(own)) {
        const rank = rankOf.get(variant);
        if (rank !== undefined && rank < limit) consider(rank);
      }
      return best === undefined ? undefined : { target: normalized[best], rank: best };
    },
  };
}

function* deletions(s: string): Generator<string> {
  for (let i = 0; i < s.length; i++) if (i === 0 || s[i] !== s[i - 1]) yield s.slice(0, i) + s.slice(i + 1);
}

function* confusableVariants(s: string): Generator<string> {
  for (const [a, b] of CONFUSABLE) {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ]) {
      for (let at = s.indexOf(from); at !== -1; at = s.indexOf(from, at + 1)) yield s.slice(0, at) + to + s.slice(at + from.length);
    }
  }
}

/** One insertion, deletion, substitution or adjacent transposition apart (and not equal). */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // transposition
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
