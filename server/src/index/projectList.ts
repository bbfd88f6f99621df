// The index's full project list (~886k names on PyPI): fetched in the background, stored compactly on disk
// (normalized names, sorted, one a line, the display name after a tab where it differs), loaded fast.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { normalizeName } from '../syntax/names.js';
import { redact } from './credentials.js';
import { MAX_LIST_BYTES, type Fetcher } from './fetcher.js';
import { parseProjectList } from './simpleApi.js';

export interface StoredList {
  sorted: string[];
  display: (string | undefined)[];
  fetchedAt: number;
}

const HEADER = 'requirements-language-server project list v1';
export const LIST_MAX_AGE_MS = 24 * 60 * 60 * 1000;

function fileFor(cacheDir: string, indexUrl: string): string {
  return path.join(cacheDir, `projects-${createHash('sha256').update(redact(indexUrl)).digest('hex').slice(0, 16)}.txt`);
}

/** Normalizes, de-duplicates and sorts, keeping a display name only where it differs. */
export function compactList(names: string[]): { sorted: string[]; display: (string | undefined)[] } {
  const pairs = new Map<string, string>();
  for (const n of names) {
    const k = normalizeName(n);
    if (!pairs.has(k)) pairs.set(k, n);
  }
  const sorted = [...pairs.keys()].sort();
  return { sorted, display: sorted.map((k) => (pairs.get(k) === k ? undefined : pairs.get(k))) };
}

export function loadList(cacheDir: string, indexUrl: string): StoredList | undefined {
  let text: string;
  try {
    text = fs.readFileSync(fileFor(cacheDir, indexUrl), 'utf8');
  } catch {
    return undefined;
  }
  const firstBreak = text.indexOf('\n');
  const header = text.slice(0, firstBreak).split('\t');
  if (header[0] !== HEADER || !Number(header[1])) return undefined;
  const lines = text.slice(firstBreak + 1).split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const display: (string | undefined)[] = new Array<string | undefined>(lines.length).fill(undefined);
  for (let i = 0; i < lines.length; i++) {
    const tab = lines[i].indexOf('\t');
    if (tab !== -1) {
      display[i] = lines[i].slice(tab + 1);
      lines[i] = lines[i].slice(0, tab);
    }
  }
  return { sorted: lines, display, fetchedAt: Number(header[1]) };
}

export async function saveList(cacheDir: string, indexUrl: string, list: { sorted: string[]; display: (string | undefined)[] }, fetchedAt: number): Promise<void> {
  const file = fileFor(cacheDir, indexUrl);
  const tmp = `${file}.${process.pid}.tmp`;
  const body = list.sorted.map((k, i) => (list.display[i] ? `${k}\t${list.display[i]}` : k)).join('\n');
  try {
    await fs.promises.mkdir(cacheDir, { recursive: true });
    await fs.promises.writeFile(tmp, `${HEADER}\t${fetchedAt}\n${body}\n`);
    await fs.promises.rename(tmp, file);
  } catch {
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
  }
}

/** Fetches the root page (JSON preferred), and returns the names; undefined with the reason on failure. */
export async function fetchList(fetcher: Fetcher, indexUrl: string, maxBytes = MAX_LIST_BYTES): Promise<{ names?: string[]; error?: string }> {
  const res = await fetcher.get(`${indexUrl.replace(/\/+$/, '')}/`, 'application/vnd.pypi.simple.v1+json, text/html;q=0.1', undefined, { maxBytes });
  if (!res.ok) return { error: res.error ?? `HTTP ${res.status}` };
  const names = parseProjectList(res.body, res.contentType);
  return names.length ? { names } : { error: `${redact(indexUrl)} listed no projects` };
}
