// LSP wiring: capabilities, named handlers behind one guard, push scheduling. The workspace store, the index
// views and the environment are adapters handed in by main.ts; features are the language service's.

import * as path from 'node:path';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  MessageType,
  TextDocumentSyncKind,
  TextDocuments,
  type ClientCapabilities,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { COMMANDS, registerCommands, showMessage, type CommandHost, type ProblemStore } from './commands.js';
import { createEnvironmentService, describeEnvironment } from './environment/index.js';
import { defaultCacheDir } from './index/diskCache.js';
import type { IndexView } from './index/packageIndex.js';
import { createIndexAdapter } from './index/views.js';
import { vulnerabilityTarget } from './index/vulnerabilityTarget.js';
import { createFactsWaiter } from './index/wait.js';
import { toSeverity } from './service/convert.js';
import { createLanguageService, SOURCE_ADD_HASHES, SOURCE_COMPILE, SOURCE_DERIVE_IN, SOURCE_FIX_VULNERABILITIES, SOURCE_INSTALL, SOURCE_NORMALIZE, SOURCE_PIN_ALL, SOURCE_SORT, SOURCE_UPGRADE_ALL, type FileContext } from './service/index.js';
import { SEMANTIC_TOKENS_LEGEND } from './service/semanticTokens.js';
import { DEFAULT_SETTINGS, readSettings, type Settings } from './settings.js';
import { createGuard, createLogger } from './guard.js';
import { uriToPath } from './shared/uri.js';
import type { Workspace } from './workspace/index.js';
import { freezeCommands, type FreezeHost } from './freezeCommands.js';
import { parse } from './syntax/parse.js';

export const SERVER_NAME = 'requirements-language-server';
export const SERVER_VERSION = '0.1.0';
export { uriToPath };

export interface ServerAdapters {
  workspace: Workspace;
  env: Record<string, string | undefined>;
  /** Small synchronous file facts for features: `./pkg` exists, folder listings for path completion. */
  files: { exists(p: string): boolean; listDirectory(folder: string): { name: string; directory: boolean }[] };
  /** Reads small files outside the store (pip's config files). */
  readConfigFile: (p: string) => string | undefined;
  /** Whether the disk's copy differs from the editor's (the tools read the disk). */
  isDirtyOnDisk: (p: string, text: string) => boolean;
}

