// LSP wiring: capabilities, named handlers behind one guard, push scheduling. The adapters (the workspace
// store over the disk, the index, the environment) are created by main.ts and handed in; features are the
// language service's. What each part of the wiring does lives in lsp/.

import * as path from 'node:path';
import {
  TextDocuments,
  type CancellationToken,
  type ClientCapabilities,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ProblemStore } from './lsp/commands.js';
import type { EnvironmentService } from './environment/index.js';
import { createGuard, type Log } from './lsp/guard.js';
import type { IndexAdapter } from './index/views.js';
import { createFactsWaiter } from './lsp/wait.js';
import { serverCapabilities } from './lsp/capabilities.js';
import { wireCommands } from './lsp/commandHost.js';
import { followEnvSetting, wireConfiguration, type Configuration } from './lsp/configuration.js';
import { createDiagnosticsScheduler } from './lsp/diagnosticsPush.js';
import { analysed, tooLargeDiagnostics } from './lsp/documentSize.js';
import { syncDocuments, watchFiles } from './lsp/documentSync.js';
import { environmentFacts } from './lsp/environmentFacts.js';
import { indexFacts } from './lsp/indexFacts.js';
import { languageServiceOver } from './lsp/languageService.js';
import { createStatusReporter } from './lsp/status.js';
import type { FileContext } from './service/index.js';
import { uriToPath } from './shared/uri.js';
import type { Workspace } from './workspace/index.js';
import type { PathFacts } from './workspace/pathFacts.js';
import type { SmallFiles } from './workspace/smallFiles.js';

export const SERVER_NAME = 'requirements-language-server';
export const SERVER_VERSION = '0.1.0';
export { uriToPath };

export interface ServerAdapters {
  /** The workspace store over the disk, and the contexts features read. */
  workspace: Workspace;
  environments: EnvironmentService;
  index: IndexAdapter;
  configuration: Configuration;
  log: Log;
  env: Record<string, string | undefined>;
  /** File facts for features, answered from memory: `./pkg` exists, folder listings for path completion (look-ups on their way are awaited briefly). */
  files: PathFacts;
  /** Whether the disk's copy differs from the editor's (the tools read the disk). */
  isDirtyOnDisk: (p: string, text: string) => boolean;
  /** pip's config files, read off the request path (a first read on its way is noted for the brief wait). */
  configFiles: SmallFiles;
}

