// Project-name search for completion: exact, then prefix by popularity, then typo-tolerant, on normalized names.

import { normalizeName } from '../syntax/names.js';
import { pep503Name } from './pep503.js';
import type { PopularTable } from './popularTable.js';
import { displayAt, hasName, lowerBound, nameAt, packNames, sizeOf, startsWithAt, type SortedNames } from './sortedNames.js';

export interface NameHit {
  name: string;
  normalized: string;
  /** Popularity rank (0 = most downloaded) when known. */
  rank?: number;
}

export interface NameSearchResult {
  items: NameHit[];
  /** More may match than were returned, or the answer may change as the user types: ask again. */
  incomplete: boolean;
}

/**
 * An index over project names: the normalized names, sorted and packed (sortedNames.ts), for prefix search by
 * binary search, the display names beside them, and popularity ranks for ordering.
 */
export class NameIndex {
  private readonly names: SortedNames;
  private readonly rank: Map<string, number>;
  private readonly popularDisplay: Map<string, string>;
  /** Popular names, normalized and sorted, for prefix and typo search among them. */
  private readonly popularSorted: string[];
  /**
   * Whether the list holds a popular name, looked up once a name (an empty query, popular prefixes, typos and
   * every did-you-mean read only popular names); undefined when the list is the popular names themselves.
   * Not all 15,000 up front: on a fresh process that took 25-77 ms on one turn.
   */
  private readonly listed: Map<string, boolean> | undefined;

  /**
   * `names`: any project names; or, for the full project list, the packed list (projectList.ts, built off the
   * event loop), which loads without sorting 886k strings again.
   */
  constructor(names: Iterable<string> | SortedNames, popular: readonly string[] | PopularTable = []) {
    const table = popularTable(popular);
    ({ rank: this.rank, display: this.popularDisplay, sorted: this.popularSorted } = table);
    if ('starts' in names) {
      this.names = names;
      this.listed = new Map();
    } else {
      const display = new Map<string, string>();
      for (const n of names) if (!display.has(normalizeName(n))) display.set(normalizeName(n), n);
      // The popular names alone (did-you-mean before the list is there): already sorted, and all of them listed.
      const sorted = display.size ? [...new Set([...display.keys(), ...this.popularSorted])].sort() : this.popularSorted;
      for (const [k, n] of this.popularDisplay) if (!display.has(k)) display.set(k, n);
      this.names = packNames(
        sorted,
        sorted.map((k) => (display.get(k) === k ? undefined : display.get(k))),
      );
    }
  }

  /** Popular names count only where the index lists them (a private index's list does not hold PyPI's favourites). */
  private isListed(popularName: string): boolean {
    if (!this.listed) return true;
    let known = this.listed.get(popularName);
    if (known === undefined) this.listed.set(popularName, (known = hasName(this.names, popularName)));
    return known;
  }

  get size(): number {
    return sizeOf(this.names);
  }

  has(normalized: string): boolean {
    return hasName(this.names, normalized);
  }

  private displayOf(k: string): string {
    const i = lowerBound(this.names, k);
    return (i < this.size && nameAt(this.names, i) === k ? displayAt(this.names, i) : undefined) ?? this.popularDisplay.get(k) ?? k;
  }

  private hit(k: string): NameHit {
    return { name: this.displayOf(k), normalized: k, rank: this.rank.get(k) };
  }

