// LSP wiring: capabilities, handlers guarded by runSafe, one parse per document version, diagnostics pushed or pulled.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CancellationToken,
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  LSPErrorCodes,
  MessageType,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  type ClientCapabilities,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createEnvironmentService, describeEnvironment } from './environment/index.js';
import { createLanguageService, SOURCE_ADD_HASHES, SOURCE_COMPILE, SOURCE_FIX_VULNERABILITIES, SOURCE_INSTALL, SOURCE_NORMALIZE, SOURCE_PIN_ALL, SOURCE_SORT, SOURCE_UPGRADE_ALL } from './service/index.js';
import { toSeverity } from './service/convert.js';
import type { VulnerabilityClient } from './index/vulnerabilities.js';
import { vulnerabilityTarget } from './index/vulnerabilityTarget.js';
import { SEMANTIC_TOKENS_LEGEND } from './service/semanticTokens.js';
import { DEFAULT_SETTINGS, readSettings, type Settings } from './settings.js';
import type { ParsedDocument } from './syntax/types.js';
import type { PackageIndex } from './index/packageIndex.js';
import { resolveIndexConfig } from './index/pipConfig.js';
import { defaultCacheDir } from './index/diskCache.js';
import { indexOptionsOf } from './workspace/indexOptions.js';
import type { IncludeGraph } from './workspace/includes.js';
import { COMMANDS, registerCommands, showMessage, type ProblemStore } from './commands.js';

export const SERVER_NAME = 'requirements-language-server';
export const SERVER_VERSION = '0.1.0';

type Level = 'error' | 'warn' | 'info' | 'debug';
const LEVELS: Record<Settings['logLevel'], number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 };

export function uriToPath(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      return uri;
    }
  }
  return uri;
}