export function register(connection: Connection, adapters: ServerAdapters): void {
  const { workspace, environments, index, configuration, log } = adapters;
  const settings = configuration.settings;
  const documents = new TextDocuments(TextDocument);
  let capabilities: ClientCapabilities = {};
  let workspaceRoots: string[] = [];
  const guard = createGuard(log);
  const status = createStatusReporter(connection, () => capabilities, log);
  const waiter = createFactsWaiter({
    budgetMs: () => settings().index.waitMs,
    loaded: index.loaded,
    reading: () => [workspace.store.reading(), adapters.configFiles.reading(), adapters.files.reading()],
  });
  const environment = environmentFacts(environments, { settings, roots: () => workspaceRoots, waiter });
  const facts = indexFacts(index, {
    workspace,
    settings,
    waiter,
    venvRootOf: environment.venvRootOf,
    venvRoot: environment.venvRoot,
    configFiles: adapters.configFiles,
    roots: () => workspaceRoots,
  });
  configuration.onDidApply((s) => environments.setSetting(s.venvPath));
  followEnvSetting(configuration, adapters.env, (env) => workspace.setEnv(env)); // lines with ${NAME} read differently: the store parses again

  /** What the last failed compile said about source lines: a fact of the file's diagnostics until it is edited. */
  const compileProblems: ProblemStore = new Map();
  const service = languageServiceOver({
    index: facts,
    environment,
    files: adapters.files,
    settings,
    capabilities: () => capabilities,
    roots: () => workspaceRoots,
    compileProblems: (filePath) => compileProblems.get(filePath),
    configFiles: adapters.configFiles,
  });

  /** An open file's context, none for one too large to analyse (first disk reads it starts are awaited by the brief wait, which asks after each computation). */
  const contextOf = (uri: string) => (analysed(documents.get(uri)) ? workspace.contextOf(uriToPath(uri), uri) : undefined);
  const diagnostics = createDiagnosticsScheduler({
    connection,
    documents,
    contextOf,
    guard,
    waiter,
    capabilities: () => capabilities,
    pull: () => !!capabilities.textDocument?.diagnostic,
    dependentsOf: (filePath) => workspace.dependentsOf(filePath),
    environmentOf: (uri) => environment.facts(uriToPath(uri)),
    settle(uri) {
      const ctx = contextOf(uri);
      if (!ctx || !settings().diagnostics.enable) return;
      void ctx.graph; // the includes, read on first use
      void ctx.sources; // the .in a compiled file came from, and what it includes
      environment.facts(ctx.path);
    },
    diagnose(ctx: FileContext) {
      if (!settings().diagnostics.enable) return [];
      const label = status.enabled ? environment.label(ctx.path) : undefined;
      if (label) status.environment(label);
      else if (environment.facts(ctx.path) === null && ctx.document.lines.some((l) => l.project)) status.noEnvironment(path.basename(ctx.path));
      return service.diagnostics(ctx);
    },
    unanalysed: (uri) => (settings().diagnostics.enable ? tooLargeDiagnostics(documents.get(uri)) : []),
  });
  index.listen(
    status.indexEvents((names) => {
      if (!names.length) facts.namesChanged(); // a project list or a configuration: did-you-mean may answer otherwise
      diagnostics.factsArrived(names);
    }),
  );
  facts.onSuggestions(diagnostics.suggestionsLanded);
  workspace.store.onDidChange(diagnostics.refreshDependents);
  adapters.files.onDidChange(diagnostics.refresh); // a path found missing, or created, since the last answer
  environments.onDidChange(diagnostics.environmentChanged);
  const settingsFromClient = wireConfiguration(connection, configuration, () => capabilities, log, diagnostics.refresh);

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    capabilities = params?.capabilities ?? {};
    status.enable(params?.initializationOptions);
    workspaceRoots = [...(params?.workspaceFolders ?? []).map((f) => uriToPath(f.uri)), ...(params?.rootUri ? [uriToPath(params.rootUri)] : [])].filter((p) =>
      path.isAbsolute(p),
    );
    configuration.initialize(params?.initializationOptions);
    return {
      capabilities: serverCapabilities(!!capabilities.textDocument?.diagnostic),
      serverInfo: { name: SERVER_NAME, version: SERVER_VERSION },
    };
  });
  connection.onInitialized(async () => {
    watchFiles(connection, capabilities);
    await settingsFromClient.start();
    // The index module loads now, after `initialize` has been answered, so the first request's budget is the fetch's.
    setImmediate(() => index.preload());
    log('info', `${SERVER_NAME} ${SERVER_VERSION} ready (${capabilities.textDocument?.diagnostic ? 'pull' : 'push'} diagnostics)`);
  });

  const pull = () => !!capabilities.textDocument?.diagnostic;
  syncDocuments({ connection, documents, workspace, diagnostics, compileProblems, smallFiles: adapters.configFiles, pull });

  /** A handler over the file's context, guarded; `wait`: it awaits index and disk facts on their way, within the budget. */
  const at = <T>(name: string, uri: string, fallback: T, token: CancellationToken, work: (ctx: FileContext) => T, wait = false) =>
    guard.run(name, fallback, token, async () => {
      const compute = () => {
        const ctx = contextOf(uri);
        return ctx ? work(ctx) : fallback;
      };
      return wait ? (await waiter.answer(token, compute)).value : compute();
    });

  connection.onDocumentSymbol((p, token) => at('documentSymbol', p.textDocument.uri, [], token, (ctx) => service.documentSymbols(ctx.document)));
  connection.onDocumentLinks((p, token) => at('documentLink', p.textDocument.uri, [], token, (ctx) => service.documentLinks(ctx), true));
  connection.onFoldingRanges((p, token) => at('foldingRange', p.textDocument.uri, [], token, (ctx) => service.foldingRanges(ctx.document)));
  connection.onDefinition((p, token) => at('definition', p.textDocument.uri, [], token, (ctx) => service.definition(ctx, p.position)));
  connection.onReferences((p, token) =>
    at('references', p.textDocument.uri, [], token, (ctx) => service.references(ctx, p.position, p.context?.includeDeclaration ?? true)),
  );
  connection.languages.inlayHint.on((p, token) => at('inlayHint', p.textDocument.uri, [], token, (ctx) => service.inlayHints(ctx, p.range)));
  // Null (which LSP allows and the library's types do not) lets an editor take another server's tokens.
  const noTokens = null as unknown as { data: number[] };
  connection.languages.semanticTokens.on((p, token) =>
    at('semanticTokens', p.textDocument.uri, { data: [] }, token, (ctx) => service.semanticTokens(ctx.document) ?? noTokens),
  );
  connection.languages.semanticTokens.onRange((p, token) =>
    at('semanticTokens/range', p.textDocument.uri, { data: [] }, token, (ctx) => service.semanticTokens(ctx.document, p.range) ?? noTokens),
  );
  connection.onCompletion((p, token) =>
    guard.run('completion', { isIncomplete: false, items: [] }, token, async () => {
      const { value, complete } = await waiter.answer(token, () => {
        const ctx = contextOf(p.textDocument.uri);
        return ctx ? service.complete(ctx, p.position) : { isIncomplete: false, items: [] };
      });
      // Facts still on their way past the budget: the client asks again on the next keystroke.
      return complete ? value : { ...value, isIncomplete: true };
    }),
  );
  connection.onCompletionResolve((item, token) =>
    guard.run('completionItem/resolve', item, token, () => {
      const uri = (item.data as { uri?: string } | undefined)?.uri;
      return service.resolveCompletion(item, uri ? contextOf(uri) : undefined);
    }),
  );
  connection.onHover((p, token) => at('hover', p.textDocument.uri, null, token, (ctx) => service.hover(ctx, p.position), true));
  connection.onCodeAction((p, token) =>
    at('codeAction', p.textDocument.uri, [], token, (ctx) => service.codeActions(ctx, p.context ?? { diagnostics: [] }, p.range), true),
  );
  connection.onCodeActionResolve((action, token) => {
    const uri = (action.data as { uri?: string } | undefined)?.uri;
    return uri ? at('codeAction/resolve', uri, action, token, (ctx) => service.resolveCodeAction(action, ctx), true) : action;
  });
  connection.onCodeLens((p, token) => at('codeLens', p.textDocument.uri, [], token, (ctx) => service.codeLenses(ctx), true));

  wireCommands({
    connection,
    documents,
    workspace,
    service,
    settings,
    workspaceTrusted: configuration.workspaceTrusted,
    capabilities: () => capabilities,
    environment,
    index: facts,
    isDirtyOnDisk: adapters.isDirtyOnDisk,
    log,
    changed: diagnostics.changed,
    problems: compileProblems,
  });

  connection.onShutdown(async () => {
    environments.dispose();
    await index.dispose();
  });
  documents.listen(connection);
}
