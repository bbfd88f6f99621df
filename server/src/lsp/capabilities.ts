// What the server announces in its `initialize` answer.

import { CodeActionKind, TextDocumentSyncKind, type ServerCapabilities } from 'vscode-languageserver/node.js';
import { COMMANDS } from './commands.js';
import {
  SOURCE_ADD_HASHES,
  SOURCE_COMPILE,
  SOURCE_DERIVE_IN,
  SOURCE_FIX_VULNERABILITIES,
  SOURCE_INSTALL,
  SOURCE_NORMALIZE,
  SOURCE_PIN_ALL,
  SOURCE_SORT,
  SOURCE_UPGRADE_ALL,
} from '../service/index.js';
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
      codeActionKinds: [
        CodeActionKind.QuickFix,
        CodeActionKind.RefactorRewrite,
        CodeActionKind.Source,
        SOURCE_SORT,
        SOURCE_NORMALIZE,
        SOURCE_PIN_ALL,
        SOURCE_UPGRADE_ALL,
        SOURCE_ADD_HASHES,
        SOURCE_COMPILE,
        SOURCE_INSTALL,
        SOURCE_FIX_VULNERABILITIES,
        SOURCE_DERIVE_IN,
      ],
      resolveProvider: true,
    },
    completionProvider: { triggerCharacters: ['=', '>', '<', '~', '!', '[', ',', '-', ';', ' ', '/', '"', "'"], resolveProvider: true },
    semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true, range: true },
    ...(pullDiagnostics ? { diagnosticProvider: { identifier: 'requirements', interFileDependencies: true, workspaceDiagnostics: false } } : {}),
  };
}
