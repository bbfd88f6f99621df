// Where pip finds a local path named on a requirement line (`-e .`, `./pkg`, `dist/x.whl`): from the folder it runs in.

import * as path from 'node:path';
import type { PipRunsFrom } from '../shared/facts.js';

export interface LocatedPath {
  /** The absolute path found: a project folder or an existing archive, else the first that exists. */
  found?: string;
  /** Whether `found` is something pip can install (an archive, or a folder with setup.py or pyproject.toml). */
  installable: boolean;
  /** Every absolute path looked at, in order. */
  looked: string[];
}

const ARCHIVE = /\.(whl|zip|tar\.gz|tgz|tar\.bz2|tbz|tar\.xz|txz|tar|tar\.lz|tlz)$/i;

/** The file's own folder, as pip-compatible tools that run beside the file see it; `check` passes its own. */
export function besideTheFile(filePath: string): PipRunsFrom {
  return { folders: [path.dirname(filePath)], known: true };
}

export function locateLocalPath(written: string, runsFrom: PipRunsFrom, exists: (p: string) => boolean, home = process.env.HOME): LocatedPath {
  const expanded = written.replace(/^~(?=$|[/\\])/, home ?? '~');
  const looked = path.isAbsolute(expanded) ? [path.normalize(expanded)] : [...new Set(runsFrom.folders.map((f) => path.resolve(f, expanded)))];
  // Every place is asked about before any answer is used: where `exists` answers from memory and looks up
  // what it does not know yet, one pass then starts every look-up (a short-circuit revealed one a round).
  const archive = ARCHIVE.test(written);
  const answers = looked.map((target) => ({
    target,
    exists: exists(target),
    project: archive || [exists(path.join(target, 'setup.py')), exists(path.join(target, 'pyproject.toml'))].includes(true),
  }));
  const installable = answers.find((a) => a.exists && a.project);
  if (installable) return { found: installable.target, installable: true, looked };
  return { found: answers.find((a) => a.exists)?.target, installable: false, looked };
}
