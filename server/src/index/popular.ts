// The most downloaded projects (a generated table beside this file), read once on first use.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeName } from '../syntax/names.js';

export interface PopularProject {
  name: string;
  latest?: string;
  summary?: string;
}

let decoded: { names: string[]; byName: Map<string, PopularProject> } | undefined;

/** Beside the bundle (dist/popularity.tsv) or beside this source file (tests run the sources). */
function tableText(): string {
  const here = typeof __dirname === 'string' ? __dirname : path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [path.join(here, 'popularity.tsv'), path.join(here, 'index', 'popularity.tsv')]) {
    try {
      return fs.readFileSync(candidate, 'utf8');
    } catch {
      /* try the next place */
    }
  }
  return '';
}

export function popularProjects(): { names: string[]; byName: Map<string, PopularProject> } {
  if (!decoded) {
    const names: string[] = [];
    const byName = new Map<string, PopularProject>();
    for (const line of tableText().split('\n')) {
      const [name, latest, summary] = line.split('\t');
      if (!name) continue;
      names.push(name);
      byName.set(normalizeName(name), { name, latest: latest || undefined, summary: summary || undefined });
    }
    decoded = { names, byName };
  }
  return decoded;
}
