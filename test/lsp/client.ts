// A real LSP client for tests: spawns the built server over stdio and speaks JSON-RPC to it, as an editor does.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SERVER_MAIN = path.resolve(here, '../../server/dist/main.cjs');

export interface Diag {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string | number;
  message: string;
  relatedInformation?: { location: { uri: string }; message: string }[];
}

/**
 * The server's environment in tests: none of this machine's pip configuration, no package index unless a
 * test starts one on 127.0.0.1 (PIP_NO_INDEX), and a private cache folder. No test reaches beyond loopback.
 */
export function testEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PIP_') && k !== 'VIRTUAL_ENV' && k !== 'CONDA_PREFIX') env[k] = v;
  // XDG_STATE_HOME: where the server remembers the indexes a user allowed; never this machine's own.
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-state-'));
  return {
    ...env,
    PIP_CONFIG_FILE: '/dev/null',
    PIP_NO_INDEX: '1',
    XDG_CACHE_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'rls-cache-')),
    XDG_STATE_HOME: state,
    ...extra,
  };
}

/** The server's environment with a test index on 127.0.0.1 as PIP_INDEX_URL (and no netrc): the only index it may reach. */
export function indexedEnv(indexUrl: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = testEnv({ PIP_INDEX_URL: `${indexUrl}/simple`, NETRC: '/nonexistent', ...extra });
  delete env.PIP_NO_INDEX;
  return env;
}

export interface StartOptions {
  /** Client capabilities; by default a push-diagnostics client. */
  capabilities?: Record<string, unknown>;
  initializationOptions?: unknown;
  rootUri?: string | null;
  env?: NodeJS.ProcessEnv;
  /** Answers to workspace/configuration. */
  configuration?: unknown;
  /**
   * The user's answer to a `window/showMessageRequest` (an action's title), or 'never' to leave it unanswered;
   * by default the prompt is dismissed (null), as when the user closes it.
   */
  answer?: (prompt: { message: string; actions?: { title: string }[] }) => string | undefined;
}

export class TestClient {
  readonly diagnostics = new Map<string, Diag[]>();
  /** How many times diagnostics were published for each uri. */
  readonly publishCount = new Map<string, number>();
  /** Every publish, in order: the document version it was computed for (when the server said) and when it came. */
  readonly publishes: { uri: string; version?: number; at: number; diagnostics: Diag[] }[] = [];
  private waiters: { uri: string; predicate: (d: Diag[]) => boolean; resolve: (d: Diag[]) => void }[] = [];
  readonly logs: string[] = [];
  /** Every other notification the server sent, in order. */
  readonly notifications: { method: string; params: unknown }[] = [];
  readonly stderr: string[] = [];
  /** Every `$/progress` the server sent for a token no test subscribed to with connection.onProgress, in order. */
  readonly progress: { token: string | number; value: { kind: string; title?: string; message?: string } }[] = [];
  /** Every workspace/applyEdit the server sent, in order (answered applied, unless a test registers its own handler). */
  readonly appliedEdits: { label?: string; edit: { changes?: Record<string, { range: any; newText: string }[]>; documentChanges?: unknown[] } }[] = [];
  /** Every window/showMessageRequest the server sent, in order. */
  readonly prompts: { message: string; actions?: { title: string }[] }[] = [];
  private versions = new Map<string, number>();
  exited = false;

  private constructor(
    readonly process: ChildProcess,
    readonly connection: MessageConnection,
  ) {}

