// The disk adapter of the workspace store: a file's text and a stamp that changes when the file does.

import * as fs from 'node:fs';
import { onDisk } from '../shared/limiter.js';

/** Requirements files larger than this are not read (no one writes them; something else is in the way). */
const MAX_BYTES = 20 * 1024 * 1024;

export interface DiskAccess {
  /** Synchronous, for explicit actions (a command reads what the disk holds now), and for disks whose reads cost nothing. */
  readNow(filePath: string): { text: string; stamp: string } | undefined;
  /** Asynchronous read (a first read: `known` is 'none') or re-check: 'unchanged' when the stamp is still `known`. */
  read(filePath: string, known: string): Promise<{ text: string; stamp: string } | undefined | 'unchanged'>;
  /** Reads cost nothing (memory): the store checks on every read instead of in the background. */
  sync?: boolean;
  /** A batch tool (the check CLI), which has no event loop to keep free: a first read happens at once. */
  firstReadNow?: boolean;
}

const stampOf = (stat: fs.Stats) => `disk:${stat.mtimeMs}:${stat.size}`;

async function readFromDisk(filePath: string, known: string): Promise<{ text: string; stamp: string } | undefined | 'unchanged'> {
  try {
    const stat = await fs.promises.stat(filePath).catch(() => undefined);
    if (!stat?.isFile() || stat.size > MAX_BYTES) return known === 'none' ? 'unchanged' : undefined;
    const stamp = stampOf(stat);
    if (stamp === known) return 'unchanged';
    return { text: await fs.promises.readFile(filePath, 'utf8'), stamp };
  } catch {
    return undefined;
  }
}

export const nodeDisk: DiskAccess = {
  readNow(filePath) {
    try {
      const stat = fs.statSync(filePath, { throwIfNoEntry: false });
      if (!stat?.isFile() || stat.size > MAX_BYTES) return undefined;
      return { text: fs.readFileSync(filePath, 'utf8'), stamp: stampOf(stat) };
    } catch {
      return undefined;
    }
  },
  // Through the process's one disk key; a first read is what a request awaits (`reading()`), a re-check is not.
  read: (filePath, known) => onDisk(() => readFromDisk(filePath, known), { urgent: known === 'none' }),
};

/** The disk for the check CLI: the same reads, the first one at once. */
export const batchDisk: DiskAccess = { ...nodeDisk, firstReadNow: true };

/** A disk made of a text reader (the check CLI's own reads, tests' in-memory files): a changed text is a new version. */
export function readerDisk(read: (filePath: string) => string | undefined): DiskAccess {
  const stamps = new Map<string, { text: string; stamp: string }>();
  let next = 0;
  const readNow = (filePath: string) => {
    const text = read(filePath);
    if (text === undefined) return undefined;
    const known = stamps.get(filePath);
    if (known && known.text === text) return known;
    const entry = { text, stamp: `text:${++next}` };
    stamps.set(filePath, entry);
    return entry;
  };
  return {
    readNow,
    sync: true,
    read: async (filePath, known) => {
      const now = readNow(filePath);
      return (now?.stamp ?? 'none') === known ? 'unchanged' : now;
    },
  };
}

/** Whether the disk's copy differs from a text (an explicit command compares before a tool reads the disk). */
export function differsOnDisk(p: string, text: string): boolean {
  try {
    return fs.readFileSync(p, 'utf8') !== text;
  } catch {
    return true;
  }
}
