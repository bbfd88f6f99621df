// The language service facade: feature functions over parsed documents and injected facts; no LSP connection, no I/O of its own.

import { DiagnosticCode } from '../syntax/diagnosticCodes.js';
import * as path from 'node:path';
import type {
  CodeAction,
  CodeActionContext,
  CodeLens,
  CompletionItem,
  CompletionList,
  Diagnostic,
  DocumentLink,
  DocumentSymbol,
  FoldingRange,
  Hover,
  InlayHint,
  Location,
  Position,
  Range,
  SemanticTokens,
} from 'vscode-languageserver-types';
import { append } from '../shared/append.js';
import type { ParsedDocument } from '../syntax/types.js';
import type { FileContext } from '../workspace/context.js';
import { buildProvenance, derivedProvenance, type Provenance } from '../workspace/provenance.js';
import { createCodeActions } from './codeActions/index.js';
import { codeLenses } from './codeLenses.js';
import { createFrozenAnalyser, frozenHint, type FrozenAnalysis } from './frozenFile.js';
import { compiledDiagnostics } from './compiledDiagnostics.js';
import { complete, resolveCompletion } from './completion.js';
import { capDiagnostics, computeDiagnostics, MAX_DIAGNOSTICS } from './diagnostics.js';
import { environmentDiagnostics, unrelatedConflictsNote } from './environmentDiagnostics.js';
import { foldingRanges } from './folding.js';
import { hover } from './hover.js';
import { indexDiagnostics, outdatedHints } from './indexDiagnostics.js';
import { releaseNotes, supplyChainDiagnostics, supplyChainPolicy, withoutLookAlikes } from './supplyChainDiagnostics.js';
import { documentLinks } from './links.js';
import { definition, references, resolvedVersionHints } from './navigation.js';
import { besideTheFile, locateLocalPath } from './localPaths.js';
import { fileUri, pythonAllows } from './paths.js';
import { semanticTokens } from './semanticTokens.js';
import { documentSymbols } from './symbols.js';
import { vulnerabilityDiagnostics, vulnerabilityFactsOf, vulnerabilityHoverAt } from './vulnerabilities.js';

export { SOURCE_KINDS } from './codeActions/kinds.js';
export type { FileContext };
export type { LanguageServiceFacts } from './facts.js';
import type { LanguageServiceFacts } from './facts.js';

/** Every feature reads a FileContext from the workspace store: the tree, its includes, its `.in`, its index options. */
export interface LanguageService {
  diagnostics(ctx: FileContext): Diagnostic[];
  documentSymbols(doc: ParsedDocument): DocumentSymbol[];
  documentLinks(ctx: FileContext): DocumentLink[];
  /** Null for pyproject.toml, a script or a lock: an editor takes one provider's tokens, and the TOML or Python server's must win. */
  semanticTokens(doc: ParsedDocument, range?: Range): SemanticTokens | null;
  foldingRanges(doc: ParsedDocument): FoldingRange[];
  hover(ctx: FileContext, position: Position): Hover | null;
  complete(ctx: FileContext, position: Position): CompletionList;
  /** `ctx`: the file the item was offered in (its uri is in the item's data), for its index view. */
  resolveCompletion(item: CompletionItem, ctx: FileContext | undefined): CompletionItem;
  definition(ctx: FileContext, position: Position): Location[];
  references(ctx: FileContext, position: Position, includeDeclaration: boolean): Location[];
  inlayHints(ctx: FileContext, range?: Range): InlayHint[];
  codeActions(ctx: FileContext, context: CodeActionContext, range?: Range): CodeAction[];
  resolveCodeAction(action: CodeAction, ctx: FileContext): CodeAction;
  codeLenses(ctx: FileContext): CodeLens[];
  /** The `.txt` as pip freeze output with its top level, for the derive command. */
  frozen(ctx: FileContext, evenIfNotFrozen?: boolean): FrozenAnalysis | undefined;
}

/** Whether the document's requirements are written inside another file's syntax (TOML, a script). */
const embedded = (doc: ParsedDocument) => doc.kind !== undefined && doc.kind !== 'requirements';

