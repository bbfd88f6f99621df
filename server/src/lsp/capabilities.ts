// What the server announces in its `initialize` answer.

import { CodeActionKind, TextDocumentSyncKind, type ServerCapabilities } from 'vscode-languageserver/node.js';
import { COMMANDS } from './commands.js';
import { SOURCE_KINDS } from '../service/index.js';
import { SEMANTIC_TOKENS_LEGEND } from '../service/semanticTokens.js';

/** `pullDiagnostics`: the client pulls (textDocument/diagnostic); otherwise the server pushes. */
export function serverCapabilities(pullDiagnostics: boolean): ServerCapabilities {
  return {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
    documentSymbolProvider: true,
    documentLinkProvider: { resolveProvider: false },
    foldingRangeProvider: true,
    hoverProvider: true,
    definitionProvider: true,
    referencesProvider: true,
    inlayHintProvider: true,
    executeCommandProvider: { commands: Object.values(COMMANDS) },
    codeLensProvider: { resolveProvider: false },
    codeActionProvider: {
      codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite, CodeActionKind.Source, ...SOURCE_KINDS],
      resolveProvider: true,
    },
    completionProvider: { triggerCharacters: ['=', '>', '<', '~', '!', '[', ',', '-', ';', ' ', '/', '"', "'"], resolveProvider: true },
    semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true, range: true },
    ...(pullDiagnostics ? { diagnosticProvider: { identifier: 'requirements', interFileDependencies: true, workspaceDiagnostics: false } } : {}),
  };
}
