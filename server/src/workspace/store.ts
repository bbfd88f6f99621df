// The workspace store (the host): every requirements file, open or on disk, parsed once per version.
// Open files are versioned by the editor; files on disk by their modification time, re-checked off the
// keystroke path (asynchronously, and when the client says a watched file changed). Readers get what the
// store holds now; a disk change announces itself so that the files that read it are checked again.

import { kindOf, readDocument } from '../syntax/kinds.js';
import type { ParsedDocument } from '../syntax/types.js';
import type { DiskAccess } from './disk.js';
import { createFactCache } from '../shared/factCache.js';

export interface WorkspaceStore {
  /** An editor opened or changed a file: its text at this version. */
  setOpen(filePath: string, version: number, text: string): void;
  /** The editor closed it: from now on the disk's copy counts. */
  close(filePath: string): void;
  isOpen(filePath: string): boolean;
  /** The file's tree, parsed once per version; undefined when it cannot be read. */
  document(filePath: string): ParsedDocument | undefined;
  text(filePath: string): string | undefined;
  /** Changes whenever the file's content may have: `open:<version>`, `disk:<mtime>:<size>`, `none`, `pending` (first read on its way). */
  stamp(filePath: string): string;
  /** The client (or a command that wrote the file) says it changed on disk: re-read, off this call (a file that was missing: as a first read). */
  invalidate(filePath: string): void;
  /** First reads on their way (a request about to answer may await them briefly); undefined when none are. */
  reading(): Promise<void> | undefined;
  /** A command wrote or reads the file: read it now (an explicit action, not a keystroke). */
  reload(filePath: string): void;
  /** Files whose disk copy was found changed (not open files: their changes come from the editor). */
  onDidChange(listener: (filePath: string) => void): void;
  /**
   * What `${NAME}` expands to in requirement lines (pip expands them from its environment): every tree is
   * parsed again under a new one, and the stamps change so that memos built on the old trees are dropped.
   */
  setEnv(env: Record<string, string | undefined>): void;
  /** How many times a text was parsed (the benchmark's parses per keystroke). */
  readonly parses: number;
  /** How many files the store holds. */
  readonly size: number;
}

/** A file's text at one version, and its tree once parsed. */
interface Copy {
  stamp: string;
  text?: string;
  doc?: ParsedDocument;
}

const MISSING: Copy = { stamp: 'none' };

export interface StoreOptions {
  disk: DiskAccess;
  /** How old a disk copy may get before a read re-checks it in the background (default 250 ms). */
  recheckMs?: number;
  /** Disk copies kept (the oldest are dropped and read again when asked for). */
  maxDiskFiles?: number;
  /** The environment `${NAME}` in requirement lines expands from (default: none set). */
  env?: Record<string, string | undefined>;
  /** Whether to memoize clean lines across versions (default true; a one-pass `check` reads each file once). */
  reuse?: boolean;
}

