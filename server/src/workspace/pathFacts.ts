// What features ask of the disk besides requirements files: whether a path exists (`-e ./pkg`, a wheel's
// path) and a folder's entries (path completion). Answered from memory; a path not known yet is looked up
// off the request path, and a request about to answer awaits it briefly (the waiter asks `reading()`).

import * as fs from 'node:fs';
import { onDisk } from '../shared/limiter.js';
import { createFactCache } from '../shared/factCache.js';

export interface DirectoryEntry {
  name: string;
  directory: boolean;
}

export interface PathFacts {
  /** Whether the path exists, as last looked up; true while its first look-up is on its way (no false alarm). */
  exists(p: string): boolean;
  /** The folder's entries (at most 1,000), as last listed; none while its first listing is on its way. */
  listDirectory(folder: string): DirectoryEntry[];
  /** First look-ups on their way, for the brief wait; undefined when none are. */
  reading(): Promise<void> | undefined;
  /** A look-up found a path exists, or not, otherwise than answered before: what asked should ask again. */
  onDidChange(listener: () => void): void;
}

/** How the facts are looked up (the disk; tests pass a stand-in to count or delay look-ups). */
export interface PathLookup {
  /** `first`: the path's first look-up, which a request awaits; a re-check waits behind it. */
  exists(p: string, first?: boolean): Promise<boolean>;
  listDirectory(folder: string, first?: boolean): Promise<DirectoryEntry[]>;
}

const LIST_AT_MOST = 1000;

/** Through the disk's one key (`onDisk`), with the store's reads. */
export const diskLookup: PathLookup = {
  exists: (p, first) =>
    onDisk(
      () =>
        fs.promises.stat(p).then(
          () => true,
          () => false,
        ),
      { urgent: first },
    ),
  listDirectory: (folder, first) =>
    onDisk(
      () =>
        fs.promises.readdir(folder, { withFileTypes: true }).then(
          (entries) => entries.slice(0, LIST_AT_MOST).map((e) => ({ name: e.name, directory: e.isDirectory() })),
          () => [],
        ),
      { urgent: first },
    ),
};

export function createPathFacts(options: { lookup?: PathLookup; recheckMs?: number; maxEntries?: number } = {}): PathFacts {
  const lookup = options.lookup ?? diskLookup;
  const common = { maxAgeMs: options.recheckMs ?? 2000, maxEntries: options.maxEntries ?? 50_000 };
  // A look-up that fails answers what was answered meanwhile (a path exists; a folder has no entries), as a value.
  // Diagnostics read `exists`, so a changed answer is announced; listings serve completion only, and are not.
  const existing = createFactCache<boolean>({
    ...common,
    load: (p, previous) => lookup.exists(p, previous === undefined).catch(() => true),
    changed: (before, after) => (before ?? true) !== after,
  });
  const listings = createFactCache<DirectoryEntry[]>({
    ...common,
    load: (folder, previous) => lookup.listDirectory(folder, previous === undefined).catch(() => []),
    changed: () => false,
  });
  return {
    exists: (p) => existing.get(p) ?? true,
    listDirectory: (folder) => listings.get(folder) ?? [],
    // Only first look-ups are awaited by a request; a re-check goes on in the background and announces a change.
    reading: () => {
      const both = [existing.firstLoads(), listings.firstLoads()].filter((p) => p !== undefined);
      return both.length ? Promise.all(both).then(() => undefined) : undefined;
    },
    onDidChange: (listener) => existing.onDidChange(() => listener()),
  };
}
