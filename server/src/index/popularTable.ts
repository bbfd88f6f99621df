// The popularity table's text (name, latest version, summary; a line a project, most downloaded first) decoded into
// what name search and completion read: the names with their PEP 503 forms, and the order of those forms sorted.
// A job for the index's worker thread (listThread.ts), like the project list's: 15,000 names cost 40-60 ms.

import { pep503Name } from './pep503.js';

export interface PopularTable {
  /** Display names, most downloaded first. */
  names: string[];
  /** Each name's PEP 503 form, at the same index. */
  normalized: string[];
  latest: string[];
  summary: string[];
  /** The index of the first name of each distinct normalized form, in the sort order of those forms (`<`). */
  order: Uint32Array;
}

export function decodePopularTable(text: string): PopularTable {
  const names: string[] = [];
  const normalized: string[] = [];
  const latest: string[] = [];
  const summary: string[] = [];
  for (let at = 0; at < text.length;) {
    const newline = text.indexOf('\n', at);
    const end = newline === -1 ? text.length : newline;
    const [name, version = '', words = ''] = text.slice(at, end).split('\t');
    if (name) {
      names.push(name);
      normalized.push(pep503Name(name));
      latest.push(version);
      summary.push(words);
    }
    at = end + 1;
  }
  const first = new Map<string, number>();
  normalized.forEach((k, i) => first.has(k) || first.set(k, i));
  const order = Uint32Array.from([...first.keys()].sort(), (k) => first.get(k)!);
  return { names, normalized, latest, summary, order };
}

/** Whether a value that crossed from the worker is a decoded table. */
export function isPopularTable(value: unknown): value is PopularTable {
  const v = value as Partial<PopularTable> | null;
  const strings = (a: unknown, length: number) => Array.isArray(a) && a.length === length && a.every((s) => typeof s === 'string');
  const n = Array.isArray(v?.names) ? v.names.length : -1;
  return (
    !!v &&
    strings(v.names, n) &&
    strings(v.normalized, n) &&
    strings(v.latest, n) &&
    strings(v.summary, n) &&
    v.order instanceof Uint32Array &&
    v.order.every((i) => i < n)
  );
}
