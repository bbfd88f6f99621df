// The index options a file and the files it includes give pip (-i/--index-url, --extra-index-url, --no-index).

import type { ParsedDocument } from '../syntax/types.js';
import type { IndexGraphLike } from './includesLike.js';

export interface FileIndexOptions {
  indexUrl?: string;
  extraIndexUrls: string[];
  noIndex: boolean;
}

/** pip reads options in file order, included files where they are included; the last --index-url wins. */
export function indexOptionsOf(doc: ParsedDocument, graph?: IndexGraphLike): FileIndexOptions {
  const out: FileIndexOptions = { extraIndexUrls: [], noIndex: false };
  const docs = [doc, ...(graph?.files.map((f) => f.document) ?? [])];
  for (const d of docs) {
    for (const line of d.lines) {
      if (line.kind !== 'option' || !/--?(i|index|extra|no-index|pypi)/.test(line.text)) continue;
      for (const o of line.options) {
        if (o.canonical === '--index-url' && o.value?.text) out.indexUrl = o.value.text;
        else if (o.canonical === '--extra-index-url' && o.value?.text) out.extraIndexUrls.push(o.value.text);
        else if (o.canonical === '--no-index') out.noIndex = true;
      }
    }
  }
  return out;
}
