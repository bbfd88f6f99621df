// The `.in` sources of a compiled file, read with everything they include, and what they allow for each package.

import type { ParsedDocument } from '../syntax/types.js';
import { compiledHeader } from './annotations.js';
import { buildIncludeGraph, type DocumentReader } from './includes.js';
import { sourceFiles } from './provenance.js';

export interface SourceDocument {
  path: string;
  document: ParsedDocument;
  /** How it was reached from the source: through -c anywhere on the way makes it a constraint. */
  kind: 'requirement' | 'constraint';
}

/** A source file and every file it includes, the source first; undefined when it cannot be read. */
export function sourceDocuments(source: string, read: DocumentReader, env?: Record<string, string | undefined>): SourceDocument[] | undefined {
  const root = read(source);
  if (root === undefined) return undefined;
  return [{ path: source, document: root, kind: 'requirement' }, ...buildIncludeGraph(source, root, read, env).files.map((f) => ({ path: f.path, document: f.document, kind: f.kind }))];
}

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
export function sourceSpecifiers(filePath: string, doc: ParsedDocument, read: DocumentReader, env?: Record<string, string | undefined>): Map<string, string[]> {
  const docs = sourceFiles(filePath, compiledHeader(doc), read).flatMap((source) => sourceDocuments(source, read, env) ?? []);
  return specifiersByName(docs.map((d) => d.document));
}
