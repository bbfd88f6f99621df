// The language service facade: feature functions over parsed documents and injected facts; no LSP connection, no I/O of its own.

import * as path from 'node:path';
import type { CodeAction, CodeActionContext, CodeLens, CompletionItem, CompletionList, Diagnostic, DocumentLink, DocumentSymbol, FoldingRange, Hover, InlayHint, Location, Position, Range, SemanticTokens } from 'vscode-languageserver-types';
import { parse } from '../syntax/parse.js';
import { lineAt } from '../syntax/query.js';
import type { ParsedDocument } from '../syntax/types.js';
import { compiledHeader } from '../workspace/annotations.js';
import { buildIncludeGraph, type FileReader, type IncludeGraph, type ParseCache } from '../workspace/includes.js';
import { buildProvenance, derivedProvenance, sourceFiles } from '../workspace/provenance.js';
import { createCodeActions } from './actions.js';
import { SOURCE_ADD_HASHES, SOURCE_PIN_ALL, SOURCE_UPGRADE_ALL } from './bulkActions.js';
import { SOURCE_NORMALIZE, SOURCE_SORT } from './codeActions.js';
import { codeLenses, SOURCE_COMPILE, SOURCE_INSTALL } from './commandActions.js';
import { compiledDiagnostics } from './compiledDiagnostics.js';
import { complete, resolveCompletion, type DirectoryLister, type IndexFacts } from './completion.js';
import { computeDiagnostics } from './diagnostics.js';
import { environmentDiagnostics, noEnvironment, unrelatedConflictsNote, type EnvironmentFacts } from './environmentDiagnostics.js';
import { foldingRanges } from './folding.js';
import { hover } from './hover.js';
import { indexDiagnostics, outdatedHints } from './indexDiagnostics.js';
import { documentLinks } from './links.js';
import { definition, references, resolvedVersionHints } from './navigation.js';
import { fileUri, pythonAllows, uriToFilePath } from './paths.js';
import { semanticTokens } from './semanticTokens.js';
import { documentSymbols } from './symbols.js';
import { SOURCE_FIX_VULNERABILITIES } from './vulnerabilityActions.js';
import { activeAdvisories, checkedVersion, vulnerabilityDiagnostics, vulnerabilityFactsOf, vulnerabilityHoverSection, type VulnerabilityFacts } from './vulnerabilities.js';

export { SOURCE_NORMALIZE, SOURCE_SORT, SOURCE_PIN_ALL, SOURCE_UPGRADE_ALL, SOURCE_ADD_HASHES, SOURCE_COMPILE, SOURCE_INSTALL, SOURCE_FIX_VULNERABILITIES };

export interface LanguageServiceFacts {
  /** Reads -r/-c targets: open documents first, then disk. */
  readFile: FileReader;
  /** For `${VAR}` in include paths, as pip expands them. */
  env?: Record<string, string | undefined>;
  /** Whether a local path exists, for `./pkg` and `-e ./pkg` lines. */
  exists?: (absolutePath: string) => boolean;
  /** Lists a folder for include-path completion. */
  listDirectory?: DirectoryLister;
  /** The active environment of a file, when one was found (undefined) or discovery found none (null). */
  environment?: (filePath: string) => EnvironmentFacts | null | undefined;
  /** Report outdated pins (hints) and show `⟶ latest` inlay hints; both need index facts. */
  outdated?: () => { diagnostics: boolean; inlayHints: boolean };
  /** Describes the environment in use, for the hover of the first line. */
  environmentSummary?: (filePath: string) => string | undefined;
  /** What the package index knows right now (names, versions, extras); absent until it is wired. */
  index?: () => IndexFacts | undefined;
  /** Known advisories for this file's releases (its index's JSON API or OSV); undefined when the check is off. */
  vulnerabilities?: (filePath: string, doc: ParsedDocument) => Omit<VulnerabilityFacts, 'installed'> | undefined;
}

export interface LanguageService {
  /** Parses a new version of an open document (clean lines memoized across versions). */
  parse(text: string): ParsedDocument;
  includeGraph(filePath: string, doc: ParsedDocument): IncludeGraph;
  /** Pass the include graph when the caller has built it already. */
  diagnostics(filePath: string, doc: ParsedDocument, graph?: IncludeGraph): Diagnostic[];
  documentSymbols(doc: ParsedDocument): DocumentSymbol[];
  documentLinks(filePath: string, doc: ParsedDocument): DocumentLink[];
  semanticTokens(doc: ParsedDocument, range?: Range): SemanticTokens;
  foldingRanges(doc: ParsedDocument): FoldingRange[];
  hover(filePath: string, doc: ParsedDocument, position: Position): Hover | null;
  complete(filePath: string, doc: ParsedDocument, position: Position): CompletionList;
  resolveCompletion(item: CompletionItem): CompletionItem;
  definition(filePath: string, doc: ParsedDocument, position: Position): Location[];
  references(filePath: string, doc: ParsedDocument, position: Position, includeDeclaration: boolean): Location[];
  inlayHints(filePath: string, doc: ParsedDocument, range?: Range): InlayHint[];
  codeActions(uri: string, doc: ParsedDocument, context: CodeActionContext, range?: Range): CodeAction[];
  resolveCodeAction(action: CodeAction, doc: ParsedDocument): CodeAction;
  codeLenses(uri: string, doc: ParsedDocument): CodeLens[];
}



