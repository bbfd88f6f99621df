// The commands of the pip freeze workflow: derive requirements.in from a frozen file, freeze an environment into
// a file, create a virtual environment. Each runs only when the user asks; processes get argument arrays.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageType, type CancellationToken, type ExecuteCommandParams, type TextEdit, type WorkDoneProgressReporter } from 'vscode-languageserver/node.js';
import { createVirtualEnvironment, chooseInterpreter } from '../compile/createVenv.js';
import { installRequirements } from '../compile/index.js';
import { freezeEnvironment } from '../environment/freeze.js';
import type { EnvironmentSnapshot } from '../environment/venv.js';
import { redact } from '../index/credentials.js';
import { COMMANDS } from '../service/commandIds.js';
import { derivedRequirementsIn, type FrozenAnalysis } from '../service/frozenFile.js';
import type { ParsedDocument } from '../syntax/types.js';
import type { Bounds } from '../workspace/frozen.js';
import { anyOf, showMessage, startProgress, type CommandHost } from './commands.js';

export interface FreezeHost extends CommandHost {
  /** The file's tree as the workspace store holds it (read by `readFile` just before). */
  document(filePath: string): ParsedDocument | undefined;
  /** The file as pip freeze output with its top level (also for files that are not frozen), from the store's context. */
  frozen(filePath: string): FrozenAnalysis | undefined;
  snapshot(filePath: string): EnvironmentSnapshot | undefined;
  /** The client can apply `workspace/applyEdit`. */
  canApplyEdit(): boolean;
}

type Handler = (params: ExecuteCommandParams, token: CancellationToken, workDone: WorkDoneProgressReporter) => Promise<unknown>;

const BOUNDS: Bounds[] = ['none', 'minimum', 'compatible'];

function options(args: unknown[] | undefined): Record<string, unknown> {
  const second = Array.isArray(args) ? args[1] : undefined;
  return typeof second === 'object' && second !== null && !Array.isArray(second) ? (second as Record<string, unknown>) : {};
}

