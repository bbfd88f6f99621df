// What `pip freeze --local` prints for an environment, from a static read of its dist-info (no Python run).

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EnvironmentSnapshot, InstalledDistribution } from './venv.js';

/** pip freeze leaves these out unless asked (`--all`). */
export const FREEZE_SKIPS: ReadonlySet<string> = new Set(['pip', 'setuptools', 'wheel', 'distribute']);

function lineOf(d: InstalledDistribution): string {
  const name = d.name; // as its METADATA spells it, as pip freeze prints it
  const vcs = d.vcs && d.directUrl ? `${d.vcs.vcs}+${d.directUrl}${d.vcs.commit ? `@${d.vcs.commit}` : ''}` : undefined;
  if (d.directUrl && d.editable) {
    if (vcs) return `-e ${vcs}#egg=${name}`;
    let target = d.directUrl;
    try {
      if (target.startsWith('file:')) target = fileURLToPath(target);
    } catch {
      /* keep the URL as it is */
    }
    return `# Editable install with no version control (${name}==${d.version})\n-e ${target}`;
  }
  if (d.directUrl) return `${name} @ ${vcs ?? d.directUrl}`;
  return `${name}==${d.version}`;
}

/**
 * The environment's own distributions (not a base interpreter's, as with `--local`) as pip freeze lines,
 * sorted as pip sorts them (by name, lower case); pip, setuptools, wheel and distribute only with `all`.
 */
export function freezeEnvironment(snapshot: EnvironmentSnapshot, options: { all?: boolean } = {}): string {
  const inside = (d: InstalledDistribution) => d.location.startsWith(snapshot.root + path.sep);
  const lines = [...snapshot.distributions.values()]
    .filter((d) => inside(d) && (options.all || !FREEZE_SKIPS.has(d.normalized)))
    .map((d) => ({ d, key: d.name.toLowerCase() }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ d }) => d)
    .map(lineOf);
  return lines.length ? lines.join('\n') + '\n' : '';
}
