// The `.in` sources of a compiled file, read with everything they include, and what they allow for each package.

import type { ParsedDocument } from '../syntax/types.js';
import { compiledHeader } from './annotations.js';
import { buildIncludeGraph, type DocumentReader, type FileReader } from './includes.js';
import { baseFolders, sourceFiles } from './provenance.js';
import { readPyproject } from './pyproject.js';
import { isProjectFile, isPyproject, pyprojectAsks } from './pyprojectSources.js';

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
  return [
    { path: source, document: root, kind: 'requirement' },
    ...buildIncludeGraph(source, root, read, env).files.map((f) => ({ path: f.path, document: f.document, kind: f.kind })),
  ];
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

/** The specifiers of a compiled file's sources and everything they include (pyproject.toml's compiled parts too); empty when it has no sources. */
export function sourceSpecifiers(
  filePath: string,
  doc: ParsedDocument,
  read: DocumentReader,
  readText: FileReader,
  env?: Record<string, string | undefined>,
): Map<string, string[]> {
  const header = compiledHeader(doc);
  const sources = sourceFiles(filePath, header, read);
  const out = specifiersByName(
    sources
      .filter((s) => !isProjectFile(s))
      .flatMap((source) => sourceDocuments(source, read, env) ?? [])
      .map((d) => d.document),
  );
  for (const source of sources.filter(isPyproject)) {
    const text = readText(source);
    if (text === undefined) continue;
    for (const { dependency: d } of pyprojectAsks(readPyproject(text), header.command, source, baseFolders(filePath, header.command)[0])) {
      if (d.name && d.specifier) out.set(d.name, [...(out.get(d.name) ?? []), d.specifier]);
    }
  }
  return out;
}
