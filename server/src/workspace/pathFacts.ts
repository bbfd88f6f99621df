// What features ask of the disk besides requirements files: whether a path exists (`-e ./pkg`, a wheel's
// path) and a folder's entries (path completion). Answered from memory; a path not known yet is looked up
// off the request path, and a request about to answer awaits it briefly (the waiter asks `reading()`).

import * as fs from 'node:fs';
import { onDisk } from '../shared/limiter.js';

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

interface Fact<T> {
  value?: T;
  /** When the value was looked up (0: never). */
  at: number;
  looking?: boolean;
}

export function createPathFacts(options: { lookup?: PathLookup; recheckMs?: number; maxEntries?: number } = {}): PathFacts {
  const lookup = options.lookup ?? diskLookup;
  const recheckMs = options.recheckMs ?? 2000;
  const maxEntries = options.maxEntries ?? 50_000;
  const inFlight = new Set<Promise<void>>();
  const listeners: (() => void)[] = [];
  let notifying = false;
  const changed = () => {
    // Many look-ups land together (a file full of paths): one notice per turn of the event loop.
    if (notifying) return;
    notifying = true;
    setImmediate(() => {
      notifying = false;
      for (const l of listeners) l();
    });
  };

  /** `announce`: whether a changed answer is announced (diagnostics read `exists`; listings serve completion only). */
  const answer = <T>(cache: Map<string, Fact<T>>, key: string, look: (key: string, first: boolean) => Promise<T>, same: (a: T, b: T) => boolean, meanwhile: T, announce: boolean): T => {
    let fact = cache.get(key);
    if (!fact) {
      // The oldest go first; a file with more paths than the bound still settles (clearing all made it ask forever).
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
      cache.set(key, (fact = { at: 0 }));
    }
    if (!fact.looking && Date.now() - fact.at > recheckMs) {
      const f = fact;
      const first = f.value === undefined;
      f.looking = true;
      const done: Promise<void> = look(key, first)
        .catch(() => meanwhile)
        .then((value) => {
          inFlight.delete(done);
          f.looking = false;
          if (cache.get(key) !== f) return; // evicted meanwhile
          const before = f.value ?? meanwhile;
          f.value = value;
          f.at = Date.now();
          if (announce && !same(value, before)) changed();
        });
      // Only a first look-up is awaited by a request; a re-check goes on in the background and announces a change.
      if (first) inFlight.add(done);
    }
    return fact.value ?? meanwhile;
  };

  const existing = new Map<string, Fact<boolean>>();
  const listings = new Map<string, Fact<DirectoryEntry[]>>();
  const sameEntries = (a: DirectoryEntry[], b: DirectoryEntry[]) => a.length === b.length && a.every((e, i) => e.name === b[i].name && e.directory === b[i].directory);
  return {
    exists: (p) => answer(existing, p, lookup.exists, (a, b) => a === b, true, true),
    listDirectory: (folder) => answer(listings, folder, lookup.listDirectory, sameEntries, [], false),
    reading: () => (inFlight.size ? Promise.all(inFlight).then(() => undefined) : undefined),
    onDidChange: (listener) => void listeners.push(listener),
  };
}
