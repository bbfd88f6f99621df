// The client's settings as the server holds them: read from initializationOptions, pulled through
// workspace/configuration where the client offers it, pushed by workspace/didChangeConfiguration.

import { DidChangeConfigurationNotification, type ClientCapabilities, type Connection } from 'vscode-languageserver/node.js';
import type { Log } from './guard.js';
import { DEFAULT_SETTINGS, readSettings, type Settings } from '../settings.js';

export interface Configuration {
  settings(): Settings;
  /** Merges what the client sent (initializationOptions, a `requirements` section) over the current settings. */
  apply(raw: unknown): void;
  /** Called with every applied settings object (the environment's venvPath, `${NAME}` values). */
  onDidApply(listener: (settings: Settings) => void): void;
  /**
   * False when the client said the workspace is not trusted (initializationOptions.workspaceTrusted, VS Code's
   * Restricted Mode). Read from initialize only: a workspace's own settings must not be able to claim trust.
   */
  workspaceTrusted(): boolean;
  initialize(initializationOptions: unknown): void;
}

export function createConfiguration(): Configuration {
  let settings = DEFAULT_SETTINGS;
  const listeners: ((settings: Settings) => void)[] = [];
  let trusted = true;
  const configuration: Configuration = {
    settings: () => settings,
    workspaceTrusted: () => trusted,
    initialize(initializationOptions) {
      trusted = (initializationOptions as { workspaceTrusted?: unknown } | null | undefined)?.workspaceTrusted !== false;
      configuration.apply(initializationOptions);
    },
    apply(raw) {
      settings = readSettings(raw, settings);
      for (const l of listeners) l(settings);
    },
    onDidApply: (l) => void listeners.push(l),
  };
  return configuration;
}

/** workspace/configuration and didChangeConfiguration; `changed` runs after a pushed change (diagnostics again). */
export function wireConfiguration(connection: Connection, configuration: Configuration, capabilities: () => ClientCapabilities, log: Log, changed: () => void) {
  const load = async () => {
    if (!capabilities().workspace?.configuration) return;
    try {
      const [raw] = await connection.workspace.getConfiguration([{ section: 'requirements' }]);
      configuration.apply(raw);
    } catch (error) {
      log('warn', `Could not read the 'requirements' settings: ${String(error)}`);
    }
  };
  connection.onDidChangeConfiguration(async (change) => {
    const raw = (change?.settings as Record<string, unknown> | null | undefined)?.requirements;
    if (raw !== undefined) configuration.apply(raw);
    else await load();
    changed();
  });
  return {
    /** After `initialized`: asks for change notifications where the client registers them dynamically, and pulls the settings. */
    async start() {
      if (capabilities().workspace?.didChangeConfiguration?.dynamicRegistration) {
        void connection.client.register(DidChangeConfigurationNotification.type, { section: 'requirements' }).catch(() => undefined);
      }
      await load();
    },
  };
}

/**
 * What `${NAME}` expands to in requirement lines: the server's environment, then the requirements.env
 * setting. A change re-parses the store's trees, so only a real change is passed on.
 */
export function followEnvSetting(
  configuration: Configuration,
  env: Record<string, string | undefined>,
  setEnv: (env: Record<string, string | undefined>) => void,
): void {
  let fileEnv: Record<string, string | undefined> = { ...env };
  configuration.onDidApply((settings) => {
    const next = { ...env, ...settings.env };
    if (Object.keys(next).length === Object.keys(fileEnv).length && Object.entries(next).every(([k, v]) => fileEnv[k] === v)) return;
    fileEnv = next;
    setEnv(next);
  });
}
