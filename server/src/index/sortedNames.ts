// A sorted list of project names packed into two strings and two offset tables: 886k names are four objects,
// not 1.7 million strings, so the list crosses from a worker thread in one copy and costs the collector nothing.

export interface SortedNames {
  /** The normalized names, sorted by UTF-16 code units (the order of `<`), one after another. */
  readonly text: string;
  /** Where name i starts in `text`; the last entry is `text.length` (size + 1 entries). */
  readonly starts: Uint32Array;
  /** The display names where they differ from the normalized ones, laid out alike (empty where they do not). */
  readonly displayText: string;
  readonly displayStarts: Uint32Array;
}

/** Packs names already normalized, de-duplicated and sorted, with their display names (undefined: the same). */
export function packNames(sorted: readonly string[], display: readonly (string | undefined)[]): SortedNames {
  const starts = new Uint32Array(sorted.length + 1);
  const displayStarts = new Uint32Array(sorted.length + 1);
  let at = 0;
  let displayAt = 0;
  for (let i = 0; i < sorted.length; i++) {
    starts[i] = at;
    at += sorted[i].length;
    displayStarts[i] = displayAt;
    displayAt += display[i]?.length ?? 0;
  }
  starts[sorted.length] = at;
  displayStarts[sorted.length] = displayAt;
  return { text: sorted.join(''), starts, displayText: display.map((d) => d ?? '').join(''), displayStarts };
}

export const sizeOf = (names: SortedNames): number => names.starts.length - 1;

export function nameAt(names: SortedNames, i: number): string {
  return names.text.slice(names.starts[i], names.starts[i + 1]);
}

export function displayAt(names: SortedNames, i: number): string | undefined {
  const from = names.displayStarts[i];
  const to = names.displayStarts[i + 1];
  return from === to ? undefined : names.displayText.slice(from, to);
}

/** Whether name i starts with `prefix`, without slicing it out. */
export function startsWithAt(names: SortedNames, i: number, prefix: string): boolean {
  const from = names.starts[i];
  return names.starts[i + 1] - from >= prefix.length && names.text.startsWith(prefix, from);
}

/** Name i against `key` in the order of `<` (negative: below), read in place rather than sliced out. */
function compareAt(names: SortedNames, i: number, key: string): number {
  const from = names.starts[i];
  const length = names.starts[i + 1] - from;
  const common = Math.min(length, key.length);
  for (let k = 0; k < common; k++) {
    const d = names.text.charCodeAt(from + k) - key.charCodeAt(k);
    if (d !== 0) return d;
  }
  return length - key.length;
}

/** The first index whose name is not below `key`. */
export function lowerBound(names: SortedNames, key: string): number {
  let lo = 0;
  let hi = sizeOf(names);
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareAt(names, mid, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function hasName(names: SortedNames, key: string): boolean {
  const i = lowerBound(names, key);
  return i < sizeOf(names) && compareAt(names, i, key) === 0;
}

/** Whether a value sent across threads (or read from anywhere) is a well-formed SortedNames. */
export function isSortedNames(value: unknown): value is SortedNames {
  const v = value as Partial<SortedNames> | null;
  return (
    !!v &&
    typeof v.text === 'string' &&
    typeof v.displayText === 'string' &&
    v.starts instanceof Uint32Array &&
    v.displayStarts instanceof Uint32Array &&
    v.starts.length > 0 &&
    v.starts.length === v.displayStarts.length &&
    v.starts[v.starts.length - 1] === v.text.length &&
    v.displayStarts[v.displayStarts.length - 1] === v.displayText.length
  );
}
