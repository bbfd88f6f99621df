// Open documents and watched files into the workspace store: the editor's copy of a file is the store's copy
// while it is open (unless it is too large to analyse: then the store keeps the disk's copy, which the
// disk layer reads only up to its own limit); a file the client says changed on disk is re-read off the
// request path.

import { DidChangeWatchedFilesNotification, type ClientCapabilities, type Connection, type TextDocuments } from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ProblemStore } from './commands.js';
import { uriToPath } from '../shared/uri.js';
import type { Workspace } from '../workspace/index.js';
import { tooLarge } from './documentSize.js';
import type { SmallFiles } from '../workspace/smallFiles.js';
import { OSV_IGNORE_FILE } from './osvIgnoreFiles.js';

export function syncDocuments(o: {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  workspace: Workspace;
  diagnostics: { schedule(uri: string): void; refreshDependents(filePath: string): void };
  compileProblems: ProblemStore;
  /** Small files read off the request path (osv-scanner.toml): a watched change re-checks one now, not in 5 s at the next read. */
  smallFiles?: Pick<SmallFiles, 'recheck'>;
  pull(): boolean;
}): void {
  const { connection, documents, workspace, diagnostics } = o;
  documents.onDidChangeContent((e) => {
    const filePath = uriToPath(e.document.uri);
    if (tooLarge(e.document)) {
      workspace.store.close(filePath);
      workspace.forget(filePath);
    } else workspace.store.setOpen(filePath, e.document.version, e.document.getText());
    o.compileProblems.delete(filePath);
    diagnostics.schedule(e.document.uri);
    diagnostics.refreshDependents(filePath);
  });
  documents.onDidClose((e) => {
    const filePath = uriToPath(e.document.uri);
    workspace.store.close(filePath);
    workspace.forget(filePath);
    if (!o.pull()) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    diagnostics.refreshDependents(filePath);
  });
  connection.onDidChangeWatchedFiles((e) => {
    for (const change of e.changes) {
      workspace.store.invalidate(uriToPath(change.uri));
      o.smallFiles?.recheck(uriToPath(change.uri));
    }
  });
}

/** Included files that are not open change on disk too; the client watches better than we can. */
export function watchFiles(connection: Connection, capabilities: ClientCapabilities): void {
  if (!capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) return;
  const watchers = [{ globPattern: '**/*.{txt,in}' }, { globPattern: '**/pyproject.toml' }, { globPattern: `**/${OSV_IGNORE_FILE}` }];
  void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }).catch(() => undefined);
}
