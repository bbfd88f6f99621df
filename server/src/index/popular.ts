// The most downloaded projects (a generated table beside this file), read once: ahead of need, or on first use.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeName } from '../syntax/names.js';
import { nextTurn } from '../shared/nextTurn.js';

export interface PopularProject {
  name: string;
  latest?: string;
  summary?: string;
}

let decoded: { names: string[]; byName: Map<string, PopularProject> } | undefined;

/** Beside the bundle (dist/popularity.tsv) or beside this source file (tests run the sources). */
function tableFiles(): string[] {
  const here = typeof __dirname === 'string' ? __dirname : path.dirname(fileURLToPath(import.meta.url));
  return [path.join(here, 'popularity.tsv'), path.join(here, 'index', 'popularity.tsv')];
}

function tableText(): string {
  for (const candidate of tableFiles()) {
    try {
      return fs.readFileSync(candidate, 'utf8');
    } catch {
      /* try the next place */
    }
  }
  return '';
}

function decode(text: string): { names: string[]; byName: Map<string, PopularProject> } {
  const names: string[] = [];
  const byName = new Map<string, PopularProject>();
  for (const line of text.split('\n')) {
    const [name, latest, summary] = line.split('\t');
    if (!name) continue;
    names.push(name);
    byName.set(normalizeName(name), { name, latest: latest || undefined, summary: summary || undefined });
  }
  return { names, byName };
}

export function popularProjects(): { names: string[]; byName: Map<string, PopularProject> } {
  decoded ??= decode(tableText());
  return decoded;
}

let reading: Promise<void> | undefined;
/**
 * Reads the table off the event loop and decodes it on a turn of its own, so that the first name completion or
 * did-you-mean does not read and decode it on its own turn too (20-40 ms).
 */
export function popularProjectsSoon(): Promise<void> {
  reading ??= (async () => {
    for (const candidate of tableFiles()) {
      if (decoded) return;
      const text = await fs.promises.readFile(candidate, 'utf8').catch(() => undefined);
      if (text !== undefined) {
        await nextTurn();
        decoded ??= decode(text);
        return;
      }
    }
  })();
  return reading;
}
