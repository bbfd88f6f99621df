// LSP wiring of the commands that run tools (`workspace/executeCommand`): progress, cancellation, messages,
// and the diagnostics a failed compile leaves on the source lines. Runs only when the user asks.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  MessageType,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type ExecuteCommandParams,
  type WorkDoneProgressReporter,
} from 'vscode-languageserver/node.js';
import { compileRequirements, installRequirements, syncEnvironment, type CompileContext, type Outcome } from '../compile/index.js';
import type { Cancellation } from '../compile/process.js';
import { redact } from '../index/credentials.js';
import type { Settings } from '../settings.js';

import { COMMANDS } from '../service/commandIds.js';
import { unexpand } from '../shared/shownValues.js';

export { COMMANDS };

export interface CommandHost {
  connection: Connection;
  settings(): Settings;
  /** False in the editor's Restricted Mode: no command that runs a process. */
  workspaceTrusted?(): boolean;
  supportsProgress(): boolean;
  uriToPath(uri: string): string;
  /** Resolves once the file's environment is discovered and scanned (a command reads it whole, never a half-known one). */
  environmentReady?(filePath: string): Promise<void>;
  /** The environment folder of a file, when one is found (the setting, VIRTUAL_ENV, .venv ...). */
  venvRoot(filePath: string): string | undefined;
  installed(filePath: string): string[];
  /** `--index-url`/`--extra-index-url` for what only our settings say (pip and the tools read the rest themselves). */
  indexArgs(filePath: string): string[];
  knownHashes?(normalized: string, version: string): string[];
  /** The downloads (url, sha256) of a file's releases its index view holds now, for a lock. */
  downloads?(filePath: string): (normalized: string, version: string) => { url: string; sha256: string }[] | undefined;
  /** Fetches these projects from the package index, giving up after a while (for --generate-hashes). */
  prefetch?(normalized: string[], source: string): Promise<void>;
  /** Whether a package index answers, before a compile runs its tool: undefined when it does, else why not. */
  reachIndex?(indexUrl: string): Promise<string | undefined>;
  readFile(filePath: string): string | undefined;
  /** Whether the editor holds unsaved changes of a file (the tools read the disk). */
  isDirty(filePath: string): boolean;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** See CompileContext.openEditor: an open file's editor, which takes new text as an undoable edit. */
  openEditor?(filePath: string): ((text: string, label: string) => Promise<string | undefined>) | undefined;
  /** A file was written or its compile problems changed: re-read it and re-check who depends on it. */
  changed(filePaths: string[]): void;
}

/**
 * `window/showMessage`, a notification: `connection.window.show*Message` sends `window/showMessageRequest`,
 * which some clients answer with a blocking prompt (Neovim's inputlist) for a message that needs no answer.
 */
export function showMessage(connection: Connection, type: MessageType, message: string): void {
  void connection.sendNotification('window/showMessage', { type, message: unexpand(message) });
}

/** Diagnostics left by the last failed compile, by file path; cleared by the next compile or an edit. */
export type ProblemStore = Map<string, Diagnostic[]>;

interface CommandArgs {
  uri?: string;
  upgradeAll?: boolean;
  generateHashes?: boolean;
  packages: string[];
  /** A pyproject.toml's extras and dependency groups to compile. */
  extras?: string[];
  groups?: string[];
  allExtras?: boolean;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s.trim() !== '') : []);

/** Arguments as clients send them: `[uri, options?]` or `[uri, packageName]`; anything else is read leniently. */
export function readArguments(command: string, args: unknown[] | undefined): CommandArgs {
  const list = Array.isArray(args) ? args : [];
  const first = list[0];
  const uri =
    typeof first === 'string'
      ? first
      : typeof first === 'object' && first && typeof (first as { uri?: unknown }).uri === 'string'
        ? (first as { uri: string }).uri
        : undefined;
  const second = list[1];
  const options = typeof second === 'object' && second ? (second as Record<string, unknown>) : {};
  // upgradePackage takes a name, install a list of requirements; options may carry `packages` too.
  const given: unknown[] = Array.isArray(second) ? second : Array.isArray(options.packages) ? options.packages : [];
  const packages = typeof second === 'string' && second.trim() ? [second.trim()] : given.filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  return {
    uri,
    upgradeAll: options.upgrade === true || (command === COMMANDS.upgradePackage && packages.length === 0),
    generateHashes: options.generateHashes === true,
    packages,
    ...(strings(options.extras).length ? { extras: strings(options.extras) } : {}),
    ...(strings(options.groups).length ? { groups: strings(options.groups) } : {}),
    ...(options.allExtras === true ? { allExtras: true } : {}),
  };
}

