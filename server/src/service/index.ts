// The language service facade: feature functions over parsed documents and injected facts; no LSP connection, no I/O of its own.

import type { Diagnostic, DocumentLink, DocumentSymbol, FoldingRange, Hover, Position, Range, SemanticTokens } from 'vscode-languageserver-types';
import { parse } from '../syntax/parse.js';
import type { ParsedDocument } from '../syntax/types.js';
import { buildIncludeGraph, type FileReader, type IncludeGraph } from '../workspace/includes.js';
import { computeDiagnostics } from './diagnostics.js';
import { foldingRanges } from './folding.js';
import { hover } from './hover.js';
import { documentLinks } from './links.js';
import { semanticTokens } from './semanticTokens.js';
import { documentSymbols } from './symbols.js';

export interface LanguageServiceFacts {
  /** Reads -r/-c targets: open documents first, then disk. */
  readFile: FileReader;
  /** For `${VAR}` in include paths, as pip expands them. */
  env?: Record<string, string | undefined>;
}

export interface LanguageService {
  parse(text: string): ParsedDocument;
  includeGraph(filePath: string, doc: ParsedDocument): IncludeGraph;
  diagnostics(filePath: string, doc: ParsedDocument): Diagnostic[];
  documentSymbols(doc: ParsedDocument): DocumentSymbol[];
  documentLinks(filePath: string, doc: ParsedDocument): DocumentLink[];
  semanticTokens(doc: ParsedDocument, range?: Range): SemanticTokens;
  foldingRanges(doc: ParsedDocument): FoldingRange[];
  hover(doc: ParsedDocument, position: Position): Hover | null;
}

export function createLanguageService(facts: LanguageServiceFacts): LanguageService {
  const includeGraph = (filePath: string, doc: ParsedDocument) => buildIncludeGraph(filePath, doc, facts.readFile, facts.env);
  return {
    parse,
    includeGraph,
    diagnostics: (filePath, doc) => computeDiagnostics(filePath, doc, includeGraph(filePath, doc)),
    documentSymbols,
    documentLinks,
    semanticTokens,
    foldingRanges,
    hover,
  };
}
