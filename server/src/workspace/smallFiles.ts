// Small files read off the request path (pip's config files, .netrc): a read answers at once with the last
// content known, and re-reads in the background when that is older than a few seconds. A file not read yet
// answers undefined and is read in the background: `reading()` says so (for the brief wait), and its landing,
// like any later change, is announced.

import * as fs from 'node:fs';

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
  at: number;
  loading?: Promise<void>;
}

const MAX_BYTES = 1024 * 1024;
const MAX_FILES = 256;

async function readSmall(p: string): Promise<string | undefined> {
  try {
    const stat = await fs.promises.stat(p);
    return stat.isFile() && stat.size < MAX_BYTES ? await fs.promises.readFile(p, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

export function createSmallFiles(options: { maxAgeMs?: number; readFile?: (p: string) => Promise<string | undefined> } = {}): SmallFiles {
  const maxAgeMs = options.maxAgeMs ?? 5000;
  const readFile = options.readFile ?? readSmall;
  const entries = new Map<string, Entry>();
  const first = new Set<Promise<void>>();
  const listeners: (() => void)[] = [];

  const load = (p: string, entry: Entry, isFirst: boolean) => {
    const loading = readFile(p).then((text) => {
      entry.loading = undefined;
      entry.at = Date.now();
      if (text === entry.text) return;
      entry.text = text;
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
        entries.set(p, (entry = { at: 0 }));
        load(p, entry, true);
      } else if (!entry.loading && Date.now() - entry.at > maxAgeMs) load(p, entry, false);
      return entry.text;
    },
    reading: () => (first.size ? Promise.all(first) : undefined),
    onDidChange: (listener) => void listeners.push(listener),
  };
}
