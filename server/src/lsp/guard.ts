// The one guard every handler runs behind: cancellation checked before and after the work (answered with
// RequestCancelled), an exception logged and answered with the handler's empty result, never a dead server.

import { LSPErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver/node.js';
import type { Settings } from '../settings.js';
import { unexpand } from '../shared/shownValues.js';

export type Level = 'error' | 'warn' | 'info' | 'debug';
export type Log = (level: Level, message: string) => void;
const LEVELS: Record<Settings['logLevel'], number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 };

/**
 * window/logMessage through the connection (stdout is the LSP channel), filtered by the `logLevel` setting. The
 * message type carries the level (clients print `[Warn - 10:02:03]`), so only debug lines, sent as plain Log, say
 * theirs in the text.
 */
export function createLogger(connection: Pick<Connection, 'console'>, level: () => Settings['logLevel']): Log {
  return (at, message) => {
    if (LEVELS[level()] < LEVELS[at]) return;
    const line = unexpand(message);
    if (at === 'error') connection.console.error(line);
    else if (at === 'warn') connection.console.warn(line);
    else if (at === 'info') connection.console.info(line);
    else connection.console.log(`[debug] ${line}`);
  };
}

const cancelled = () => new ResponseError(LSPErrorCodes.RequestCancelled, 'Request cancelled');

export function createGuard(log: Log) {
  const failed = (name: string, error: unknown) => log('error', `${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return {
    async run<T>(name: string, fallback: T, token: CancellationToken | undefined, work: () => T | Promise<T>): Promise<T | ResponseError<void>> {
      if (token?.isCancellationRequested) return cancelled();
      try {
        const value = await work();
        return token?.isCancellationRequested ? cancelled() : value;
      } catch (error) {
        failed(name, error);
        return fallback;
      }
    },
    /** For pushed diagnostics: no request to cancel. */
    sync<T>(name: string, fallback: T, work: () => T): T {
      try {
        return work();
      } catch (error) {
        failed(name, error);
        return fallback;
      }
    },
  };
}
