// Small files read off the request path (pip's config files): a read answers at once with the last content
// known, and re-checks the file in the background (its stamp, as the store does) when that is older than a
// few seconds. A file not read yet answers undefined and is read in the background: `reading()` says so
// (for the brief wait), and its landing, like any later change, is announced.

import { nodeDisk, type DiskAccess } from './disk.js';

export interface SmallFiles {
  /** The last content known (undefined: missing, too big, or not read yet). Never touches the disk itself. */
  read(p: string): string | undefined;
  /** First reads under way, or undefined when none is. */
  reading(): Promise<unknown> | undefined;
  /** Called when a file's content turns out to differ from what reads answered. */
  onDidChange(listener: () => void): void;
}

interface Entry {
  text?: string;
  stamp: string;
  at: number;
  loading?: Promise<void>;
}

const MAX_FILES = 256;

export function createSmallFiles(options: { maxAgeMs?: number; disk?: DiskAccess } = {}): SmallFiles {
  const maxAgeMs = options.maxAgeMs ?? 5000;
  const disk = options.disk ?? nodeDisk;
  const entries = new Map<string, Entry>();
  const first = new Set<Promise<void>>();
  const listeners: (() => void)[] = [];

  const load = (p: string, entry: Entry, isFirst: boolean) => {
    const loading = disk.read(p, entry.stamp).then((read) => {
      entry.loading = undefined;
      entry.at = Date.now();
      if (read === 'unchanged') return;
      entry.stamp = read?.stamp ?? 'none';
      if (read?.text === entry.text) return;
      entry.text = read?.text;
      for (const l of listeners) l();
    });
    entry.loading = loading;
    if (isFirst) {
      first.add(loading);
      void loading.finally(() => first.delete(loading));
    }
  };

  return {
    read(p) {
      let entry = entries.get(p);
      if (!entry) {
        if (entries.size >= MAX_FILES) entries.clear();
        entries.set(p, (entry = { stamp: 'none', at: 0 }));
        load(p, entry, true);
      } else if (!entry.loading && Date.now() - entry.at > maxAgeMs) load(p, entry, false);
      return entry.text;
    },
    reading: () => (first.size ? Promise.all(first) : undefined),
    onDidChange: (listener) => void listeners.push(listener),
  };
}
