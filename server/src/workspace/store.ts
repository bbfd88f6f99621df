// The workspace store (the host): every requirements file, open or on disk, parsed once per version.
// Open files are versioned by the editor; files on disk by their modification time, re-checked off the
// keystroke path (asynchronously, and when the client says a watched file changed). Readers get what the
// store holds now; a disk change announces itself so that the files that read it are checked again.

import { kindOf, readDocument } from '../syntax/kinds.js';
import type { ParsedDocument } from '../syntax/types.js';
import type { DiskAccess } from './disk.js';

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

interface Entry {
  stamp: string;
  text?: string;
  doc?: ParsedDocument;
  open: boolean;
  /** When the disk copy was last compared with the disk. */
  checkedAt: number;
  checking?: boolean;
}

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
  const entries = new Map<string, Entry>();
  const listeners: ((filePath: string) => void)[] = [];
  const recheckMs = options.recheckMs ?? 250;
  const maxDiskFiles = options.maxDiskFiles ?? 5000;
  let parses = 0;
  let env = options.env;
  // Bumped by setEnv: part of every stamp, since a tree read under another environment is another tree.
  let envGeneration = 0;

  const fromDisk = (read: { text: string; stamp: string } | undefined): Entry =>
    read ? { stamp: read.stamp, text: read.text, open: false, checkedAt: Date.now() } : { stamp: 'none', open: false, checkedAt: Date.now() };

  const recheck = (filePath: string, entry: Entry) => {
    if (entry.checking) return;
    entry.checking = true;
    void options.disk
      .read(filePath, entry.stamp)
      .then((read) => {
        entry.checking = false;
        entry.checkedAt = Date.now();
        if (entries.get(filePath) !== entry || read === 'unchanged') return;
        const next = fromDisk(read);
        if (next.stamp === entry.stamp) return;
        entries.set(filePath, next);
        for (const l of listeners) l(filePath);
      })
      .catch(() => {
        entry.checking = false;
      });
  };

  // A file never seen is read off the request path: until it lands it is `pending` (neither text nor missing),
  // and its landing announces a change, so that what read it is checked again.
  const firstReads = new Set<Promise<void>>();
  const readFirst = (filePath: string): Entry => {
    const entry: Entry = { stamp: 'pending', open: false, checkedAt: Date.now(), checking: true };
    entries.set(filePath, entry);
    const done: Promise<void> = options.disk
      .read(filePath, 'none')
      .catch(() => undefined)
      .then((read) => {
        firstReads.delete(done);
        if (entries.get(filePath) !== entry) return;
        entries.set(filePath, fromDisk(read === 'unchanged' ? undefined : read));
        for (const l of listeners) l(filePath);
      });
    firstReads.add(done);
    return entry;
  };

  /** The entry now: open files as the editor has them; disk files as last read (a first read: pending, unless reads cost nothing). */
  const entryOf = (filePath: string): Entry => {
    let entry = entries.get(filePath);
    if (!entry) {
      if (entries.size > maxDiskFiles) for (const [p, e] of entries) if (!e.open && entries.delete(p) && entries.size <= maxDiskFiles / 2) break;
      if (!options.disk.sync && !options.disk.firstReadNow) return readFirst(filePath);
      entry = fromDisk(options.disk.readNow(filePath));
      entries.set(filePath, entry);
    } else if (!entry.open && options.disk.sync) {
      const now = fromDisk(options.disk.readNow(filePath));
      if (now.stamp !== entry.stamp) entries.set(filePath, (entry = now));
    } else if (!entry.open && entry.stamp !== 'pending' && Date.now() - entry.checkedAt > recheckMs) recheck(filePath, entry);
    return entry;
  };

  const reload = (filePath: string) => {
    const entry = entries.get(filePath);
    if (entry?.open) return;
    const next = fromDisk(options.disk.readNow(filePath));
    if (next.stamp === entry?.stamp) return;
    entries.set(filePath, next);
    if (entry) for (const l of listeners) l(filePath);
  };

  return {
    setOpen(filePath, version, text) {
      const previous = entries.get(filePath);
      const stamp = `open:${version}`;
      if (previous?.open && previous.stamp === stamp && previous.text === text) return;
      entries.set(filePath, { stamp, text, open: true, checkedAt: Date.now() });
    },
    close(filePath) {
      entries.delete(filePath);
    },
    isOpen: (filePath) => entries.get(filePath)?.open === true,
    document(filePath) {
      const entry = entryOf(filePath);
      if (entry.text === undefined) return undefined;
      if (!entry.doc) {
        parses++;
        // Clean lines are memoized across versions, so the parse of a new version reuses the old nodes. The file's
        // kind (by its name) picks the reader: pyproject.toml, pylock.toml and scripts give requirement lines too.
        entry.doc = readDocument(kindOf(filePath), entry.text, { reuse: options.reuse !== false, env });
      }
      return entry.doc;
    },
    text: (filePath) => entryOf(filePath).text,
    stamp: (filePath) => {
      const stamp = entryOf(filePath).stamp;
      return stamp === 'none' || stamp === 'pending' || envGeneration === 0 ? stamp : `${stamp}#${envGeneration}`;
    },
    setEnv(next) {
      env = next;
      envGeneration++;
      for (const entry of entries.values()) entry.doc = undefined;
    },
    invalidate(filePath) {
      const entry = entries.get(filePath);
      if (!entry || entry.open) return;
      // A file that was missing is read as a first read is: pending until it lands, so that the next request,
      // which may need it (the .in a derive just wrote), awaits it briefly rather than seeing it missing.
      if (entry.stamp === 'none') {
        if (options.disk.sync || options.disk.firstReadNow) reload(filePath);
        else readFirst(filePath);
      } else if (entry.stamp !== 'pending') recheck(filePath, entry);
    },
    reading: () => (firstReads.size ? Promise.all(firstReads).then(() => undefined) : undefined),
    reload,
    onDidChange: (l) => void listeners.push(l),
    get parses() {
      return parses;
    },
    get size() {
      return entries.size;
    },
  };
}
