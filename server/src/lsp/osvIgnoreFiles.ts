// The `osv-scanner.toml` files that apply to a requirements file: the one beside it, then the one at the root of
// its workspace folder (OSV-Scanner reads the one beside the scanned file). Read through the small-file reader
// (off the request path: a first read answers nothing and announces the file when it lands), parsed once per text.

import * as path from 'node:path';
import type { IgnoreEntry } from '../shared/facts.js';
import { ignoreOf, parseOsvIgnores, type IgnoredVuln } from '../service/supplyChain/osvIgnores.js';
import type { SmallFiles } from '../workspace/smallFiles.js';

export const OSV_IGNORE_FILE = 'osv-scanner.toml';

const parsed = new Map<string, { text: string; entries: IgnoredVuln[] }>();

function entriesOf(file: string, text: string): IgnoredVuln[] {
  const known = parsed.get(file);
  if (known?.text === text) return known.entries;
  const entries = parseOsvIgnores(text).entries;
  if (parsed.size > 64) parsed.clear();
  parsed.set(file, { text, entries });
  return entries;
}

/** The ignore files of a requirements file, nearest first. */
export function ignoreFilesOf(filePath: string, roots: string[]): string[] {
  const folder = path.dirname(filePath);
  const root = roots.filter((r) => filePath.startsWith(r + path.sep)).sort((a, b) => b.length - a.length)[0];
  const files = [path.join(folder, OSV_IGNORE_FILE)];
  if (root && root !== folder) files.push(path.join(root, OSV_IGNORE_FILE));
  return files;
}

/** What ignores an advisory for `filePath` now, from the files that apply to it; undefined when no file exists. */
export function osvIgnoresFor(
  filePath: string,
  files: SmallFiles,
  roots: string[],
  now = () => new Date(),
): ((ids: string[]) => IgnoreEntry | undefined) | undefined {
  const found = ignoreFilesOf(filePath, roots).flatMap((file) => {
    const text = files.read(file);
    return text === undefined ? [] : [{ file, entries: entriesOf(file, text) }];
  });
  if (!found.length) return undefined;
  return (ids) => {
    for (const { file, entries } of found) {
      const entry = ignoreOf(entries, ids, now());
      if (entry) return { ...entry, file };
    }
    return undefined;
  };
}
