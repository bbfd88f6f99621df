// When the server process ends, and what does not end it.
// - The LSP stream is the server's only line to the editor: a frame it cannot read (lsp/stream.ts), the end
//   of stdin, or stdout gone ends the process with the reason on stderr, so the editor sees a dead server and
//   restarts it, instead of a live one that hears nothing.
// - An error nothing handled (a rejected background promise, a throw in a timer) is logged and the server
//   keeps serving: see lastResort below for why.

import type { MessageReader, MessageWriter } from 'vscode-languageserver/node.js';

const NAME = 'requirements-language-server';
/** Errors of the stream itself (the other end is gone), as opposed to one message that failed to encode. */
const STREAM_GONE = new Set(['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END', 'EOF']);

const describe = (error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error));
const codeOf = (error: unknown) => (error as { code?: unknown } | null | undefined)?.code;

let ending = false;
/** Ends the process: the reason on stderr (the LSP stream may be what broke; editors show stderr in the server's log), then a moment for it to leave. */
function end(code: number, reason: string): void {
  if (ending) return;
  ending = true;
  process.stderr.write(`${NAME}: ${reason}; exiting.\n`);
  setTimeout(() => process.exit(code), 100);
}

export function endWithStream(reader: MessageReader, writer: MessageWriter, o: { shutdownReceived(): boolean; log(message: string): void }): void {
  reader.onError((error) => end(1, `cannot read the LSP input: ${error.message}`));
  reader.onClose(() => end(o.shutdownReceived() ? 0 : 1, 'the LSP input was closed'));
  writer.onError(([error]) => {
    if (STREAM_GONE.has(codeOf(error) as string)) end(1, `cannot write the LSP output: ${error.message}`);
    else o.log(`A message could not be sent: ${describe(error)}`);
  });
  writer.onClose(() => end(o.shutdownReceived() ? 0 : 1, 'the LSP output was closed'));
}

/**
 * The last resort, for what every other handler missed. An unhandled rejection is a background promise
 * nobody awaited: logged, and the server goes on. An uncaught exception too, deliberately, although
 * Node's default is to exit: the server's state is caches keyed by document version and immutable
 * snapshots, so a throw leaves at most one stale answer, while exiting turns one hostile input (an index
 * page, a file) into a crash on every restart while that file is open, until the editor gives up on the
 * server. The one exception that ends it is the output stream gone (EPIPE): nobody is listening.
 */
export function lastResort(log: (message: string) => void): void {
  const report = (what: string, error: unknown) => {
    try {
      log(`${what} (the server keeps running): ${describe(error)}`);
    } catch {
      process.stderr.write(`${NAME}: ${what}: ${describe(error)}\n`);
    }
  };
  process.on('unhandledRejection', (reason) => report('An unhandled promise rejection', reason));
  process.on('uncaughtException', (error) => {
    if (STREAM_GONE.has(codeOf(error) as string)) end(1, `the LSP output failed: ${error.message}`);
    else report('An uncaught exception', error);
  });
}