export function register(connection: Connection, adapters: ServerAdapters): void {
  const { workspace, env } = adapters;
  const documents = new TextDocuments(TextDocument);
  let settings: Settings = DEFAULT_SETTINGS;
  let capabilities: ClientCapabilities = {};
  let pullDiagnostics = false;
  let workspaceRoots: string[] = [];
  // `requirements/status` goes only to clients that ask for it (our VS Code extension does).
  let statusNotifications = false;
  const status: { index: 'idle' | 'loading' | 'ready' | 'offline'; environment?: string } = { index: 'idle' };
  const sendStatus = (change: Partial<typeof status>) => {
    Object.assign(status, change);
    if (statusNotifications) void connection.sendNotification('requirements/status', { ...status });
  };
  const log = createLogger(connection, () => settings.logLevel);
  const guard = createGuard(log);

  const environments = createEnvironmentService({ env, logger: { info: (m) => log('info', m), warn: (m) => log('warn', m) } });
  const resolveEnvironment = (filePath: string) => (path.isAbsolute(filePath) ? environments.resolve(filePath, workspaceRoots) : undefined);
  const venvRootOf = (filePath: string) => (settings.diagnostics.environment ? resolveEnvironment(filePath)?.found.root : undefined);

  const index = createIndexAdapter({
    cacheDir: () => settings.cacheDir ?? defaultCacheDir(env),
    settings: () => settings,
    env,
    readFile: adapters.readConfigFile,
    logger: { info: (m) => log('info', m), warn: (m) => log('warn', m), error: (m) => log('error', m) },
    onDidChange: () => factsArrived(),
    onOffline: (message) => {
      sendStatus({ index: 'offline' });
      showMessage(connection, MessageType.Warning, message);
    },
    progress: () => progressReporter(),
    status: (state) => (state === 'loading' ? sendStatus({ index: 'loading' }) : status.index === 'loading' && sendStatus({ index: 'ready' })),
  });
  const viewOf = (ctx: FileContext): IndexView | undefined => index.view(ctx.indexOptions, venvRootOf(ctx.path));
  const waiter = createFactsWaiter({ budgetMs: () => settings.index.waitMs, loaded: index.loaded });

  /** The advisories of a file's releases from the source its settings and index name (the index pip would use). */
  const vulnerabilitiesOf = (filePath: string) => {
    const options = settings.vulnerabilities;
    const ctx = options.source === 'off' ? undefined : workspace.contextOf(filePath);
    const target = ctx && vulnerabilityTarget(options, index.config(ctx.indexOptions, venvRootOf(filePath)));
    // Through the waiter, as index facts: a hover or a menu awaits advisories on their way.
    const advisories = target ? waiter.recordAdvisories(index.vulnerabilities(), target) : undefined;
    return advisories && { advisories, ignore: options.ignore, severity: toSeverity(options.severity) };
  };

  const service = createLanguageService({
    index: (ctx) => waiter.record(viewOf(ctx)),
    vulnerabilities: vulnerabilitiesOf,
    listDirectory: adapters.files.listDirectory,
    exists: adapters.files.exists,
    // Where pip runs is unknown in the editor: the workspace folder holding the file, or the file's folder.
    pipRunsFrom: (filePath) => ({ folders: [...workspaceRoots.filter((r) => filePath.startsWith(r + path.sep)), path.dirname(filePath)], known: false }),
    deriveBounds: () => settings.derive.bounds,
    createFiles: () => !!capabilities.workspace?.workspaceEdit?.documentChanges && !!capabilities.workspace.workspaceEdit.resourceOperations?.includes('create'),
    environment: (filePath) => (settings.diagnostics.environment && path.isAbsolute(filePath) ? (resolveEnvironment(filePath)?.facts ?? null) : undefined),
    environmentSummary: (filePath) => (settings.diagnostics.environment ? environmentSummary(filePath) : undefined),
    outdated: () => ({ diagnostics: settings.diagnostics.outdated, inlayHints: settings.inlayHints.outdated }),
  });
  const environmentSummary = (filePath: string) => {
    if (!path.isAbsolute(filePath)) return undefined;
    const resolved = resolveEnvironment(filePath);
    if (!resolved) return 'Environment: none found (set `requirements.venvPath`, activate one, or create `.venv`).';
    return `Environment: \`${resolved.found.root}\` — ${describeEnvironment(resolved.snapshot)}, found by ${resolved.found.source}, ${resolved.snapshot.distributions.size} distributions.`;
  };

  /** LSP work-done progress for a project-list fetch, where the client supports server-initiated progress. */
  const progressReporter = () => {
    if (!capabilities.window?.workDoneProgress) return undefined;
    let reporter: Promise<{ begin(title: string): void; done(): void }> | undefined;
    return {
      begin(title: string) {
        reporter = connection.window.createWorkDoneProgress().then((r) => {
          r.begin(title);
          return r;
        });
        reporter.catch(() => undefined);
      },
      end(message: string) {
        log('info', message);
        void reporter?.then((r) => r.done()).catch(() => undefined);
      },
    };
  };

  const contextOf = (uri: string) => (documents.get(uri) ? workspace.contextOf(uriToPath(uri), uri) : undefined);
  // What `${NAME}` expands to in requirement lines: the server's environment, then the requirements.env setting.
  let fileEnv: Record<string, string | undefined> = { ...env };
  const applyEnvSetting = () => {
    const next = { ...env, ...settings.env };
    if (Object.keys(next).length === Object.keys(fileEnv).length && Object.entries(next).every(([k, v]) => fileEnv[k] === v)) return;
    fileEnv = next;
    workspace.setEnv(next); // lines with ${NAME} read differently now: the store parses again
  };
  /** What the last failed compile said about source lines; shown with the file's own diagnostics until it is edited. */
  const compileProblems: ProblemStore = new Map();

  const diagnose = (ctx: FileContext) => {
    if (!settings.diagnostics.enable) return [];
    if (statusNotifications && settings.diagnostics.environment && path.isAbsolute(ctx.path)) {
      const found = resolveEnvironment(ctx.path);
      const label = found ? describeEnvironment(found.snapshot) : 'no environment';
      if (label !== status.environment) sendStatus({ environment: label });
    }
    return [...service.diagnostics(ctx), ...(compileProblems.get(ctx.path) ?? [])];
  };

  // Push: bursts of changes coalesce into one computation per document on the next turn of the event loop.
  const pending = new Set<string>();
  let scheduled = false;
  const schedulePush = (uri: string) => {
    if (pullDiagnostics) return;
    pending.add(uri);
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      const uris = [...pending];
      pending.clear();
      for (const u of uris) {
        const ctx = contextOf(u);
        if (!ctx) continue;
        const diagnostics = guard.sync('diagnostics', [], () => diagnose(ctx));
        void connection.sendDiagnostics({ uri: u, version: documents.get(u)?.version, diagnostics });
      }
    });
  };
  const refreshDiagnostics = () => {
    if (pullDiagnostics) {
      if (capabilities.workspace?.diagnostics?.refreshSupport) void connection.languages.diagnostics.refresh();
    } else for (const d of documents.all()) schedulePush(d.uri);
  };
  /** New index facts: diagnostics again, and the pulled features refreshed where the client can be asked. */
  const factsArrived = () => {
    refreshDiagnostics();
    const ws = capabilities.workspace;
    if (ws?.inlayHint?.refreshSupport) void connection.languages.inlayHint.refresh();
    if (ws?.semanticTokens?.refreshSupport) void connection.languages.semanticTokens.refresh();
    if (ws?.codeLens?.refreshSupport) void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  };
  const refreshDependents = (changedPath: string) => {
    const dependents = workspace.dependentsOf(changedPath);
    if (!dependents.length) return;
    if (pullDiagnostics) return void (capabilities.workspace?.diagnostics?.refreshSupport && connection.languages.diagnostics.refresh());
    for (const d of documents.all()) if (dependents.includes(uriToPath(d.uri))) schedulePush(d.uri);
  };
  workspace.store.onDidChange(refreshDependents);
  environments.onDidChange(refreshDiagnostics);

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    capabilities = params?.capabilities ?? {};
    pullDiagnostics = !!capabilities.textDocument?.diagnostic;
    settings = readSettings(params?.initializationOptions, DEFAULT_SETTINGS);
    statusNotifications = (params?.initializationOptions as { statusNotifications?: unknown } | null | undefined)?.statusNotifications === true;
    environments.setSetting(settings.venvPath);
    workspaceRoots = [...(params?.workspaceFolders ?? []).map((f) => uriToPath(f.uri)), ...(params?.rootUri ? [uriToPath(params.rootUri)] : [])].filter((p) => path.isAbsolute(p));
    applyEnvSetting();
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        documentSymbolProvider: true,
        documentLinkProvider: { resolveProvider: false },
        foldingRangeProvider: true,
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        inlayHintProvider: true,
        executeCommandProvider: { commands: Object.values(COMMANDS) },
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite, CodeActionKind.Source, SOURCE_SORT, SOURCE_NORMALIZE, SOURCE_PIN_ALL, SOURCE_UPGRADE_ALL, SOURCE_ADD_HASHES, SOURCE_COMPILE, SOURCE_INSTALL, SOURCE_FIX_VULNERABILITIES, SOURCE_DERIVE_IN], resolveProvider: true },
        completionProvider: { triggerCharacters: ['=', '>', '<', '~', '!', '[', ',', '-', ';', ' ', '/', '"', "'"], resolveProvider: true },
        semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true, range: true },
        ...(pullDiagnostics ? { diagnosticProvider: { identifier: 'requirements', interFileDependencies: true, workspaceDiagnostics: false } } : {}),
      },
      serverInfo: { name: SERVER_NAME, version: SERVER_VERSION },
    };
  });

  const applySettings = (next: Settings) => {
    settings = next;
    environments.setSetting(settings.venvPath);
    applyEnvSetting();
  };
  const loadConfiguration = async () => {
    if (!capabilities.workspace?.configuration) return;
    try {
      const [raw] = await connection.workspace.getConfiguration([{ section: 'requirements' }]);
      applySettings(readSettings(raw, settings));
    } catch (error) {
      log('warn', `Could not read the 'requirements' settings: ${String(error)}`);
    }
  };
  connection.onInitialized(async () => {
    // Included files that are not open change on disk too; the client watches better than we can.
    if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{txt,in}' }, { globPattern: '**/pyproject.toml' }] }).catch(() => undefined);
    }
    if (capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'requirements' }).catch(() => undefined);
    }
    await loadConfiguration();
    // The index module loads now, after `initialize` has been answered, so the first request's budget is the fetch's.
    setImmediate(() => void index.loaded());
    log('info', `${SERVER_NAME} ${SERVER_VERSION} ready (${pullDiagnostics ? 'pull' : 'push'} diagnostics)`);
  });
  connection.onDidChangeConfiguration(async (change) => {
    const raw = (change?.settings as Record<string, unknown> | null | undefined)?.requirements;
    if (raw !== undefined) applySettings(readSettings(raw, settings));
    else await loadConfiguration();
    refreshDiagnostics();
  });

  // The editor's copy of a file is the store's copy while it is open.
  documents.onDidChangeContent((e) => {
    const filePath = uriToPath(e.document.uri);
    workspace.store.setOpen(filePath, e.document.version, e.document.getText());
    compileProblems.delete(filePath);
    schedulePush(e.document.uri);
    refreshDependents(filePath);
  });
  documents.onDidClose((e) => {
    const filePath = uriToPath(e.document.uri);
    workspace.store.close(filePath);
    workspace.forget(filePath);
    if (!pullDiagnostics) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    refreshDependents(filePath);
  });
  connection.onDidChangeWatchedFiles((e) => {
    for (const change of e.changes) workspace.store.invalidate(uriToPath(change.uri));
  });

  connection.languages.diagnostics.on((p, token) =>
    guard.run('diagnostics', { kind: DocumentDiagnosticReportKind.Full, items: [] }, token, () => {
      const ctx = contextOf(p.textDocument.uri);
      return { kind: DocumentDiagnosticReportKind.Full, items: ctx ? diagnose(ctx) : [] };
    }) as never, // a RequestCancelled error is a valid answer; the typings expect other error data
  );

  /** A handler over the file's context: guarded, and answered from facts at hand (no wait). */
  const at = <T>(name: string, uri: string, fallback: T, token: Parameters<typeof guard.run>[2], work: (ctx: FileContext) => T) =>
    guard.run(name, fallback, token, () => {
      const ctx = contextOf(uri);
      return ctx ? work(ctx) : fallback;
    });
  /** Like `at`, for answers that depend on index facts on their way: awaits them within the budget, then answers. */
  const awaiting = <T>(name: string, uri: string, fallback: T, token: Parameters<typeof guard.run>[2], work: (ctx: FileContext) => T) =>
    guard.run(name, fallback, token, async () => {
      const result = await waiter.answer(token, () => {
        const ctx = contextOf(uri);
        return ctx ? work(ctx) : fallback;
      });
      return result.value;
    });

  connection.onDocumentSymbol((p, token) => at('documentSymbol', p.textDocument.uri, [], token, (ctx) => service.documentSymbols(ctx.document)));
  connection.onDocumentLinks((p, token) => at('documentLink', p.textDocument.uri, [], token, (ctx) => service.documentLinks(ctx)));
  connection.onFoldingRanges((p, token) => at('foldingRange', p.textDocument.uri, [], token, (ctx) => service.foldingRanges(ctx.document)));
  connection.onDefinition((p, token) => at('definition', p.textDocument.uri, [], token, (ctx) => service.definition(ctx, p.position)));
  connection.onReferences((p, token) => at('references', p.textDocument.uri, [], token, (ctx) => service.references(ctx, p.position, p.context?.includeDeclaration ?? true)));
  connection.languages.inlayHint.on((p, token) => at('inlayHint', p.textDocument.uri, [], token, (ctx) => service.inlayHints(ctx, p.range)));
  connection.languages.semanticTokens.on((p, token) => at('semanticTokens', p.textDocument.uri, { data: [] }, token, (ctx) => service.semanticTokens(ctx.document)));
  connection.languages.semanticTokens.onRange((p, token) => at('semanticTokens/range', p.textDocument.uri, { data: [] }, token, (ctx) => service.semanticTokens(ctx.document, p.range)));
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
  connection.onHover((p, token) => awaiting('hover', p.textDocument.uri, null, token, (ctx) => service.hover(ctx, p.position)));
  connection.onCodeAction((p, token) => awaiting('codeAction', p.textDocument.uri, [], token, (ctx) => service.codeActions(ctx, p.context ?? { diagnostics: [] }, p.range)));
  connection.onCodeActionResolve((action, token) => {
    const uri = (action.data as { uri?: string } | undefined)?.uri;
    return uri ? awaiting('codeAction/resolve', uri, action, token, (ctx) => service.resolveCodeAction(action, ctx)) : action;
  });
  connection.onCodeLens((p, token) => awaiting('codeLens', p.textDocument.uri, [], token, (ctx) => service.codeLenses(ctx)));

  // The view the last prefetch used: the hashes of a compile with --generate-hashes come from the index its .in names.
  let prefetchView: IndexView | undefined;
  const commandHost: CommandHost = {
    connection,
    settings: () => settings,
    supportsProgress: () => !!capabilities.window?.workDoneProgress,
    uriToPath,
    venvRoot: (filePath) => resolveEnvironment(filePath)?.found.root,
    // Only what lives in the environment itself: a base interpreter's packages (include-system-site-packages) are not sync's to remove.
    installed: (filePath) => {
      const found = resolveEnvironment(filePath);
      if (!found) return [];
      const inside = (p: string) => p.startsWith(found.found.root + path.sep);
      return [...found.snapshot.distributions.values()].filter((d) => inside(d.location)).map((d) => d.normalized);
    },
    indexArgs: (filePath) => {
      const ctx = workspace.contextOf(filePath);
      const config = index.config(ctx?.indexOptions ?? { extraIndexUrls: [], noIndex: false }, resolveEnvironment(filePath)?.found.root);
      return [...(config.source === 'the client settings' ? ['--index-url', config.indexUrl] : []), ...settings.extraIndexUrls.flatMap((u) => ['--extra-index-url', u])];
    },
    knownHashes: (name, version) => prefetchView?.peek?.(name)?.versions.find((v) => v.version === version)?.hashes ?? [],
    // The index the .in itself names (as pip would use it), so that no other index's files are hashed;
    // bounded, since an unreachable index must not hold the command.
    prefetch: async (names, source) => {
      const ctx = workspace.contextOf(source);
      if (!ctx || !(await index.loaded())) return;
      const view = viewOf(ctx);
      if (!view) return;
      prefetchView = view;
      const all = Promise.all(names.map((n) => view.ensureProject(n).catch(() => undefined)));
      await Promise.race([all, new Promise((r) => setTimeout(r, 15_000).unref())]);
    },
    // Commands are explicit actions: they read what the disk holds now (an open file: the editor's text).
    readFile: (filePath) => {
      workspace.store.reload(filePath);
      return workspace.store.text(filePath);
    },
    isDirty: (filePath) => {
      const open = documents.get(documents.keys().find((u) => uriToPath(u) === filePath) ?? '');
      return open ? adapters.isDirtyOnDisk(filePath, open.getText()) : false;
    },
    log,
    changed: (paths) => {
      for (const p of paths) {
        workspace.store.reload(p);
        refreshDependents(p);
      }
      for (const d of documents.all()) if (paths.includes(uriToPath(d.uri))) schedulePush(d.uri);
      if (pullDiagnostics && capabilities.workspace?.diagnostics?.refreshSupport) void connection.languages.diagnostics.refresh();
    },
  };
  const freezeHost: FreezeHost = {
    ...commandHost,
    parse: (text) => parse(text, { env: fileEnv }),
    frozen: (filePath, doc) => service.frozen(workspace.contextWith(filePath, doc), true),
    snapshot: (filePath) => resolveEnvironment(filePath)?.snapshot,
    canApplyEdit: () => !!capabilities.workspace?.applyEdit,
  };
  registerCommands(commandHost, compileProblems, freezeCommands(freezeHost));

  connection.onShutdown(async () => {
    environments.dispose();
    await index.dispose();
  });
  documents.listen(connection);
}
