// The index options a file and the files it includes give pip (-i/--index-url, --extra-index-url, --no-index, -f).

import * as path from 'node:path';
import type { ParsedDocument } from '../syntax/types.js';
import type { IndexGraphLike } from './includesLike.js';
import { rememberExpansion } from '../shared/shownValues.js';

export interface FileIndexOptions {
  indexUrl?: string;
  extraIndexUrls: string[];
  noIndex: boolean;
  /** --find-links values; a relative path is resolved against the folder of the file that says it, as pip does. */
  findLinks?: string[];
}

/** pip reads options in file order, included files where they are included; the last --index-url wins. */
export function indexOptionsOf(doc: ParsedDocument, graph?: IndexGraphLike & { files: { path?: string }[] }, filePath?: string): FileIndexOptions {
  const out: FileIndexOptions = { extraIndexUrls: [], noIndex: false, findLinks: [] };
  const docs: { document: ParsedDocument; path?: string }[] = [{ document: doc, path: filePath }, ...(graph?.files ?? [])];
  for (const { document: d, path: where } of docs) {
    for (const line of d.lines) {
      if (line.kind !== 'option' || !/--?(i|index|extra|no-index|pypi|f|find)/.test(line.text)) continue;
      for (const o of line.options) {
        // A URL built from `${NAME}` (a token in the index's path) is shown with the name, never the value.
        if (o.value?.written !== undefined && o.value.text) rememberExpansion(o.value.written, o.value.text);
        if (o.canonical === '--index-url' && o.value?.text) out.indexUrl = o.value.text;
        else if (o.canonical === '--extra-index-url' && o.value?.text) out.extraIndexUrls.push(o.value.text);
        else if (o.canonical === '--no-index') out.noIndex = true;
        else if (o.canonical === '--find-links' && o.value?.text) {
          const v = o.value.text;
          out.findLinks!.push(/^[a-z][a-z0-9+.-]*:/i.test(v) || !where ? v : path.resolve(path.dirname(where), v));
        }
      }
    }
  }
  return out;
}