export type CommandHandler = (params: ExecuteCommandParams, token: CancellationToken, workDone: WorkDoneProgressReporter) => Promise<unknown>;

/** `others`: commands with handlers of their own (the pip freeze workflow), by command id. */
export function registerCommands(host: CommandHost, problems: ProblemStore, others: Record<string, CommandHandler> = {}): void {
  const running = new Set<string>();
  host.connection.onExecuteCommand(async (params: ExecuteCommandParams, token: CancellationToken, workDone: WorkDoneProgressReporter) => {
    if (!Object.values(COMMANDS).includes(params.command as never)) {
      return { ok: false, message: `Unknown command ${params.command}` };
    }
    // A code action that found nothing to do says why (its reason is the second argument); nothing runs.
    if (params.command === COMMANDS.explain) {
      const message = typeof params.arguments?.[1] === 'string' ? params.arguments[1] : 'Nothing to do.';
      showMessage(host.connection, MessageType.Info, message);
      return { ok: true, message };
    }
    // Restricted Mode: nothing that runs a process (a tool from the workspace's venv, pip, python). Deriving
    // requirements.in and freezing read the environment from disk and edit a file the user chose, and converting
    // to or from pylock.toml only reads and writes files, so they stay.
    const readsOnly = params.command === COMMANDS.deriveIn || params.command === COMMANDS.freeze || params.command === COMMANDS.convert;
    if (host.workspaceTrusted && !host.workspaceTrusted() && !readsOnly) {
      const message = `${params.command} does not run in Restricted Mode: it runs a tool (pip-compile, uv, pip or python); trust this workspace to run it.`;
      showMessage(host.connection, MessageType.Warning, message);
      return { ok: false, message };
    }
    const args = readArguments(params.command, params.arguments);
    if (!args.uri) {
      showMessage(host.connection, MessageType.Error, `${params.command} needs the file's URI as its first argument.`);
      return { ok: false, message: 'No file given' };
    }
    await host.environmentReady?.(host.uriToPath(args.uri));
    const other = others[params.command];
    if (other) {
      try {
        return await other(params, token, workDone);
      } catch (error) {
        const message = `${params.command} failed: ${redact(error instanceof Error ? error.message : String(error))}`;
        host.log('error', error instanceof Error ? (error.stack ?? message) : message);
        showMessage(host.connection, MessageType.Error, message);
        return { ok: false, message };
      }
    }
    const filePath = host.uriToPath(args.uri);
    // foo.in and foo.txt are one pair: a compile of one and an upgrade from the other must not overlap.
    const pair = filePath.replace(/\.(in|txt)$/, '');
    if (running.has(pair)) {
      showMessage(host.connection, MessageType.Warning, `${path.basename(filePath)} is already being processed; wait for it or cancel it.`);
      return { ok: false, message: 'Already running' };
    }
    running.add(pair);
    const title =
      params.command === COMMANDS.sync
        ? `Syncing with ${path.basename(filePath)}`
        : params.command === COMMANDS.install
          ? 'Installing into the environment'
          : `Compiling ${path.basename(filePath)}`;
    const progress = await startProgress(host, params, workDone, title);
    const cancel = anyOf(token, progress.token);
    try {
      const settings = host.settings();
      const venvRoot = host.venvRoot(filePath);
      const ctx: CompileContext = {
        tool: settings.compile.tool,
        args: settings.compile.args,
        venvRoot,
        env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' },
        indexArgs: host.indexArgs(filePath),
        read: host.readFile,
        cancel,
        onLine: progress.report,
        knownHashes: host.knownHashes,
        prefetch: host.prefetch,
        reachIndex: host.reachIndex,
        isDirty: host.isDirty,
        openEditor: host.openEditor,
      };
      host.log('info', `${params.command} ${filePath}${venvRoot ? ` (environment ${venvRoot})` : ''}`);
      const outcome: Outcome =
        params.command === COMMANDS.sync
          ? await syncEnvironment(filePath, { ...ctx, installed: () => host.installed(filePath) })
          : params.command === COMMANDS.install
            ? await installRequirements(filePath, args.packages, ctx)
            : await compileRequirements(
                filePath,
                {
                  upgradeAll: args.upgradeAll,
                  upgradePackages: args.packages,
                  generateHashes: args.generateHashes,
                  extras: args.extras,
                  groups: args.groups,
                  allExtras: args.allExtras,
                },
                ctx,
              );
      if (outcome.log.trim()) host.log(outcome.ok ? 'info' : 'warn', `${outcome.tool} output:\n${redact(outcome.log.trim())}`);
      const touched = updateProblems(problems, outcome);
      if (outcome.ok && outcome.output) touched.push(outcome.output);
      host.changed(touched);
      const message = redact(outcome.message);
      if (!outcome.cancelled) {
        if (outcome.ok) showMessage(host.connection, MessageType.Info, message);
        else showMessage(host.connection, MessageType.Error, message);
      }
      return {
        ok: outcome.ok,
        cancelled: outcome.cancelled ?? false,
        tool: outcome.tool,
        message,
        output: outcome.output ? pathToFileURL(outcome.output).toString() : undefined,
      };
    } catch (error) {
      const message = `${params.command} failed: ${redact(error instanceof Error ? error.message : String(error))}`;
      host.log('error', error instanceof Error ? (error.stack ?? message) : message);
      showMessage(host.connection, MessageType.Error, message);
      return { ok: false, message };
    } finally {
      running.delete(pair);
      progress.done();
    }
  });
}

