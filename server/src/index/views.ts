// The index adapter the server holds: loads the index module on first use, resolves the configuration pip
// would use for a file, and hands out that configuration's view. Nothing here reconfigures a shared client.

import type { FileIndexOptions } from '../workspace/indexOptions.js';
import type { IndexHub } from './packageIndex.js';
import type { IndexView } from './indexView.js';
import type { VulnerabilityClient } from './vulnerabilities.js';
import { resolveIndexConfig, type IndexConfig } from './pipConfig.js';
import type { SmallFiles } from '../workspace/smallFiles.js';
import { originOf, type OriginTrust } from './originTrust.js';
import { nextTurn } from '../shared/nextTurn.js';

export interface IndexAdapterOptions {
  cacheDir: () => string;
  settings: () => { indexUrl?: string; extraIndexUrls: string[] };
  env: Record<string, string | undefined>;
  /** pip's config files (small, outside the workspace store), read off the request path. */
  configFiles: SmallFiles;
  logger: { info(message: string): void; warn(message: string): void; error(message: string): void };
  /** Which origins may be contacted: the user's own always, the ones only the workspace names once allowed. */
  trust: OriginTrust;
}

/** What the index tells its host (the LSP wiring), attached after creation. */
export interface IndexEvents {
  /** Facts arrived (project pages, a project list): re-check and refresh. */
  onDidChange(names: string[]): void;
  onOffline(message: string): void;
  /** An index or advisory source told of as unreachable answers again. */
  onOnline?(message: string): void;
  /** Work-done progress for a project-list fetch, when the client supports it. */
  progress(): { begin(title: string): void; end(message: string): void } | undefined;
  status(state: 'loading' | 'ready'): void;
}

export interface IndexAdapter {
  /** The view pip's configuration for this file selects; undefined while the index module loads (loading starts). */
  view(file: FileIndexOptions, venvRoot: string | undefined, options?: { command?: boolean }): IndexView | undefined;
  /** The configuration pip would use (file options, PIP_*, pip.conf, settings, PyPI). */
  config(file: FileIndexOptions, venvRoot: string | undefined): IndexConfig;
  /** Whether a configuration may be contacted now (every origin it names only by the workspace was allowed). */
  mayContact(config: IndexConfig): boolean;
  /** Known vulnerabilities: the same lazy bundle as the index; undefined until it is loaded. */
  vulnerabilities(): VulnerabilityClient | undefined;
  /**
   * Resolves when the index module is loaded (false when it cannot be) and the first reads of pip's config files
   * have landed; the first call starts loading the module.
   */
  loaded(): Promise<boolean>;
  /**
   * Whether an index answers (for commands that run pip): undefined when it does, or when the index module
   * cannot be loaded; else why not. A host known to be down answers at once; one the user configured (not
   * one only the workspace names: the server itself does not contact those unasked) is probed.
   */
  reach(indexUrl: string, timeoutMs: number): Promise<string | undefined>;
  listen(events: IndexEvents): void;
  /**
   * Loads the index module; where the workspace configures an index of its own (PIP_INDEX_URL, pip.conf,
   * the settings), also opens its view (project list fetched, HTTP client warmed), so that the first
   * completion finds them ready. The default index (PyPI) is not contacted before a file uses it.
   */
  preload(): void;

  dispose(): Promise<void>;
}

