// Which incoming messages reach the handlers. Between the reader and the connection, so that it covers every
// handler, the library's (TextDocuments, shutdown) and the command host's included:
// - params of the wrong shape (lsp/validate.ts): a request is answered InvalidParams (-32602) with the
//   problem in plain words, a notification is logged and dropped, before any handler reads them: a
//   `didOpen` whose text is a number never reaches the store, a `didChange` at line 0.5 never edits;
// - after `shutdown`, only `exit`: other requests are answered InvalidRequest (-32600), notifications dropped.

import { ErrorCodes, type DataCallback, type Disposable, type Message, type MessageReader, type ResponseMessage } from 'vscode-languageserver/node.js';
import { paramsProblem } from './validate.js';

export interface GateOptions {
  /** Sends an answer the handlers never see. */
  reply(message: ResponseMessage): void;
  log(message: string): void;
}

export interface GatedReader extends MessageReader {
  /** Whether `shutdown` was received (the process then exits with 0 when the stream ends). */
  readonly shutdownReceived: boolean;
}

export function gateMessages(reader: MessageReader, o: GateOptions): GatedReader {
  let shutdown = false;
  const reject = (id: number | string, code: number, message: string) => o.reply({ jsonrpc: '2.0', id, error: { code, message } });

  const pass = (message: Message, deliver: DataCallback) => {
    const m = message as { id?: unknown; method?: unknown; params?: unknown } | null;
    // Responses to the server's own requests, and what the library reports as invalid, go on as they are.
    if (typeof m !== 'object' || m === null || typeof m.method !== 'string') return deliver(message);
    const id = typeof m.id === 'number' || typeof m.id === 'string' ? m.id : undefined;
    if (id === undefined && m.id !== undefined) return deliver(message);
    if (shutdown && m.method !== 'exit') {
      if (id !== undefined) reject(id, ErrorCodes.InvalidRequest, `${m.method}: the server is shutting down; only 'exit' is accepted after 'shutdown'`);
      return;
    }
    const problem = paramsProblem(m.method, m.params);
    if (problem) {
      if (id !== undefined) reject(id, ErrorCodes.InvalidParams, `${m.method}: ${problem}`);
      else o.log(`Ignored a ${m.method} notification: ${problem}`);
      return;
    }
    if (m.method === 'shutdown' && id !== undefined) shutdown = true;
    deliver(message);
  };

  return {
    get shutdownReceived() {
      return shutdown;
    },
    onError: reader.onError,
    onClose: reader.onClose,
    onPartialMessage: reader.onPartialMessage,
    listen(callback: DataCallback): Disposable {
      return reader.listen((message) => {
        try {
          pass(message, callback);
        } catch (error) {
          // The connection's own handling of a message threw (it has no handler around everything): one message lost, not the server.
          o.log(`A message could not be handled: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        }
      });
    },
    dispose: () => reader.dispose(),
  };
}
