// What the server tells the client about its own state: `requirements/status` (only to clients that ask for it
// with initializationOptions.statusNotifications; our VS Code extension does) and LSP work-done progress.

import { MessageType, WorkDoneProgress, WorkDoneProgressCreateRequest, type ClientCapabilities, type Connection } from 'vscode-languageserver/node.js';
import { showMessage } from './commands.js';
import type { Log } from './guard.js';
import type { IndexEvents } from '../index/views.js';

export interface ServerStatus {
  index: 'idle' | 'loading' | 'ready' | 'offline';
  environment?: string;
}

export function createStatusReporter(connection: Connection, capabilities: () => ClientCapabilities, log: Log) {
  let enabled = false;
  let noticed = false;
  let progressTokens = 0;
  /** Hosts whose outage the user was told of: the index and its vulnerability API on one host are one cause, one toast. */
  const toldDown = new Set<string>();
  const status: ServerStatus = { index: 'idle' };
  const send = (change: Partial<ServerStatus>) => {
    Object.assign(status, change);
    if (enabled) void connection.sendNotification('requirements/status', { ...status });
  };
  const reporter = {
    /** From initializationOptions: whether the client wants `requirements/status`. */
    enable(initializationOptions: unknown) {
      enabled = (initializationOptions as { statusNotifications?: unknown } | null | undefined)?.statusNotifications === true;
    },
    get enabled() {
      return enabled;
    },
    /** The index's state: loading while project lists are fetched, offline when it cannot be reached. */
    index(state: 'loading' | 'ready' | 'offline' | 'back') {
      if (state === 'back') {
        if (status.index === 'offline') send({ index: 'ready' });
      } else if (state !== 'ready') send({ index: state });
      else if (status.index === 'loading') send({ index: 'ready' });
    },
    /** The environment the last checked file uses (a label), sent when it differs. */
    environment(label: string) {
      if (label !== status.environment) send({ environment: label });
    },
    /**
     * No environment for a file with requirements: not a fault of the file, so no diagnostic. A client with the
     * status item shows "no environment" there; any other gets one notice a session.
     */
    noEnvironment(fileName: string) {
      if (enabled || noticed) return;
      noticed = true;
      showMessage(
        connection,
        MessageType.Info,
        `No virtual environment found for ${fileName}, so installed versions are not checked: set requirements.venvPath, activate one, or create .venv.`,
      );
    },
    /**
     * LSP work-done progress for a project-list fetch, where the client supports server-initiated progress. Its
     * end carries the outcome ("886,000 projects", "Could not fetch the project list: …"): an end without a
     * message reads as "done" in clients (Neovim's plugin shows exactly that), even when the fetch failed.
     */
    progress() {
      if (!capabilities().window?.workDoneProgress) return undefined;
      const token = `requirements/projectList/${++progressTokens}`;
      let created: Promise<boolean> | undefined;
      return {
        begin(title: string) {
          created = connection.sendRequest(WorkDoneProgressCreateRequest.type, { token }).then(
            () => (void connection.sendProgress(WorkDoneProgress.type, token, { kind: 'begin', title }), true),
            () => false,
          );
        },
        end(message: string) {
          log('info', message);
          void created?.then((ok) => (ok ? connection.sendProgress(WorkDoneProgress.type, token, { kind: 'end', message }) : undefined)).catch(() => undefined);
        },
      };
    },
    /** The index's events as the client sees them: facts arrived (`factsArrived`), offline (a message), progress, status. */
    indexEvents(factsArrived: (names: string[]) => void): IndexEvents {
      return {
        onDidChange: (names) => factsArrived(names),
        onOffline(message) {
          reporter.index('offline');
          // Each message is in the log already (the index layer writes it); a second one about the same host is only there.
          const host = downHost(message);
          if (host && toldDown.has(host)) return;
          if (host) toldDown.add(host);
          showMessage(connection, MessageType.Warning, message);
        },
        onOnline(message) {
          toldDown.clear();
          reporter.index('back');
          showMessage(connection, MessageType.Info, message);
        },
        progress: () => reporter.progress(),
        status: (state) => reporter.index(state),
      };
    },
  };
  return reporter;
}

/** The `scheme://host:port` a "… cannot be reached (…)" message names. */
function downHost(message: string): string | undefined {
  return /([a-z][\w+.-]*:\/\/[^\s/]+)\S* cannot be reached/i.exec(message)?.[1]?.toLowerCase();
}

export type StatusReporter = ReturnType<typeof createStatusReporter>;
