// What the server tells the client about its own state: `requirements/status` (only to clients that ask for it
// with initializationOptions.statusNotifications; our VS Code extension does) and LSP work-done progress.

import type { ClientCapabilities, Connection } from 'vscode-languageserver/node.js';
import type { Log } from '../guard.js';

export interface ServerStatus {
  index: 'idle' | 'loading' | 'ready' | 'offline';
  environment?: string;
}

export function createStatusReporter(connection: Connection, capabilities: () => ClientCapabilities, log: Log) {
  let enabled = false;
  const status: ServerStatus = { index: 'idle' };
  const send = (change: Partial<ServerStatus>) => {
    Object.assign(status, change);
    if (enabled) void connection.sendNotification('requirements/status', { ...status });
  };
  return {
    /** From initializationOptions: whether the client wants `requirements/status`. */
    enable(initializationOptions: unknown) {
      enabled = (initializationOptions as { statusNotifications?: unknown } | null | undefined)?.statusNotifications === true;
    },
    get enabled() {
      return enabled;
    },
    /** The index's state: loading while project lists are fetched, offline when it cannot be reached. */
    index(state: 'loading' | 'ready' | 'offline') {
      if (state !== 'ready') send({ index: state });
      else if (status.index === 'loading') send({ index: 'ready' });
    },
    /** The environment the last checked file uses (a label), sent when it differs. */
    environment(label: string) {
      if (label !== status.environment) send({ environment: label });
    },
    /** LSP work-done progress for a project-list fetch, where the client supports server-initiated progress. */
    progress() {
      if (!capabilities().window?.workDoneProgress) return undefined;
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
    },
  };
}

export type StatusReporter = ReturnType<typeof createStatusReporter>;
