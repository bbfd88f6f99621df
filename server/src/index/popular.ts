// The most downloaded projects (a generated table beside this file), read once: decoded on the index's worker
// thread ahead of need (`popularProjectsSoon`), or on this one at first use.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOffThread } from './listThread.js';
import { decodePopularTable, type PopularTable } from './popularTable.js';

export interface PopularProject {
  name: string;
  latest?: string;
  summary?: string;
}

export interface PopularProjects {
  names: string[];
  byName: Map<string, PopularProject>;
  /** The decoded table, for name search (nameSearch.ts reads its normalized names and their order). */
  table: PopularTable;
}

let decoded: PopularProjects | undefined;

/** Beside the bundle (dist/popularity.tsv) or beside this source file (tests run the sources). */
export function tableFiles(): string[] {
  const here = typeof __dirname === 'string' ? __dirname : path.dirname(fileURLToPath(import.meta.url));
  return [path.join(here, 'popularity.tsv'), path.join(here, 'index', 'popularity.tsv')];
}

/** The first of `files` that can be read, or ''. */
export function readTable(files: readonly string[]): string {
  for (const candidate of files) {
    try {
      return fs.readFileSync(candidate, 'utf8');
    } catch {
      /* try the next place */
    }
  }
  return '';
}

function adopt(table: PopularTable): PopularProjects {
  const byName = new Map<string, PopularProject>();
  table.names.forEach((name, i) => byName.set(table.normalized[i], { name, latest: table.latest[i] || undefined, summary: table.summary[i] || undefined }));
  return { names: table.names, byName, table };
}

export function popularProjects(): PopularProjects {
  decoded ??= adopt(decodePopularTable(readTable(tableFiles())));
  return decoded;
}

let reading: Promise<void> | undefined;
/**
 * Reads and decodes the table on the index's worker thread, so that the first name completion or did-you-mean
 * does not (40-60 ms on the event loop, twice that while the project list is parsed beside it).
 */
export function popularProjectsSoon(): Promise<void> {
  reading ??= runOffThread({ kind: 'popular', files: tableFiles() }).then((answer) => {
    if ('popular' in answer) decoded ??= adopt(answer.popular);
  });
  return reading;
}
