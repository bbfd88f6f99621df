// The index's full project list (~886k names on PyPI): its page is fetched in the background (packageIndex.ts); reading it (JSON or
// HTML), normalizing, sorting, storing it on disk (normalized names, sorted, one a line, the display name after a
// tab where it differs) and loading it back are jobs for a worker thread (listThread.ts), each a second or more of
// CPU that the event loop never sees. The jobs are plain functions, so that the same code runs on that thread or,
// from the sources, on this one.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { redact } from './credentials.js';
import { pep503Name } from './pep503.js';
import { decodePopularTable, isPopularTable, type PopularTable } from './popularTable.js';
import { parseProjectList } from './simpleApi.js';
import { isSortedNames, packNames, type SortedNames } from './sortedNames.js';

const HEADER = 'requirements-language-server project list v1';
export const LIST_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** Where the list of `indexUrl` is kept (keyed by the URL without credentials). */
export function listFile(cacheDir: string, indexUrl: string): string {
  return path.join(cacheDir, `projects-${createHash('sha256').update(redact(indexUrl)).digest('hex').slice(0, 16)}.txt`);
}

/** Normalizes, de-duplicates and sorts, keeping a display name only where it differs. */
export function compactList(names: readonly string[]): SortedNames {
  const pairs = new Map<string, string>();
  for (const n of names) {
    const k = pep503Name(n);
    if (!pairs.has(k)) pairs.set(k, n);
  }
  const sorted = [...pairs.keys()].sort();
  return packNames(
    sorted,
    sorted.map((k) => (pairs.get(k) === k ? undefined : pairs.get(k))),
  );
}

/** The stored form: a header with the fetch time, then a line a name. */
export function storedListText(list: SortedNames, fetchedAt: number): string {
  const lines: string[] = [`${HEADER}\t${fetchedAt}`];
  for (let i = 0; i + 1 < list.starts.length; i++) {
    const name = list.text.slice(list.starts[i], list.starts[i + 1]);
    const display = list.displayText.slice(list.displayStarts[i], list.displayStarts[i + 1]);
    lines.push(display ? `${name}\t${display}` : name);
  }
  return `${lines.join('\n')}\n`;
}

/** Reads the stored form back; undefined when it is not one (another version, a truncated file). */
export function parseStoredList(text: string): { names: SortedNames; fetchedAt: number } | undefined {
  const firstBreak = text.indexOf('\n');
  const header = text.slice(0, firstBreak).split('\t');
  if (firstBreak === -1 || header[0] !== HEADER || !Number(header[1])) return undefined;
  const lines = text.slice(firstBreak + 1).split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const sorted: string[] = new Array<string>(lines.length);
  const display: (string | undefined)[] = new Array<string | undefined>(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const tab = lines[i].indexOf('\t');
    sorted[i] = tab === -1 ? lines[i] : lines[i].slice(0, tab);
    display[i] = tab === -1 ? undefined : lines[i].slice(tab + 1);
    // A list written by hand or cut short is not trusted to be in order: binary search would miss names.
    if (i > 0 && !(sorted[i - 1] < sorted[i])) return undefined;
  }
  return { names: packNames(sorted, display), fetchedAt: Number(header[1]) };
}

/**
 * What a job is asked: load the stored list, or read a fetched page (and store what it lists); or decode the
 * popularity table (the first of `files` that can be read).
 */
export type ListJob =
  | { kind: 'load'; file: string }
  | { kind: 'parse'; file: string; body: string; contentType: string; fetchedAt: number; indexUrl: string }
  | { kind: 'popular'; files: string[] };

/** A list, or why there is none (`missing`: nothing stored yet); or the popularity table. */
export type ListAnswer = { names: SortedNames; fetchedAt: number } | { error: string } | { missing: true } | { popular: PopularTable };

/** Runs a job to its end, synchronously: on the list's worker thread, or on this one from the sources. */
export function runListJob(job: ListJob): ListAnswer {
  if (job.kind === 'popular') {
    for (const file of job.files) {
      try {
        return { popular: decodePopularTable(fs.readFileSync(file, 'utf8')) };
      } catch {
        /* the next place */
      }
    }
    return { missing: true };
  }
  if (job.kind === 'load') {
    let text: string;
    try {
      text = fs.readFileSync(job.file, 'utf8');
    } catch {
      return { missing: true };
    }
    return parseStoredList(text) ?? { missing: true };
  }
  const listed = parseProjectList(job.body, job.contentType);
  if (!listed.length) return { error: `${redact(job.indexUrl)} listed no projects` };
  const names = compactList(listed);
  const tmp = `${job.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.mkdirSync(path.dirname(job.file), { recursive: true });
    fs.writeFileSync(tmp, storedListText(names, job.fetchedAt));
    fs.renameSync(tmp, job.file);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
  return { names, fetchedAt: job.fetchedAt };
}

/** Whether a value that crossed from the worker is an answer (anything else is a failed job). */
export function isListAnswer(value: unknown): value is ListAnswer {
  const v = value as { names?: unknown; fetchedAt?: unknown; error?: unknown; missing?: unknown; popular?: unknown } | null;
  return !!v && ((isSortedNames(v.names) && typeof v.fetchedAt === 'number') || typeof v.error === 'string' || v.missing === true || isPopularTable(v.popular));
}
