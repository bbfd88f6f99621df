// What the `.in` sources of a compiled file allow for each package: their specifiers, by normalized name.

import { parse } from '../syntax/parse.js';
import type { ParsedDocument } from '../syntax/types.js';
import { compiledHeader } from './annotations.js';
import { buildIncludeGraph, type FileReader } from './includes.js';
import { sourceFiles } from './provenance.js';

export function specifiersByName(docs: ParsedDocument[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const doc of docs) {
    for (const line of doc.lines) {
      const spec = line.project ? line.requirement?.specifier?.text : undefined;
      if (spec) out.set(line.project!, [...(out.get(line.project!) ?? []), spec]);
    }
  }
  return out;
}

/** The specifiers of a compiled file's sources and everything they include; empty when it has no sources. */
export function sourceSpecifiers(filePath: string, doc: ParsedDocument, read: FileReader, env?: Record<string, string | undefined>): Map<string, string[]> {
  const docs: ParsedDocument[] = [];
  for (const source of sourceFiles(filePath, compiledHeader(doc), read)) {
    const text = read(source);
    if (text === undefined) continue;
    const root = parse(text);
    docs.push(root, ...buildIncludeGraph(source, root, read, env).files.map((f) => f.document));
  }
  return specifiersByName(docs);
}