  static async start(options: StartOptions = {}): Promise<{ client: TestClient; initializeResult: any }> {
    const child = spawn(process.execPath, [SERVER_MAIN, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? testEnv() });
    const reader = new StreamMessageReader(child.stdout!);
    // No partial-message timer: when a server is stopped in the middle of a large message, vscode-jsonrpc re-arms
    // that 10 s timer for the rest of the buffer forever (dispose does not clear it), and the test process never ended.
    reader.partialMessageTimeout = 0;
    const connection = createMessageConnection(reader, new StreamMessageWriter(child.stdin!));
    const client = new TestClient(child, connection);
    child.stderr!.on('data', (b: Buffer) => client.stderr.push(b.toString()));
    child.on('exit', () => (client.exited = true));
    connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: Diag[] }) => {
      client.publishes.push({ uri: p.uri, version: p.version, at: performance.now(), diagnostics: p.diagnostics });
      client.diagnostics.set(p.uri, p.diagnostics);
      client.publishCount.set(p.uri, (client.publishCount.get(p.uri) ?? 0) + 1);
      client.waiters = client.waiters.filter((w) => {
        if (w.uri === p.uri && w.predicate(p.diagnostics)) {
          w.resolve(p.diagnostics);
          return false;
        }
        return true;
      });
    });
    connection.onNotification('window/logMessage', (p: { message: string }) => client.logs.push(p.message));
    connection.onNotification((method: string, params: unknown) => client.notifications.push({ method, params }));
    // vscode-jsonrpc hands `$/progress` to onProgress handlers, never to onNotification.
    connection.onUnhandledProgress((p) => client.progress.push(p as TestClient['progress'][number]));
    connection.onRequest('window/showMessageRequest', (p: { message: string; actions?: { title: string }[] }) => {
      client.prompts.push(p);
      const title = options.answer?.(p);
      if (title === 'never') return new Promise(() => undefined);
      return p.actions?.find((a) => a.title === title) ?? null;
    });
    connection.onRequest('workspace/applyEdit', (p: TestClient['appliedEdits'][number]) => {
      client.appliedEdits.push(p);
      return { applied: true };
    });
    connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => options.configuration ?? null));
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('workspace/diagnostic/refresh', () => null);
    connection.onRequest('workspace/semanticTokens/refresh', () => null);
    connection.onRequest('workspace/inlayHint/refresh', () => null);
    connection.listen();
    const initializeResult = await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: options.rootUri ?? null,
      capabilities: options.capabilities ?? {},
      // Tests about other features leave the environment out, unless they ask for it.
      initializationOptions: options.initializationOptions ?? { diagnostics: { environment: false } },
    });
    connection.sendNotification('initialized', {});
    return { client, initializeResult };
  }

  /** A request that fails, rather than hangs, when the server does not answer within `timeoutMs`. */
  request<T = any>(method: string, params: unknown, timeoutMs = 30_000): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${method}: no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([this.connection.sendRequest(method, params) as Promise<T>, timeout]).finally(() => clearTimeout(timer));
  }

  notify(method: string, params: unknown): void {
    void this.connection.sendNotification(method, params);
  }

  open(filePath: string, text: string, languageId = 'pip-requirements'): string {
    const uri = pathToFileURL(filePath).toString();
    this.versions.set(uri, 1);
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  /** Sends the changes as the document's next version, and returns that version. */
  change(uri: string, changes: unknown[]): number {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  /** Resolves with the next published diagnostics for `uri` that satisfy `predicate` (or the current ones, if they already do). */
  waitForDiagnostics(uri: string, predicate: (d: Diag[]) => boolean = () => true, timeoutMs = 10000): Promise<Diag[]> {
    const current = this.diagnostics.get(uri);
    if (current && predicate(current)) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; last: ${JSON.stringify(this.diagnostics.get(uri))}`)),
        timeoutMs,
      );
      this.waiters.push({
        uri,
        predicate,
        resolve: (d) => {
          clearTimeout(timer);
          resolve(d);
        },
      });
    });
  }

  /** Waits for the next publish for `uri`, whatever it holds. */
  nextDiagnostics(uri: string, timeoutMs = 10000): Promise<Diag[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ uri, predicate: () => true, resolve: (d) => (clearTimeout(timer), resolve(d)) });
    });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    // Listened for before the shutdown request: a server that exits while the request is answered would
    // otherwise have fired 'exit' already, and the wait (and the test process) would never end.
    const exited = once(this.process, 'exit');
    try {
      await Promise.race([this.request('shutdown', null), new Promise((r) => setTimeout(r, 2000))]);
      this.notify('exit', null);
    } catch {
      /* the server may already be gone */
    }
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 3000);
    await exited.catch(() => undefined);
    clearTimeout(timer);
    this.connection.dispose();
  }
}