  search(query: string, limit: number): NameSearchResult {
    const q = normalizeName(query.trim());
    if (q === '') {
      // Nothing typed yet: the most popular projects.
      const top: NameHit[] = [];
      for (const k of this.rank.keys()) {
        if (top.length >= limit) break;
        if (this.isListed(k)) top.push(this.hit(k));
      }
      return { items: top, incomplete: true };
    }
    const out: NameHit[] = [];
    const seen = new Set<string>();
    if (this.has(q)) {
      out.push(this.hit(q));
      seen.add(q);
    }
    // Prefix matches: popular ones first (by rank), then the rest of the list in order, stopping at the limit,
    // so a one-letter prefix over 886k names costs two binary searches and `limit` steps.
    let truncated = false;
    const popularRun: string[] = [];
    for (let i = lowerBoundIn(this.popularSorted, q); i < this.popularSorted.length && this.popularSorted[i].startsWith(q); i++) {
      if (!seen.has(this.popularSorted[i]) && this.isListed(this.popularSorted[i])) popularRun.push(this.popularSorted[i]);
    }
    popularRun.sort((a, b) => this.rank.get(a)! - this.rank.get(b)!);
    for (const k of popularRun) {
      if (out.length >= limit) {
        truncated = true;
        break;
      }
      out.push(this.hit(k));
      seen.add(k);
    }
    for (let i = lowerBound(this.names, q); i < this.size && startsWithAt(this.names, i, q); i++) {
      const k = nameAt(this.names, i);
      if (seen.has(k)) continue;
      if (out.length >= limit) {
        truncated = true;
        break;
      }
      out.push(this.hit(k));
      seen.add(k);
    }
    // Typo tolerance (`reqeusts` → `requests`): popular names that start with the same letter, within a small edit distance.
    if (out.length < limit && q.length >= 3) {
      const budget = q.length <= 4 ? 1 : 2;
      const fuzzy: [string, number][] = [];
      const first = q[0];
      for (let i = lowerBoundIn(this.popularSorted, first); i < this.popularSorted.length && this.popularSorted[i][0] === first; i++) {
        const k = this.popularSorted[i];
        if (seen.has(k) || Math.abs(k.length - q.length) > budget + 2 || !this.isListed(k)) continue;
        const d = typoDistance(q, k.slice(0, Math.max(q.length, Math.min(k.length, q.length + 1))), budget);
        if (d <= budget) fuzzy.push([k, d]);
      }
      fuzzy.sort((a, b) => a[1] - b[1] || (this.rank.get(a[0]) ?? 0) - (this.rank.get(b[0]) ?? 0));
      for (const [k] of fuzzy.slice(0, limit - out.length)) out.push(this.hit(k));
    }
    return { items: out, incomplete: truncated || out.length >= limit };
  }

  /** The closest popular name, for "did you mean". */
  suggest(name: string): string | undefined {
    const q = normalizeName(name);
    let best: string | undefined;
    let bestDistance = q.length <= 4 ? 1 : 2;
    for (const k of this.rank.keys()) {
      if (Math.abs(k.length - q.length) > bestDistance || !this.isListed(k)) continue;
      const d = typoDistance(q, k, bestDistance);
      if (d < bestDistance || (d === bestDistance && !best)) {
        best = k;
        bestDistance = d;
      }
    }
    return best ? this.displayOf(best) : undefined;
  }
}

/**
 * What a popularity table gives every index over it, worked out once per table: from the names (15,000 normalized
 * and sorted), or from a table decoded on the worker thread (popularTable.ts), whose forms and order come with it.
 */
const tables = new WeakMap<readonly string[], { rank: Map<string, number>; display: Map<string, string>; sorted: string[] }>();
function popularTable(popular: readonly string[] | PopularTable) {
  const names = 'order' in popular ? popular.names : popular;
  let table = tables.get(names);
  if (!table) {
    const normalized = 'order' in popular ? popular.normalized : names.map(pep503Name);
    const rank = new Map<string, number>();
    const display = new Map<string, string>();
    names.forEach((n, i) => {
      const k = normalized[i];
      if (!rank.has(k)) rank.set(k, i);
      display.set(k, n);
    });
    const sorted = 'order' in popular ? Array.from(popular.order, (i) => normalized[i]) : [...rank.keys()].sort();
    table = { rank, display, sorted };
    tables.set(names, table);
  }
  return table;
}

function lowerBoundIn(sorted: string[], prefix: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Optimal string alignment distance (Damerau–Levenshtein with adjacent swaps), giving up past `max`. */
export function typoDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1);
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    for (let j = 0; j <= b.length; j++) prev2[j] = prev[j];
    prev = cur;
  }
  return prev[b.length];
}