export function register(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  let settings: Settings = DEFAULT_SETTINGS;
  let capabilities: ClientCapabilities = {};
  // `requirements/status` notifications go only to clients that ask for them (our VS Code extension does):
  // other clients get nothing they did not ask for.
  let statusNotifications = false;
  const status: { index: 'idle' | 'loading' | 'ready' | 'offline'; environment?: string } = { index: 'idle' };
  const sendStatus = (change: Partial<typeof status>) => {
    Object.assign(status, change);
    if (statusNotifications) void connection.sendNotification('requirements/status', { ...status });
  };
  let pullDiagnostics = false;

  const log = (level: Level, message: string) => {
    if (LEVELS[settings.logLevel] < LEVELS[level]) return;
    const line = `[${level}] ${message}`;
    if (level === 'error') connection.console.error(line);
    else if (level === 'warn') connection.console.warn(line);
    else connection.console.log(line); // connection.console sends window/logMessage; nothing goes to stdout
  };

  // Files that are not open are read from disk, cached by modification time.
  const diskCache = new Map<string, { mtimeMs: number; text: string }>();
  const openByPath = new Map<string, TextDocument>();
  const readFile = (filePath: string): string | undefined => {
    const open = openByPath.get(filePath);
    if (open) return open.getText();
    try {
      const stat = fs.statSync(filePath, { throwIfNoEntry: false });
      if (!stat?.isFile()) return undefined;
      const cached = diskCache.get(filePath);
      if (cached && cached.mtimeMs === stat.mtimeMs) return cached.text;
      if (stat.size > 20 * 1024 * 1024) return undefined;
      const text = fs.readFileSync(filePath, 'utf8');
      diskCache.set(filePath, { mtimeMs: stat.mtimeMs, text });
      return text;
    } catch {
      return undefined;
    }
  };
  const listDirectory = (folder: string) => {
    try {
      return fs
        .readdirSync(folder, { withFileTypes: true })
        .slice(0, 1000)
        .map((e) => ({ name: e.name, directory: e.isDirectory() }));
    } catch {
      return [];
    }
  };
  const exists = (p: string) => fs.existsSync(p);
  let workspaceRoots: string[] = [];
  const environments = createEnvironmentService({
    env: process.env,
    logger: { info: (m) => log('info', m), warn: (m) => log('warn', m) },
  });
  const environmentOf = (filePath: string) => {
    if (!settings.diagnostics.environment || !path.isAbsolute(filePath)) return undefined;
    return environments.resolve(filePath, workspaceRoots)?.facts ?? null;
  };
  const environmentSummary = (filePath: string) => {
    if (!path.isAbsolute(filePath)) return undefined;
    const resolved = environments.resolve(filePath, workspaceRoots);
    if (!resolved) return 'Environment: none found (set `requirements.venvPath`, activate one, or create `.venv`).';
    return `Environment: \`${resolved.found.root}\` — ${describeEnvironment(resolved.snapshot)}, found by ${resolved.found.source}, ${resolved.snapshot.distributions.size} distributions.`;
  };
  // The package index: created on first use, so that settings (cacheDir) from initialize apply.
  let packageIndex: PackageIndex | undefined;
  let indexLoad: Promise<PackageIndex | undefined> | undefined;
  // Index facts are offered to features only once the index knows which index to ask (file options, PIP_*,
  // pip.conf, settings); before that it would default to PyPI for a hover or an inlay hint.
  let indexConfigured = false;
  /**
   * The index module (undici, the popularity table) is loaded on first use, not at start-up, so that
   * `initialize` answers fast; until it is there, features work without index facts.
   */
  const loadIndex = (): Promise<PackageIndex | undefined> =>
    (indexLoad ??= import('./index/packageIndex.js').then(
      ({ createPackageIndex, createVulnerabilityClient }) => {
        packageIndex = makeIndex(createPackageIndex);
        vulnerabilityClient = makeVulnerabilityClient(createVulnerabilityClient);
        recheckAll();
        return packageIndex;
      },
      (error: unknown) => {
        // A broken install (packageIndex.cjs missing): everything but the index keeps working.
        log('error', `The package index module could not be loaded; completion and checks go on without the index: ${String(error)}`);
        return undefined;
      },
    ));
  const indexOf = (): PackageIndex | undefined => {
    if (!packageIndex) void loadIndex();
    return packageIndex;
  };
  const makeIndex = (createPackageIndex: typeof import('./index/packageIndex.js').createPackageIndex): PackageIndex => {
    {
      const created = createPackageIndex({
        cacheDir: settings.cacheDir ?? defaultCacheDir(process.env),
        logger: { info: (m) => log('info', m), warn: (m) => log('warn', m) },
        env: process.env,
      });
      created.onDidChange(() => {
        recheckAll();
        if (capabilities.workspace?.inlayHint?.refreshSupport) void connection.languages.inlayHint.refresh();
      });
      created.onOffline((message) => {
        sendStatus({ index: 'offline' });
        showMessage(connection, MessageType.Warning, message);
      });
      return created;
    }
  };
  // Known vulnerabilities: the same lazy bundle as the index; advisories arriving re-check the open files.
  let vulnerabilityClient: VulnerabilityClient | undefined;
  const makeVulnerabilityClient = (create: typeof import('./index/packageIndex.js').createVulnerabilityClient): VulnerabilityClient => {
    const created = create({ cacheDir: settings.cacheDir ?? defaultCacheDir(process.env), logger: { info: (m) => log('info', m), warn: (m) => log('warn', m) }, env: process.env });
    created.onDidChange(() => recheckAll());
    created.onOffline((message) => showMessage(connection, MessageType.Warning, message));
    return created;
  };
  /** The advisories of a file's releases from the source its settings and index name (the index pip would use). */
  const vulnerabilitiesOf = (filePath: string, doc: ParsedDocument) => {
    const options = settings.vulnerabilities;
    if (options.source === 'off' || !indexConfigured || !vulnerabilityClient) return undefined;
    const client = vulnerabilityClient;
    const venvRoot = settings.diagnostics.environment && path.isAbsolute(filePath) ? environments.resolve(filePath, workspaceRoots)?.found.root : undefined;
    const target = vulnerabilityTarget(options, indexConfigFor(filePath, doc, venvRoot));
    if (!target) return undefined;
    return { advisories: (name: string, version: string) => client.advisories(name, version, target), ignore: options.ignore, severity: toSeverity(options.severity) };
  };
  /** The index pip would use for this file: its options and includes, PIP_*, pip.conf (the venv's too), then our settings. */
  // pip's config files are read again at most every few seconds, not on every keystroke.
  let configMemo: { key: string; at: number; config: ReturnType<typeof resolveIndexConfig> } | undefined;
  const indexConfigFor = (filePath: string, doc: ParsedDocument, venvRoot: string | undefined, graph?: IncludeGraph) => {
    const file = indexOptionsOf(doc, graph ?? service.includeGraph(filePath, doc), filePath);
    const key = JSON.stringify([file, venvRoot, settings.indexUrl, settings.extraIndexUrls]);
    if (!configMemo || configMemo.key !== key || Date.now() - configMemo.at > 5000) {
      configMemo = {
        key,
        at: Date.now(),
        config: resolveIndexConfig({ file, env: process.env, readFile, venvRoot, settings: { indexUrl: settings.indexUrl, extraIndexUrls: settings.extraIndexUrls } }),
      };
    }
    return configMemo.config;
  };
  /** Points the index at what this file says, as pip would. */
  const configureIndex = (filePath: string, doc: ParsedDocument, graph?: IncludeGraph) => {
    const venvRoot = settings.diagnostics.environment && path.isAbsolute(filePath) ? environments.resolve(filePath, workspaceRoots)?.found.root : undefined;
    const index = indexOf();
    if (!index) return;
    index.configure(indexConfigFor(filePath, doc, venvRoot, graph));
    indexConfigured = true;
    if (!projectListRequested) {
      projectListRequested = true;
      sendStatus({ index: 'loading' });
      void index
        .loadProjectList(progressReporter())
        .then(() => status.index === 'loading' && sendStatus({ index: 'ready' }))
        .catch((e) => log('warn', `Project list: ${String(e)}`));
    }
  };
  let projectListRequested = false;
  /** LSP work-done progress for the project-list fetch, where the client supports server-initiated progress. */
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
  const service = createLanguageService({
    readFile,
    index: () => (indexConfigured ? packageIndex : undefined),
    env: process.env,
    listDirectory,
    exists,
    environment: environmentOf,
    environmentSummary: (f) => (settings.diagnostics.environment ? environmentSummary(f) : undefined),
    outdated: () => ({ diagnostics: settings.diagnostics.outdated, inlayHints: settings.inlayHints.outdated }),
    vulnerabilities: vulnerabilitiesOf,
  });
  const recheckAll = () => {
    if (pullDiagnostics) {
      if (capabilities.workspace?.diagnostics?.refreshSupport) void connection.languages.diagnostics.refresh();
    } else for (const d of documents.all()) schedulePush(d.uri);
  };
  environments.onDidChange(() => recheckAll());

  const parsed = new Map<string, { version: number; doc: ParsedDocument }>();
  const parsedOf = (document: TextDocument): ParsedDocument => {
    const hit = parsed.get(document.uri);
    if (hit && hit.version === document.version) return hit.doc;
    const doc = service.parse(document.getText());
    parsed.set(document.uri, { version: document.version, doc });
    return doc;
  };
  /** What the last failed compile said about source lines; shown with the file's own diagnostics until it is edited. */
  const compileProblems: ProblemStore = new Map();
  /** Which files each open document's diagnostics read, so a change to one re-checks its includers. */
  const dependencies = new Map<string, Set<string>>();

  function runSafe<T>(name: string, fallback: T, token: CancellationToken | undefined, work: () => T): T | ResponseError<void> {
    if (token?.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'Request cancelled');
    try {
      return work();
    } catch (error) {
      log('error', `${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fallback;
    }
  }

  const diagnose = (document: TextDocument) => {
    if (!settings.diagnostics.enable) return [];
    const filePath = uriToPath(document.uri);
    const doc = parsedOf(document);
    const graph = service.includeGraph(filePath, doc);
    if (statusNotifications && settings.diagnostics.environment && path.isAbsolute(filePath)) {
      const env = environments.resolve(filePath, workspaceRoots);
      const label = env ? describeEnvironment(env.snapshot) : 'no environment';
      if (label !== status.environment) sendStatus({ environment: label });
    }
    dependencies.set(document.uri, new Set(graph.files.map((f) => f.path).concat(graph.edges.map((e) => e.target ?? ''))));
    configureIndex(filePath, doc, graph);
    const fromCompile = compileProblems.get(filePath) ?? [];
    return [...service.diagnostics(filePath, doc, graph), ...fromCompile];
  };

  // Push: coalesce bursts of changes into one computation per document on the next turn of the event loop.
  const pending = new Set<string>();
  let scheduled = false;
  const schedulePush = (uri: string) => {
    if (pullDiagnostics) return;
    pending.add(uri);
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      for (const u of pending) {
        const document = documents.get(u);
        if (!document) continue;
        const diagnostics = runSafe('diagnostics', [], undefined, () => diagnose(document));
        if (Array.isArray(diagnostics)) void connection.sendDiagnostics({ uri: u, version: document.version, diagnostics });
      }
      pending.clear();
    });
  };
  const refreshDependents = (changedPath: string) => {
    for (const [uri, deps] of dependencies) {
      if (!deps.has(changedPath)) continue;
      if (pullDiagnostics) {
        if (capabilities.workspace?.diagnostics?.refreshSupport) void connection.languages.diagnostics.refresh();
        return;
      }
      schedulePush(uri);
    }
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    capabilities = params?.capabilities ?? {};
    pullDiagnostics = !!capabilities.textDocument?.diagnostic;
    settings = readSettings(params?.initializationOptions, DEFAULT_SETTINGS);
    statusNotifications = (params?.initializationOptions as { statusNotifications?: unknown } | null | undefined)?.statusNotifications === true;
    environments.setSetting(settings.venvPath);
    workspaceRoots = [
      ...(params?.workspaceFolders ?? []).map((f) => uriToPath(f.uri)),
      ...(params?.rootUri ? [uriToPath(params.rootUri)] : []),
    ].filter((p) => path.isAbsolute(p));
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
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite, CodeActionKind.Source, SOURCE_SORT, SOURCE_NORMALIZE, SOURCE_PIN_ALL, SOURCE_UPGRADE_ALL, SOURCE_ADD_HASHES, SOURCE_COMPILE, SOURCE_INSTALL, SOURCE_FIX_VULNERABILITIES], resolveProvider: true },
        completionProvider: { triggerCharacters: ['=', '>', '<', '~', '!', '[', ',', '-', ';', ' ', '/', '"', "'"], resolveProvider: true },
        semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true, range: true },
        ...(pullDiagnostics ? { diagnosticProvider: { identifier: 'requirements', interFileDependencies: true, workspaceDiagnostics: false } } : {}),
      },
      serverInfo: { name: SERVER_NAME, version: SERVER_VERSION },
    };
  });

  const loadConfiguration = async () => {
    if (!capabilities.workspace?.configuration) return;
    try {
      const [raw] = await connection.workspace.getConfiguration([{ section: 'requirements' }]);
      settings = readSettings(raw, settings);
      environments.setSetting(settings.venvPath);
    } catch (error) {
      log('warn', `Could not read the 'requirements' settings: ${String(error)}`);
    }
  };

  connection.onInitialized(async () => {
    // Included files that are not open change on disk too; ask the client to tell us (it watches better than we can).
    if (capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{txt,in}' }] })
        .catch(() => undefined);
    }
    if (capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'requirements' }).catch(() => undefined);
    }
    await loadConfiguration();
    log('info', `${SERVER_NAME} ${SERVER_VERSION} ready (${pullDiagnostics ? 'pull' : 'push'} diagnostics)`);
  });

  connection.onDidChangeConfiguration(async (change) => {
    const raw = (change?.settings as Record<string, unknown> | null | undefined)?.requirements;
    if (raw !== undefined) {
      settings = readSettings(raw, settings);
      environments.setSetting(settings.venvPath);
    } else await loadConfiguration();
    recheckAll();
  });

  documents.onDidOpen((e) => {
    openByPath.set(uriToPath(e.document.uri), e.document);
  });
  documents.onDidChangeContent((e) => {
    const filePath = uriToPath(e.document.uri);
    openByPath.set(filePath, e.document);
    compileProblems.delete(filePath);
    schedulePush(e.document.uri);
    refreshDependents(filePath);
  });
  documents.onDidClose((e) => {
    const filePath = uriToPath(e.document.uri);
    openByPath.delete(filePath);
    parsed.delete(e.document.uri);
    dependencies.delete(e.document.uri);
    if (!pullDiagnostics) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    refreshDependents(filePath);
  });

  connection.onDidChangeWatchedFiles((e) => {
    for (const change of e.changes) {
      const filePath = uriToPath(change.uri);
      diskCache.delete(filePath);
      refreshDependents(filePath);
    }
  });

  connection.languages.diagnostics.on((params, token) => {
    const document = documents.get(params.textDocument.uri);
    const items = document ? runSafe('diagnostics', [], token, () => diagnose(document)) : [];
    if (items instanceof ResponseError) return items as never;
    return { kind: DocumentDiagnosticReportKind.Full, items };
  });

  const withDocument = <T>(name: string, uri: string, fallback: T, token: CancellationToken | undefined, work: (doc: ParsedDocument, document: TextDocument) => T) => {
    const document = documents.get(uri);
    if (!document) return fallback;
    return runSafe(name, fallback, token, () => work(parsedOf(document), document));
  };

  connection.onDocumentSymbol((p, token) => withDocument('documentSymbol', p.textDocument.uri, [], token, (doc) => service.documentSymbols(doc)));
  connection.onDocumentLinks((p, token) => withDocument('documentLink', p.textDocument.uri, [], token, (doc, d) => service.documentLinks(uriToPath(d.uri), doc)));
  connection.onFoldingRanges((p, token) => withDocument('foldingRange', p.textDocument.uri, [], token, (doc) => service.foldingRanges(doc)));
  connection.onCompletion((p, token) =>
    withDocument('completion', p.textDocument.uri, { isIncomplete: false, items: [] }, token, (doc, d) => {
      configureIndex(uriToPath(d.uri), doc);
      return service.complete(uriToPath(d.uri), doc, p.position);
    }),
  );
  connection.onCompletionResolve((item, token) => {
    const resolved = runSafe('completionItem/resolve', item, token, () => service.resolveCompletion(item));
    return resolved;
  });
  connection.onDefinition((p, token) => withDocument('definition', p.textDocument.uri, [], token, (doc, d) => service.definition(uriToPath(d.uri), doc, p.position)));
  connection.onReferences((p, token) =>
    withDocument('references', p.textDocument.uri, [], token, (doc, d) => service.references(uriToPath(d.uri), doc, p.position, p.context?.includeDeclaration ?? true)),
  );
  connection.languages.inlayHint.on((p, token) => withDocument('inlayHint', p.textDocument.uri, [], token, (doc, d) => service.inlayHints(uriToPath(d.uri), doc, p.range)));
  connection.onCodeAction((p, token) => withDocument('codeAction', p.textDocument.uri, [], token, (doc) => service.codeActions(p.textDocument.uri, doc, p.context ?? { diagnostics: [] }, p.range)));
  connection.onCodeActionResolve((action, token) => {
    const uri = (action.data as { uri?: string } | undefined)?.uri;
    return uri ? withDocument('codeAction/resolve', uri, action, token, (doc) => service.resolveCodeAction(action, doc)) : action;
  });
  connection.onCodeLens((p, token) => withDocument('codeLens', p.textDocument.uri, [], token, (doc) => service.codeLenses(p.textDocument.uri, doc)));
  connection.onHover((p, token) => withDocument('hover', p.textDocument.uri, null, token, (doc, d) => service.hover(uriToPath(d.uri), doc, p.position)));
  connection.languages.semanticTokens.on((p, token) => withDocument('semanticTokens', p.textDocument.uri, { data: [] }, token, (doc) => service.semanticTokens(doc)));
  connection.languages.semanticTokens.onRange((p, token) =>
    withDocument('semanticTokens/range', p.textDocument.uri, { data: [] }, token, (doc) => service.semanticTokens(doc, p.range)),
  );

  registerCommands(
    {
      connection,
      settings: () => settings,
      supportsProgress: () => !!capabilities.window?.workDoneProgress,
      uriToPath,
      venvRoot: (filePath) => environments.resolve(filePath, workspaceRoots)?.found.root,
      // Only what lives in the environment itself: a base interpreter's packages (include-system-site-packages) are not sync's to remove.
      installed: (filePath) => {
        const env = environments.resolve(filePath, workspaceRoots);
        if (!env) return [];
        const inside = (p: string) => p.startsWith(env.found.root + path.sep);
        return [...env.snapshot.distributions.values()].filter((d) => inside(d.location)).map((d) => d.normalized);
      },
      indexArgs: (filePath) => {
        const config = indexConfigFor(filePath, service.parse(readFile(filePath) ?? ''), environments.resolve(filePath, workspaceRoots)?.found.root);
        return [...(config.source === 'the client settings' ? ['--index-url', config.indexUrl] : []), ...settings.extraIndexUrls.flatMap((u) => ['--extra-index-url', u])];
      },
      knownHashes: (name, version) => (indexConfigured ? (packageIndex?.peek?.(name)?.versions.find((v) => v.version === version)?.hashes ?? []) : []),
      // The index the .in itself names (as pip would use it), so that no other index's files are hashed;
      // bounded, since an unreachable index must not hold the command.
      prefetch: async (names, source) => {
        const text = readFile(source);
        if (text === undefined) return;
        const index = await loadIndex();
        if (!index) return;
        configureIndex(source, service.parse(text));
        const all = Promise.all(names.map((n) => index.ensureProject(n).catch(() => undefined)));
        await Promise.race([all, new Promise((r) => setTimeout(r, 15_000).unref())]);
      },
      readFile,
      isDirty: (filePath) => {
        const open = openByPath.get(filePath);
        if (!open) return false;
        try {
          return fs.readFileSync(filePath, 'utf8') !== open.getText();
        } catch {
          return true;
        }
      },
      log,
      changed: (paths) => {
        for (const p of paths) {
          diskCache.delete(p);
          refreshDependents(p);
        }
        for (const d of documents.all()) if (paths.includes(uriToPath(d.uri))) schedulePush(d.uri);
        if (pullDiagnostics && capabilities.workspace?.diagnostics?.refreshSupport) void connection.languages.diagnostics.refresh();
      },
    },
    compileProblems,
  );

  connection.onShutdown(async () => {
    environments.dispose();
    await packageIndex?.dispose();
    await vulnerabilityClient?.dispose();
  });
  documents.listen(connection);
}