/** Creates `file` with `text`, failing if it exists: the text goes to a temporary file that is linked into place. */
function createExclusively(file: string, text: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(temp, text);
  try {
    fs.linkSync(temp, file);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

export function freezeCommands(host: FreezeHost): Record<string, Handler> {
  const fail = (message: string) => {
    showMessage(host.connection, MessageType.Error, message);
    return { ok: false, message };
  };
  const tell = (message: string, extra: Record<string, unknown> = {}) => {
    showMessage(host.connection, MessageType.Info, message);
    return { ok: true, message, ...extra };
  };
  const applyEdit = async (label: string, uri: string, edits: TextEdit[]) => {
    const result = await host.connection.workspace.applyEdit({ label, edit: { changes: { [uri]: edits } } });
    return result.applied;
  };

  const deriveIn: Handler = async (params) => {
    const filePath = host.uriToPath(String(params.arguments?.[0] ?? ''));
    const bounds = BOUNDS.find((b) => b === options(params.arguments).bounds) ?? host.settings().derive.bounds;
    if (!/\.txt$/i.test(filePath)) return fail(`Derive requirements.in works on a .txt file; ${path.basename(filePath)} is not one.`);
    const text = host.readFile(filePath);
    if (text === undefined) return fail(`Cannot read ${filePath}.`);
    const analysis = host.frozen(filePath);
    if (!analysis) return fail(`${path.basename(filePath)} lists no packages to derive from.`);
    const { derivation, file, target } = analysis;
    if (derivation.unknown.length === file.pins.length) {
      // Not "try again in a moment": an index of files (file://, --find-links) or one without PEP 658 metadata never gives it.
      return fail(
        `No metadata for the packages of ${path.basename(filePath)}: no virtual environment was found to read it from, and the package index has given none ` +
          '(a local or file:// index never does; a remote one may still be answering). Create or select the environment the file was frozen from, then derive again.',
      );
    }
    const unknown = derivation.unknown.length
      ? ` ${derivation.unknown.length} pin${derivation.unknown.length === 1 ? "'s" : "s'"} metadata was not found, so ${derivation.unknown.length === 1 ? 'it was' : 'they were'} treated as requiring nothing.`
      : '';
    const cycles = derivation.cycles.map((c) => ` ${c.members.map((m) => m.name).join(', ')} require each other; kept ${c.kept.name}.`).join('');
    const existing = host.readFile(target);
    const derived = derivedRequirementsIn(analysis, bounds, existing);
    const names = derivation.topLevel.map((p) => p.name).join(', ');
    if ('edits' in derived) {
      // Never overwrite the user's .in: the missing lines come as an edit they see and can undo.
      if (!derived.added.length)
        return tell(`${path.basename(target)} already lists every top-level package (${names}).`, { topLevel: derivation.topLevel.map((p) => p.name) });
      if (!host.canApplyEdit()) return fail(`${path.basename(target)} exists and is not overwritten; add these lines to it: ${derived.added.join(', ')}.`);
      const applied = await applyEdit(`Add top-level packages to ${path.basename(target)}`, pathToFileURL(target).toString(), derived.edits);
      return applied
        ? tell(`Added ${derived.added.join(', ')} to ${path.basename(target)}.${cycles}${unknown}`)
        : fail(`The editor did not apply the edit to ${path.basename(target)}.`);
    }
    try {
      createExclusively(target, derived.text);
    } catch (error) {
      return fail(`Could not create ${target}: ${(error as Error).message}`);
    }
    host.changed([target, filePath]);
    return tell(
      `Wrote ${path.basename(target)}: ${names} (${derivation.topLevel.length} of ${file.pins.length} pins; read from ${analysis.metadataFrom}).${cycles}${unknown} Compile it to get ${path.basename(filePath)} back with today's versions and # via lines.`,
      { output: pathToFileURL(target).toString(), topLevel: derivation.topLevel.map((p) => p.name) },
    );
  };

  const freeze: Handler = async (params) => {
    const filePath = host.uriToPath(String(params.arguments?.[0] ?? ''));
    const snapshot = host.snapshot(filePath);
    if (!snapshot) return fail(`No virtual environment was found for ${path.basename(filePath)} (set requirements.venvPath, activate one, or create .venv).`);
    const text = freezeEnvironment(snapshot, { all: options(params.arguments).all === true });
    const count = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
    const what = `${count} distribution${count === 1 ? '' : 's'} of ${path.basename(snapshot.root)}`;
    const current = host.readFile(filePath);
    if (current === undefined) {
      try {
        createExclusively(filePath, text);
      } catch (error) {
        return fail(`Could not create ${filePath}: ${(error as Error).message}`);
      }
      host.changed([filePath]);
      return tell(`Froze ${what} into ${path.basename(filePath)}.`, { output: pathToFileURL(filePath).toString(), count });
    }
    // An existing file is changed through the editor, so that the change can be undone.
    if (!host.canApplyEdit()) return fail(`${path.basename(filePath)} exists; this editor cannot apply edits from the server, so it was not changed.`);
    const doc = host.document(filePath);
    const end = doc?.lines.length
      ? { line: doc.lineStarts.length - 1, character: current.length - doc.lineStarts[doc.lineStarts.length - 1] }
      : { line: 0, character: 0 };
    const applied = await applyEdit(`Freeze ${path.basename(snapshot.root)}`, String(params.arguments?.[0]), [
      { range: { start: { line: 0, character: 0 }, end }, newText: text },
    ]);
    return applied ? tell(`Froze ${what} into ${path.basename(filePath)}.`, { count }) : fail('The editor did not apply the freeze edit.');
  };

  const createVenv: Handler = async (params, token, workDone) => {
    const uri = String(params.arguments?.[0] ?? '');
    const filePath = host.uriToPath(uri);
    const folder = path.dirname(filePath);
    const given = options(params.arguments).python;
    const python = chooseInterpreter(typeof given === 'string' ? given : host.settings().python, process.env.PATH);
    const progress = await startProgress(host, params, workDone, 'Creating a virtual environment');
    try {
      const created = await createVirtualEnvironment(folder, python, { env: process.env, cancel: anyOf(token, progress.token), onLine: progress.report });
      if (created.log.trim()) host.log(created.ok ? 'info' : 'warn', `venv output:\n${redact(created.log.trim())}`);
      if (!created.ok) return created.cancelled ? { ok: false, cancelled: true, message: created.message } : fail(created.message);
      host.changed([filePath]);
      const hasRequirements = (host.readFile(filePath) ?? '').split('\n').some((l) => /^\s*[A-Za-z0-9-]/.test(l));
      if (!hasRequirements) return tell(created.message, { root: created.root });
      // Installing is its own decision: ask, and only run pip when the user says so.
      const install = `Install ${path.basename(filePath)}`;
      const answer = await host.connection.window.showInformationMessage(
        `${created.message} Install ${path.basename(filePath)} into it?`,
        { title: install },
        { title: 'Not now' },
      );
      if (answer?.title !== install) return { ok: true, message: created.message, root: created.root, installed: false };
      progress.report(`Installing ${path.basename(filePath)}`);
      const settings = host.settings();
      const outcome = await installRequirements(filePath, [], {
        tool: settings.compile.tool,
        args: settings.compile.args,
        venvRoot: created.root,
        env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' },
        indexArgs: host.indexArgs(filePath),
        read: host.readFile,
        cancel: anyOf(token, progress.token),
        onLine: progress.report,
        isDirty: host.isDirty,
      });
      if (outcome.log.trim()) host.log(outcome.ok ? 'info' : 'warn', `pip output:\n${redact(outcome.log.trim())}`);
      host.changed([filePath]);
      return outcome.ok ? tell(`${created.message} ${outcome.message}`, { root: created.root, installed: true }) : fail(redact(outcome.message));
    } finally {
      progress.done();
    }
  };

  return { [COMMANDS.deriveIn]: deriveIn, [COMMANDS.freeze]: freeze, [COMMANDS.createVenv]: createVenv };
}