export function createLanguageService(facts: LanguageServiceFacts): LanguageService {
  const analyseFrozen = createFrozenAnalyser();
  const frozen = (ctx: FileContext, evenIfNotFrozen = false) =>
    analyseFrozen(ctx.path, ctx.document, { environment: facts.environment?.(ctx.path), index: facts.index?.(ctx), readFile: ctx.texts }, evenIfNotFrozen);
  const actions = createCodeActions(facts, frozen);
  // Who asked for each pin, per context (one per version of the file and of what it reads): a hover after the
  // first on the same version reads it again for nothing.
  const provenances = new WeakMap<FileContext, Provenance>();
  const annotatedProvenance = (ctx: FileContext) => {
    let found = provenances.get(ctx);
    if (!found) provenances.set(ctx, (found = buildProvenance(ctx.path, ctx.document, ctx.documents, ctx.texts)));
    return found;
  };
  const runsFrom = (filePath: string) => facts.pipRunsFrom?.(filePath) ?? besideTheFile(filePath);
  return {
    diagnostics: (ctx) => {
      const { path: filePath, document: doc } = ctx;
      const out = computeDiagnostics(filePath, doc, ctx.graph, facts.exists, runsFrom(filePath));
      const env = facts.environment?.(filePath);
      // No environment is no fault of the file: the status, a notice and the hover of line 1 say so, not a diagnostic.
      // Appended one by one: a 100,000-line file can have more diagnostics than push(...spread) takes arguments.
      if (env) append(out, environmentDiagnostics(doc, env, { folder: path.dirname(filePath), exists: facts.exists, room: MAX_DIAGNOSTICS - out.length }));
      const index = facts.index?.(ctx);
      // A look-alike's project is not offered as an upgrade either: no `outdated` nudge on its line.
      const indexFacts = index && withoutLookAlikes(index, supplyChainPolicy(facts).lookAlikes);
      if (indexFacts) append(out, indexDiagnostics(doc, indexFacts, { outdated: facts.outdated?.().diagnostics ?? true, room: MAX_DIAGNOSTICS - out.length }));
      if (index)
        append(
          out,
          supplyChainDiagnostics(doc, index, {
            ...supplyChainPolicy(facts),
            now: facts.now?.() ?? new Date(),
            wheels: env?.wheelEnvironment,
            room: MAX_DIAGNOSTICS - out.length,
          }),
        );
      const sources = ctx.checkedSources;
      for (const source of sources) append(out, compiledDiagnostics(filePath, doc, source, ctx));
      if (sources.length === 0 && ctx.kind === 'requirements') append(out, frozenHint(doc, frozen(ctx)));
      const vulnerabilities = vulnerabilityFactsOf(facts, ctx);
      if (vulnerabilities) append(out, vulnerabilityDiagnostics(fileUri(filePath), doc, vulnerabilities));
      const compileProblems = facts.compileProblems?.(filePath);
      if (compileProblems) append(out, compileProblems);
      return capDiagnostics(withoutNotInstalledTypos(out), doc);
    },
    documentSymbols,
    documentLinks: (ctx) => documentLinks(ctx.path, ctx.document, facts.exists && ((p) => locateLocalPath(p, runsFrom(ctx.path), facts.exists!).found)),
    semanticTokens: (doc, range) => (embedded(doc) ? null : semanticTokens(doc, range)),
    foldingRanges: (doc) => (embedded(doc) ? [] : foldingRanges(doc)),
    hover: (ctx, position) => {
      const { path: filePath, document: doc } = ctx;
      const result = hover(doc, position, {
        folder: path.dirname(filePath),
        provenance: () => {
          const annotated = annotatedProvenance(ctx);
          if (annotated.compiled.annotated) return annotated;
          const env = facts.environment?.(filePath);
          return env?.dependents ? derivedProvenance(doc, { installed: env.installed, dependents: env.dependents }) : annotated;
        },
        requirement: (name) => {
          const env = facts.environment?.(filePath);
          const installed = name && env ? env.installed(name) : undefined;
          const index = facts.index?.(ctx);
          return {
            project: name ? index?.project(name) : undefined,
            installed,
            environment: env ? env.describe : undefined,
            projectPage: name ? index?.projectPage?.(name) : undefined,
            now: facts.now?.() ?? new Date(),
          };
        },
      });
      // The first line also says which environment the file is checked against.
      // (In pyproject.toml, a script or a lock, only over a requirement: the rest of the file is another server's.)
      let envSummary = position.line === 0 && (ctx.kind === 'requirements' || result) ? facts.environmentSummary?.(filePath) : undefined;
      // pip check's complaints about packages the file does not use are named here, once, not as diagnostics.
      const env = envSummary ? facts.environment?.(filePath) : undefined;
      const note = env ? unrelatedConflictsNote(doc, env) : undefined;
      if (envSummary && note) envSummary = `${envSummary}\n\n${note}`;
      const summary = [result && vulnerabilityHoverAt(doc, position, () => vulnerabilityFactsOf(facts, ctx)), envSummary].filter(Boolean).join('\n\n---\n\n');
      if (!summary) return result;
      const previous = result && typeof result.contents === 'object' && 'value' in result.contents ? `${result.contents.value}\n\n---\n\n` : '';
      return { contents: { kind: 'markdown', value: `${previous}${summary}` }, range: result?.range };
    },
    complete: (ctx, position) => {
      // Versions whose Requires-Python excludes the environment's Python are marked.
      const index = facts.index?.(ctx);
      const python = index ? facts.environment?.(ctx.path)?.pythonVersion : undefined;
      const withPython =
        index && python
          ? {
              ...index,
              searchNames: index.searchNames,
              project: index.project,
              pythonVersion: python,
              pythonAllows: (spec: string) => pythonAllows(python, spec),
            }
          : index;
      const env = facts.environment?.(ctx.path);
      const policy = supplyChainPolicy(facts);
      const now = facts.now?.() ?? new Date();
      const list = complete(ctx.document, position, {
        index: withPython,
        listDirectory: facts.listDirectory,
        folder: path.dirname(ctx.path),
        installed: env ? env.installed : undefined,
        releaseNotes: (v) => releaseNotes(v, { cooldownDays: policy.cooldownDays, now, wheels: env?.wheelEnvironment }),
      });
      // Names are resolved later (summary, latest) from this file's index view.
      for (const item of list.items) if ((item.data as { kind?: string } | undefined)?.kind === 'name') item.data = { ...(item.data as object), uri: ctx.uri };
      return list;
    },
    resolveCompletion: (item, ctx) => resolveCompletion(item, ctx ? facts.index?.(ctx) : undefined),
    definition: (ctx, position) => definition(ctx.path, ctx.document, position, ctx.documents, ctx.texts),
    references: (ctx, position, includeDeclaration) => references(ctx.path, ctx.document, position, ctx.documents, ctx.texts, includeDeclaration),
    inlayHints: (ctx, range) => {
      const index = facts.index?.(ctx);
      const outdated =
        index && (facts.outdated?.().inlayHints ?? true)
          ? outdatedHints(ctx.document, withoutLookAlikes(index, supplyChainPolicy(facts).lookAlikes), range)
          : [];
      return [...resolvedVersionHints(ctx.path, ctx.document, ctx.documents, range), ...outdated];
    },
    frozen,
    codeActions: actions.codeActions,
    resolveCodeAction: actions.resolveCodeAction,
    // A file compiled from a pyproject.toml recompiles from it (the compile reads the extras and groups its header names).
    codeLenses: (ctx) =>
      codeLenses(ctx.uri, ctx.path, ctx.document, ctx.compiledSource ?? ctx.checkedSources.find((s) => /(^|[\\/])pyproject\.toml$/i.test(s))),
  };
}

/**
 * A name the index does not have (`reqeusts`) is a typo to fix, not a package to install: its line says the first
 * (with the did-you-mean) and not also that the environment lacks it.
 */
function withoutNotInstalledTypos(out: Diagnostic[]): Diagnostic[] {
  let unknown: Set<number> | undefined;
  for (const d of out) if (d.code === DiagnosticCode.UnknownPackage) (unknown ??= new Set()).add(d.range.start.line);
  if (!unknown) return out;
  return out.filter((d) => !(d.code === DiagnosticCode.NotInstalled && unknown!.has(d.range.start.line)));
}
