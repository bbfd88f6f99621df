// The commands' view of the server (`workspace/executeCommand`): settings, the environment and the index as
// the commands read them, the disk as it is now, and what to re-check after a command wrote files.

import * as path from 'node:path';
import type { ClientCapabilities, Connection, TextDocuments } from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { registerCommands, type CommandHost, type ProblemStore } from './commands.js';
import { convertCommand } from './convertCommand.js';
import { freezeCommands } from './freezeCommands.js';
import type { Log } from './guard.js';
import type { LanguageService } from '../service/index.js';
import type { Settings } from '../settings.js';
import { replacingEdit } from '../shared/textEdits.js';
import { uriToPath } from '../shared/uri.js';
import type { Workspace } from '../workspace/index.js';
import type { EnvironmentFactsWiring } from './environmentFacts.js';
import type { indexFacts } from './indexFacts.js';

export interface CommandWiring {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  workspace: Workspace;
  service: LanguageService;
  settings(): Settings;
  workspaceTrusted(): boolean;
  capabilities(): ClientCapabilities;
  environment: EnvironmentFactsWiring;
  index: ReturnType<typeof indexFacts>;
  isDirtyOnDisk(filePath: string, text: string): boolean;
  log: Log;
  /** Files were written: they and their readers are checked again. */
  changed(paths: string[]): void;
  problems: ProblemStore;
}

export function wireCommands(o: CommandWiring): void {
  const { workspace } = o;
  const host: CommandHost = {
    connection: o.connection,
    settings: o.settings,
    workspaceTrusted: o.workspaceTrusted,
    supportsProgress: () => !!o.capabilities().window?.workDoneProgress,
    uriToPath,
    environmentReady: o.environment.ready,
    venvRoot: o.environment.venvRoot,
    installed: o.environment.installed,
    indexArgs: o.index.indexArgs,
    knownHashes: o.index.knownHashes,
    downloads: o.index.downloads,
    prefetch: o.index.prefetch,
    reachIndex: o.index.reachIndex,
    // Commands are explicit actions: they read what the disk holds now (an open file: the editor's text).
    readFile: (filePath) => {
      workspace.store.reload(filePath);
      return workspace.store.text(filePath);
    },
    isDirty: (filePath) => {
      const open = o.documents.get(o.documents.keys().find((u) => uriToPath(u) === filePath) ?? '');
      return open ? o.isDirtyOnDisk(filePath, open.getText()) : false;
    },
    openEditor: (filePath) => {
      const uri = o.capabilities().workspace?.applyEdit ? o.documents.keys().find((u) => uriToPath(u) === filePath) : undefined;
      if (!uri) return undefined;
      return async (text, label) => {
        const doc = o.documents.get(uri);
        if (!doc) return undefined;
        const edit = replacingEdit(doc, text);
        if (!edit) return ''; // the editor shows that text already
        const { applied } = await o.connection.workspace.applyEdit({ label, edit: { changes: { [uri]: [edit] } } });
        return applied ? ` ${path.basename(filePath)} is open: changed in the editor (undo reverts it), not yet saved.` : undefined;
      };
    },
    log: o.log,
    changed: (paths) => {
      for (const p of paths) workspace.store.reload(p);
      o.changed(paths);
    },
  };
  const freeze = freezeCommands({
    ...host,
    document: (filePath) => workspace.store.document(filePath),
    frozen: (filePath) => {
      const ctx = workspace.contextOf(filePath);
      return ctx && o.service.frozen(ctx, true);
    },
    snapshot: o.environment.snapshot,
    canApplyEdit: () => !!o.capabilities().workspace?.applyEdit,
  });
  registerCommands(host, o.problems, { ...freeze, ...convertCommand(host) });
}