/** Replaces the problems of the compiled sources with the new ones; returns the files whose problems changed. */
function updateProblems(problems: ProblemStore, outcome: Outcome): string[] {
  const touched: string[] = [];
  for (const [file] of problems) {
    touched.push(file);
    problems.delete(file);
  }
  for (const p of outcome.problems) {
    problems.set(p.path, [...(problems.get(p.path) ?? []), p.diagnostic]);
    touched.push(p.path);
  }
  return touched;
}

export interface Progress {
  token?: CancellationToken;
  report(line: string): void;
  done(): void;
}

/**
 * The client's own progress token when it sent one; otherwise server-initiated progress where the client
 * supports it, cancellable from the editor's progress UI. Lines of tool output become its messages.
 */
export async function startProgress(host: CommandHost, params: ExecuteCommandParams, workDone: WorkDoneProgressReporter, title: string): Promise<Progress> {
  let reporter: WorkDoneProgressReporter | undefined;
  let token: CancellationToken | undefined;
  if (params.workDoneToken !== undefined) reporter = workDone;
  else if (host.supportsProgress()) {
    try {
      const created = await host.connection.window.createWorkDoneProgress();
      reporter = created;
      token = created.token;
    } catch {
      reporter = undefined;
    }
  }
  reporter?.begin(title, undefined, undefined, true);
  let last = 0;
  return {
    token,
    report: (line) => {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      reporter?.report(redact(line).slice(0, 200));
    },
    done: () => reporter?.done(),
  };
}

export function anyOf(...tokens: (CancellationToken | undefined)[]): Cancellation {
  const present = tokens.filter((t): t is CancellationToken => !!t);
  return {
    get isCancellationRequested() {
      return present.some((t) => t.isCancellationRequested);
    },
    onCancellationRequested(listener: () => void) {
      for (const t of present) t.onCancellationRequested(listener);
    },
  };
}