export function createLanguageService(facts: LanguageServiceFacts): LanguageService {
  /** The `.in` a compiled `.txt` came from: named in its header, else beside it; `.in` files have none. */
  const compiledSource = (filePath: string, doc: ParsedDocument): string | undefined =>
    filePath.endsWith('.in') ? undefined : sourceFiles(filePath, compiledHeader(doc), facts.readFile).find((s) => s.endsWith('.in'));
  // Included files are parsed once per text; bounded so that a huge tree of includes cannot grow it forever.
  const parseCache: ParseCache = new Map();
  const actions = createCodeActions(facts, compiledSource);
  const includeGraph = (filePath: string, doc: ParsedDocument) => {
    if (parseCache.size > 2000) parseCache.clear();
    return buildIncludeGraph(filePath, doc, facts.readFile, facts.env, parseCache);
  };
  /** The advisories of the requirement under the cursor, as a hover section. */
  const vulnerabilitySection = (filePath: string, doc: ParsedDocument, position: Position): string | undefined => {
    const line = lineAt(doc, position.line, position.character);
    const vulnerabilities = line?.project ? vulnerabilityFactsOf(facts, filePath, doc) : undefined;
    const checked = vulnerabilities && line ? checkedVersion(line, vulnerabilities.installed) : undefined;
    if (!checked || !vulnerabilities) return undefined;
    return vulnerabilityHoverSection(checked.version, activeAdvisories(vulnerabilities.advisories(line!.project!, checked.version), vulnerabilities.ignore), checked.installed);
  };
  return {
    parse: (text) => parse(text, { reuse: true }),
    includeGraph,
    diagnostics: (filePath, doc, graph) => {
      const out = computeDiagnostics(filePath, doc, graph ?? includeGraph(filePath, doc), facts.exists);
      const env = facts.environment?.(filePath);
      if (env) out.push(...environmentDiagnostics(doc, env, { folder: path.dirname(filePath), exists: facts.exists }));
      else if (env === null && doc.lines.some((l) => l.project)) out.push(noEnvironment());
      const index = facts.index?.();
      if (index) out.push(...indexDiagnostics(doc, index, { outdated: facts.outdated?.().diagnostics ?? true }));
      const source = compiledSource(filePath, doc);
      if (source) out.push(...compiledDiagnostics(filePath, doc, source, facts.readFile, facts.env));
      const vulnerabilities = vulnerabilityFactsOf(facts, filePath, doc);
      if (vulnerabilities) out.push(...vulnerabilityDiagnostics(fileUri(filePath), doc, vulnerabilities));
      return out;
    },
    documentSymbols,
    documentLinks,
    semanticTokens,
    foldingRanges,
    hover: (filePath, doc, position) => {
      const result = hover(doc, position, {
        folder: path.dirname(filePath),
        provenance: () => {
          const annotated = buildProvenance(filePath, doc, facts.readFile);
          if (annotated.compiled.annotated) return annotated;
          const env = facts.environment?.(filePath);
          return env?.dependents ? derivedProvenance(doc, { installed: env.installed, dependents: env.dependents }) : annotated;
        },
        requirement: (name) => {
          const env = facts.environment?.(filePath);
          const installed = name && env ? env.installed(name) : undefined;
          const index = facts.index?.();
          return { project: name ? index?.project(name) : undefined, installed, environment: env ? env.describe : undefined, projectPage: name ? index?.projectPage?.(name) : undefined };
        },
      });
      // The first line also says which environment the file is checked against.
      let envSummary = position.line === 0 ? facts.environmentSummary?.(filePath) : undefined;
      // pip check's complaints about packages the file does not use are named here, once, not as diagnostics.
      const env = envSummary ? facts.environment?.(filePath) : undefined;
      const note = env ? unrelatedConflictsNote(doc, env) : undefined;
      if (envSummary && note) envSummary = `${envSummary}\n\n${note}`;
      const summary = [result && vulnerabilitySection(filePath, doc, position), envSummary].filter(Boolean).join('\n\n---\n\n');
      if (!summary) return result;
      const previous = result && typeof result.contents === 'object' && 'value' in result.contents ? `${result.contents.value}\n\n---\n\n` : '';
      return { contents: { kind: 'markdown', value: `${previous}${summary}` }, range: result?.range };
    },
    complete: (filePath, doc, position) => {
      // Versions whose Requires-Python excludes the environment's Python are marked.
      const index = facts.index?.();
      const python = index ? facts.environment?.(filePath)?.pythonVersion : undefined;
      const withPython = index && python ? { ...index, searchNames: index.searchNames, project: index.project, pythonVersion: python, pythonAllows: (spec: string) => pythonAllows(python, spec) } : index;
      const env = facts.environment?.(filePath);
      return complete(doc, position, { index: withPython, listDirectory: facts.listDirectory, folder: path.dirname(filePath), installed: env ? env.installed : undefined });
    },
    resolveCompletion: (item) => resolveCompletion(item, facts.index?.()),
    definition: (filePath, doc, position) => definition(filePath, doc, position, facts.readFile),
    references: (filePath, doc, position, includeDeclaration) => references(filePath, doc, position, facts.readFile, includeDeclaration),
    inlayHints: (filePath, doc, range) => {
      const index = facts.index?.();
      const outdated = index && (facts.outdated?.().inlayHints ?? true) ? outdatedHints(doc, index, range) : [];
      return [...resolvedVersionHints(filePath, doc, facts.readFile, range), ...outdated];
    },
    codeActions: actions.codeActions,
    resolveCodeAction: actions.resolveCodeAction,
    codeLenses: (uri, doc) => {
      const filePath = uriToFilePath(uri);
      return codeLenses(uri, filePath, doc, compiledSource(filePath, doc));
    },
  };
}
