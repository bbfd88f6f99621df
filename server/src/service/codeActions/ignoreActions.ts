// "Ignore GHSA-… until …": a `vulnerable` diagnostic's quick fix that writes an `[[IgnoredVulns]]` entry, with an end
// date 90 days out and a reason to fill in, to the `osv-scanner.toml` beside the file (created when missing). The
// entry is reviewed like any other change; past its date it hides nothing.

import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver-types';
import { pathToFileURL } from 'node:url';
import type { VulnerableData } from '../vulnerabilities.js';
import { ignoreEntryText, REASON_TO_WRITE } from '../supplyChain/osvIgnores.js';

/** The ignore file a fix writes to: its path, and its text when it exists (undefined: missing, or not read yet). */
export interface IgnoreFileFacts {
  path: string;
  exists: boolean;
  text?: string;
  /** Whether the client creates files in a WorkspaceEdit. */
  createFiles: boolean;
  now: Date;
}

const DAYS = 90;

export function ignoreFixes(diagnostics: Diagnostic[], file: IgnoreFileFacts): CodeAction[] {
  // An existing file whose text is not read yet is left alone: an entry put above its top-level keys would capture them.
  if (file.exists && file.text === undefined) return [];
  if (!file.exists && !file.createFiles) return [];
  const until = new Date(file.now.getTime() + DAYS * 86_400_000);
  const date = until.toISOString().slice(0, 10);
  const uri = pathToFileURL(file.path).toString();
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    const data = d.data as VulnerableData | undefined;
    if (d.code !== 'vulnerable' || !Array.isArray(data?.ids)) continue;
    for (const id of data.ids.slice(0, 5)) {
      const existing = file.text ?? '';
      const insert = ignoreEntryText(id, until, REASON_TO_WRITE, existing);
      const end = endOf(existing);
      const textEdit = { range: { start: end, end }, newText: insert };
      out.push({
        title: `Ignore ${id} until ${date} (osv-scanner.toml, with a reason to write)`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        edit: file.exists
          ? { changes: { [uri]: [textEdit] } }
          : {
              documentChanges: [
                { kind: 'create', uri, options: { ignoreIfExists: true } },
                { textDocument: { uri, version: null }, edits: [textEdit] },
              ],
            },
      });
    }
  }
  return out;
}

/** The position after the last character of a text (LSP lines end at \n, \r\n and \r). */
function endOf(text: string): { line: number; character: number } {
  const lines = text.split(/\r\n|\r|\n/);
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}
