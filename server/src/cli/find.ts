// `check DIR`: the requirements files under a folder, by the names the editors recognise
// (VS Code's filenamePatterns, Neovim's ftdetect, the pre-commit hook's `files`).

import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * requirements*.txt|in, constraints*.txt, *-requirements.txt, any .txt/.in inside a `requirements/` folder, and
 * pyproject.toml and pylock.toml / pylock.NAME.toml (their requirement strings). Scripts are checked when named.
 */
export function isRequirementsFile(filePath: string): boolean {
  const base = path.basename(filePath);
  if (base === 'pyproject.toml' || /^pylock(\.[^.]+)?\.toml$/.test(base)) return true;
  if (/^requirements.*\.(txt|in)$/.test(base) || /^constraints.*\.txt$/.test(base) || /-requirements\.txt$/.test(base)) return true;
  return path.basename(path.dirname(filePath)) === 'requirements' && /\.(txt|in)$/.test(base);
}

/** Folders no one keeps their own requirements in: VCS and tool folders, virtual environments, caches. */
function skipped(dir: string, name: string): boolean {
  if (name.startsWith('.') || name === 'node_modules' || name === '__pycache__' || name === 'site-packages') return true;
  return fs.existsSync(path.join(dir, name, 'pyvenv.cfg'));
}

/** The requirements files under `root`, sorted; symbolic links to folders are not followed. */
export function requirementsFilesIn(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skipped(dir, entry.name)) walk(full);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && isRequirementsFile(full)) {
        found.push(full);
      }
    }
  };
  walk(root);
  return found.sort();
}

/**
 * The files `check` is given: each folder becomes the requirements files under it; anything else is a file.
 * No arguments means the current folder. `empty` lists the folders where nothing was found.
 */
export function filesToCheck(args: string[], cwd = process.cwd()): { files: string[]; empty: string[] } {
  const files: string[] = [];
  const empty: string[] = [];
  for (const arg of args.length ? args : ['.']) {
    const full = path.resolve(cwd, arg);
    let isDir = false;
    try {
      isDir = fs.statSync(full).isDirectory();
    } catch {
      // Not there: checkFiles reports it as file-not-found.
    }
    if (!isDir) files.push(arg);
    else {
      const inside = requirementsFilesIn(full);
      if (inside.length === 0) empty.push(arg);
      files.push(...inside);
    }
  }
  return { files, empty };
}
