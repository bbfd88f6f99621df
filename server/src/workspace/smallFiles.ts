// Small files read off the request path (pip's config files): a read answers at once with the last content
// known, and re-checks the file in the background (its stamp, as the store does) when that is older than a
// few seconds. A file not read yet answers undefined and is read in the background: `reading()` says so
// (for the brief wait), and its landing, like any later change, is announced. A fact cache (shared/factCache.ts).

import { nodeDisk, type DiskAccess } from './disk.js';
import { createFactCache } from '../shared/factCache.js';

export interface SmallFiles {
  /** The last content known (undefined: missing, too big, or not read yet). Never touches the disk itself. */
  read(p: string): string | undefined;
  /** First reads under way, or undefined when none is. */
  reading(): Promise<unknown> | undefined;
  /** Called (once a turn) when a file's content turns out to differ from what reads answered. */
  onDidChange(listener: () => void): void;
  /** The client says the file changed on disk: a file read before is re-checked now (one never read is left alone). */
  recheck(p: string): void;
}

/** A file as last read: its text (none: missing or too big) and the stamp a re-check compares. */
interface Read {
  text?: string;
  stamp: string;
}

const MAX_FILES = 256;

export function createSmallFiles(options: { maxAgeMs?: number; disk?: DiskAccess } = {}): SmallFiles {
  const disk = options.disk ?? nodeDisk;
  const files = createFactCache<Read>({
    maxAgeMs: options.maxAgeMs ?? 5000,
    maxEntries: MAX_FILES,
    load: async (p, previous) => {
      const read = await disk.read(p, previous?.stamp ?? 'none');
      if (read === 'unchanged') return previous ?? { stamp: 'none' };
      return { text: read?.text, stamp: read?.stamp ?? 'none' };
    },
    // A missing file stays as it read (undefined): no news.
    changed: (before, after) => before?.text !== after.text,
  });
  return {
    read: (p) => files.get(p)?.text,
    reading: () => files.firstLoads(),
    onDidChange: (listener) => files.onDidChange(() => listener()),
    recheck: (p) => files.recheck(p),
  };
}