export function createWorkspaceStore(options: StoreOptions): WorkspaceStore {
  const listeners: ((filePath: string) => void)[] = [];
  let parses = 0;
  let env = options.env;
  // Bumped by setEnv: part of every stamp, since a tree read under another environment is another tree.
  let envGeneration = 0;
  const { disk } = options;

  // Open files, as the editor has them (versioned by the editor, never evicted).
  const open = new Map<string, Copy>();
  const fromRead = (read: { text: string; stamp: string } | undefined): Copy => (read ? { stamp: read.stamp, text: read.text } : { stamp: 'none' });
  // Files on disk, a fact cache: a file never seen is read off the request path (until it lands it is `pending`,
  // neither text nor missing, and a request may await it: `reading()`); a copy older than recheckMs is re-checked in
  // the background by its stamp; a read that finds another stamp (a first read: any) announces the file, so that
  // what read it is checked again. A failed read finds the file missing (a first read) or leaves the copy as it was.
  const copies = createFactCache<Copy>({
    maxAgeMs: options.recheckMs ?? 250,
    maxEntries: options.maxDiskFiles ?? 5000,
    load: async (filePath, previous) => {
      const read = await disk.read(filePath, previous?.stamp ?? 'none').catch(() => 'unchanged' as const);
      return read === 'unchanged' ? (previous ?? MISSING) : fromRead(read);
    },
    changed: (before, after) => before?.stamp !== after.stamp,
  });
  copies.onDidChange((keys) => {
    for (const filePath of keys) for (const l of listeners) l(filePath);
  });

  /** The copy now: open files as the editor has them; disk files as last read (undefined: a first read on its way). */
  const copyOf = (filePath: string): Copy | undefined => {
    const opened = open.get(filePath);
    if (opened) return opened;
    if (disk.sync) {
      // Reads cost nothing (memory): checked on every read, not announced (whoever changed it knows).
      const now = fromRead(disk.readNow(filePath));
      const held = copies.peek(filePath);
      if (held?.stamp === now.stamp) return held;
      copies.set(filePath, now, true);
      return now;
    }
    if (disk.firstReadNow && !copies.peek(filePath) && !copies.pending(filePath)) {
      // A batch tool with no event loop to keep free: the first read at once.
      const now = fromRead(disk.readNow(filePath));
      copies.set(filePath, now, true);
      return now;
    }
    return copies.get(filePath);
  };

  const reload = (filePath: string) => {
    if (open.has(filePath)) return;
    const held = copies.peek(filePath);
    const next = fromRead(disk.readNow(filePath));
    if (next.stamp === held?.stamp) return;
    // Announced when a copy was held (what read it reads again); a first read is no change.
    copies.set(filePath, next, !held);
  };

  return {
    setOpen(filePath, version, text) {
      const previous = open.get(filePath);
      const stamp = `open:${version}`;
      if (previous && previous.stamp === stamp && previous.text === text) return;
      open.set(filePath, { stamp, text });
    },
    close(filePath) {
      open.delete(filePath);
      // Read afresh from the disk (as a first read) when next asked for.
      copies.delete(filePath);
    },
    isOpen: (filePath) => open.has(filePath),
    document(filePath) {
      const copy = copyOf(filePath);
      if (copy?.text === undefined) return undefined;
      if (!copy.doc) {
        parses++;
        // Clean lines are memoized across versions, so the parse of a new version reuses the old nodes. The file's
        // kind (by its name) picks the reader: pyproject.toml, pylock.toml and scripts give requirement lines too.
        copy.doc = readDocument(kindOf(filePath), copy.text, { reuse: options.reuse !== false, env });
      }
      return copy.doc;
    },
    text: (filePath) => copyOf(filePath)?.text,
    stamp: (filePath) => {
      const stamp = copyOf(filePath)?.stamp ?? 'pending';
      return stamp === 'none' || stamp === 'pending' || envGeneration === 0 ? stamp : `${stamp}#${envGeneration}`;
    },
    setEnv(next) {
      env = next;
      envGeneration++;
      for (const copy of open.values()) copy.doc = undefined;
      for (const filePath of copies.keys()) {
        const copy = copies.peek(filePath);
        if (copy) copy.doc = undefined;
      }
    },
    invalidate(filePath) {
      if (open.has(filePath)) return;
      const held = copies.peek(filePath);
      if (!held) return; // never read, or its first read is on its way
      // A file that was missing is read as a first read is: pending until it lands, so that the next request,
      // which may need it (the .in a derive just wrote), awaits it briefly rather than seeing it missing.
      if (held.stamp === 'none') {
        if (disk.sync || disk.firstReadNow) reload(filePath);
        else {
          copies.delete(filePath);
          copies.get(filePath);
        }
      } else copies.recheck(filePath);
    },
    reading: () => copies.firstLoads(),
    reload,
    onDidChange: (l) => void listeners.push(l),
    get parses() {
      return parses;
    },
    get size() {
      return open.size + copies.size;
    },
  };
}
