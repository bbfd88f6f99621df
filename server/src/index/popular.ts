// The most downloaded projects (generated table), decoded once: names for ranking, latest version and summary.

import { normalizeName } from '../syntax/names.js';
import { POPULAR_PROJECTS } from './popularity.generated.js';

export interface PopularProject {
  name: string;
  latest?: string;
  summary?: string;
}

let decoded: { names: string[]; byName: Map<string, PopularProject> } | undefined;

export function popularProjects(): { names: string[]; byName: Map<string, PopularProject> } {
  if (!decoded) {
    const names: string[] = [];
    const byName = new Map<string, PopularProject>();
    for (const line of POPULAR_PROJECTS.split('\n')) {
      const [name, latest, summary] = line.split('\t');
      if (!name) continue;
      names.push(name);
      byName.set(normalizeName(name), { name, latest: latest || undefined, summary: summary || undefined });
    }
    decoded = { names, byName };
  }
  return decoded;
}