export function createIndexAdapter(options: IndexAdapterOptions): IndexAdapter {
  let hub: IndexHub | undefined;
  let vulnerabilities: VulnerabilityClient | undefined;
  let loading: Promise<boolean> | undefined;
  let events: IndexEvents | undefined;
  // The index module (undici, the popularity table) is loaded on first use, not at start-up, so that
  // `initialize` answers fast; until it is there, features work without index facts.
  const load = () =>
    (loading ??= import('./packageIndex.js').then(
      // Loading the module is one step of 30-40 ms; what it starts (the clients, the re-check of every open file) is the next.
      async ({ createIndexHub, createVulnerabilityClient }) => {
        await nextTurn();
        hub = createIndexHub({ cacheDir: options.cacheDir(), env: options.env, logger: options.logger, netrcDefault: options.trust.userOrigin });
        hub.onDidChange((names) => events?.onDidChange(names));
        hub.onOffline((message) => events?.onOffline(message));
        hub.onOnline((message) => events?.onOnline?.(message));
        // Advisories arriving re-check the open files, as index facts do. One HTTP client for both: one host health.
        const { env, logger, trust } = options;
        vulnerabilities = createVulnerabilityClient({ cacheDir: options.cacheDir(), env, logger, netrcDefault: trust.userOrigin, fetcher: hub.fetcher });
        vulnerabilities.onDidChange((names) => events?.onDidChange(names));
        vulnerabilities.onOffline((message) => events?.onOffline(message));
        vulnerabilities.onOnline((message) => events?.onOnline?.(message));
        events?.onDidChange([]);
        return true;
      },
      (error: unknown) => {
        // A broken install (packageIndex.cjs missing): everything but the index keeps working.
        options.logger.error(`The package index module could not be loaded; completion and checks go on without the index: ${String(error)}`);
        return false;
      },
    ));

  // One configuration per distinct (file options, environment, settings), so files on different indexes do not
  // evict each other; pip's config files are read from memory, and forgotten with the configurations when
  // one of them changes (they are re-read in the background every few seconds).
  const configs = new Map<string, IndexConfig>();
  const none: FileIndexOptions = { extraIndexUrls: [], noIndex: false };
  const configFor = (file: FileIndexOptions, venvRoot: string | undefined): IndexConfig => {
    const settings = options.settings();
    const key = JSON.stringify([file, venvRoot, settings.indexUrl, settings.extraIndexUrls]);
    let config = configs.get(key);
    if (!config) {
      if (configs.size > 64) configs.clear();
      const userAlone = file === none && venvRoot === undefined;
      if (!userAlone) configFor(none, undefined);
      config = resolveIndexConfig({ file, env: options.env, readFile: options.configFiles.read, venvRoot, settings });
      // What the user alone configures (no file, no venv): the origins netrc's `default` entry may go to.
      if (userAlone) options.trust.setUserOrigins([config.indexUrl, ...config.extraIndexUrls, ...(config.findLinks ?? [])]);
      // Not kept while a config file is still being read for the first time: it may name another index.
      if (!options.configFiles.reading()) configs.set(key, config);
    }
    return config;
  };
  options.trust.onDidAllow(() => events?.onDidChange([]));
  options.configFiles.onDidChange(() => {
    configs.clear();
    events?.onDidChange([]);
  });

  const listed = new Set<IndexView>();
  let listsLoading = 0;
  return {
    view(file, venvRoot, request) {
      if (!hub) {
        // pip's config files are read while the module loads: the brief wait (`loaded`) awaits both.
        configFor(none, undefined);
        void load();
        return undefined;
      }
      const config = configFor(file, venvRoot);
      // While a config file is read for the first time, no view: it may name another index than the one
      // known so far (the request's brief wait awaits the read; diagnostics republish when it lands).
      if (options.configFiles.reading()) return undefined;
      // An index only the workspace names, not (yet) allowed: no view, so nothing is fetched from it; the
      // user is asked once, and an allowed origin re-checks the files.
      // A command the user ran (a compile with hashes) asks the index the file names, as the pip it runs does.
      if (!request?.command && options.trust.blocked(config).length) return undefined;
      const view = hub.view(config);
      if (!listed.has(view)) {
        listed.add(view);
        events?.status('loading');
        listsLoading++;
        void view
          .loadProjectList(events?.progress())
          .catch((e) => options.logger.warn(`Project list: ${String(e)}`))
          .finally(() => --listsLoading === 0 && events?.status('ready'));
      }
      return view;
    },
    config: configFor,
    mayContact: (config) => options.trust.blocked(config).length === 0,
    vulnerabilities: () => vulnerabilities,
    // The module, and pip's config files read for the first time: the view a request asks for next needs both, and
    // awaiting them one brief-wait round after the other left the last round (the fetch) without a wait.
    loaded: () => {
      const module = hub ? Promise.resolve(true) : load();
      const reading = options.configFiles.reading();
      return reading ? Promise.all([module, reading]).then(([ok]) => ok) : module;
    },
    reach: async (indexUrl, timeoutMs) => {
      if (!(await load()) || !hub) return undefined;
      return hub.reach(indexUrl, timeoutMs, options.trust.userOrigin(originOf(indexUrl) ?? ''));
    },
    listen: (e) => void (events = e),
    preload() {
      configFor(none, undefined); // starts reading pip's config files
      void Promise.all([load(), options.configFiles.reading()]).then(
        ([ok]) => ok && configFor(none, undefined).source !== 'the default' && this.view(none, undefined),
      );
    },
    dispose: async () => {
      // The advisory client first: it shares the hub's HTTP client, which the hub closes.
      await vulnerabilities?.dispose();
      await hub?.dispose();
    },
  };
}
