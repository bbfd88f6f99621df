// Quick fixes for the request's diagnostics: those the diagnostic alone decides (a typo, a duplicate line), and
// those that read what the index and environment diagnostics carry or the index knows (hashes of a release).

import { CodeActionKind, TextEdit, type CodeAction, type Diagnostic, type Range } from 'vscode-languageserver-types';
import { lineAt, shown } from '../../syntax/query.js';
import type { ParsedDocument } from '../../syntax/types.js';
import { admitVersion } from '../admitVersion.js';
import { eolOf, exactPin, fileEdit, hashContinuation, wholeLines } from './edits.js';

/** Quick fixes for the diagnostics in the request's context. */
export function quickFixes(uri: string, doc: ParsedDocument, diagnostics: Diagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    // Clients echo diagnostics back; one without a range (seen from Neovim 0.7 plugins) is skipped, not fatal.
    if (!d?.range?.start) continue;
    const line = lineAt(doc, d.range.start.line, d.range.start.character);
    if (!line) continue;
    switch (d.code) {
      case 'invalid-operator': {
        out.push({
          title: "Replace '=' with '=='",
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          isPreferred: true,
          edit: fileEdit(uri, [TextEdit.replace(d.range, '==')]),
        });
        break;
      }
      case 'duplicate-requirement': {
        // In a TOML array a line is an element: removing whole lines would break the array.
        if (line.host) break;
        const related = d.relatedInformation?.[0];
        if (related && related.location.uri === uri) {
          out.push({
            title: `Remove this duplicate of line ${related.location.range.start.line + 1}`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [d],
            edit: fileEdit(uri, [TextEdit.del(wholeLines(line, doc))]),
          });
        } else {
          out.push({
            title: 'Remove this line (it is also required in an included file)',
            kind: CodeActionKind.QuickFix,
            diagnostics: [d],
            edit: fileEdit(uri, [TextEdit.del(wholeLines(line, doc))]),
          });
        }
        break;
      }
      case 'unknown-marker-variable': {
        const hint = /did you mean '([a-z_]+)'/.exec(d.message)?.[1];
        if (hint)
          out.push({
            title: `Change to '${hint}'`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [d],
            isPreferred: true,
            edit: fileEdit(uri, [TextEdit.replace(d.range, hint)]),
          });
        break;
      }
      case 'ambiguous-option': {
        for (const candidate of /did you mean (.+)\?/.exec(d.message)?.[1].split(' or ') ?? []) {
          out.push({
            title: `Change to '${candidate}'`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [d],
            edit: fileEdit(uri, [TextEdit.replace(d.range, candidate)]),
          });
        }
        break;
      }
    }
  }
  return out;
}

interface ConflictData {
  specifier: string;
  others: { uri: string; range: Range; specifier: string; where: string }[];
}

/** `conflicting-specifiers`: make the lines agree, keeping this line's specifier or one of the others'. */
function keepEither(uri: string, d: Diagnostic): CodeAction[] {
  const data = d.data as ConflictData | undefined;
  if (!data?.others?.length || typeof data.specifier !== 'string') return [];
  const out: CodeAction[] = [];
  const changes: Record<string, TextEdit[]> = {};
  for (const o of data.others) (changes[o.uri] ??= []).push(TextEdit.replace(o.range, data.specifier));
  out.push({
    title: `Keep '${data.specifier}' here (change ${data.others.map((o) => o.where).join(', ')} to match)`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    edit: { changes },
  });
  for (const o of data.others) {
    out.push({
      title: `Keep '${o.specifier}' from ${o.where} (change this line)`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      edit: fileEdit(uri, [TextEdit.replace(d.range, o.specifier)]),
    });
  }
  return out;
}

/** Facts some quick fixes need from the package index. */
export interface FixFacts {
  /** `sha256:…` of every file of a release, when the index has been asked about the project. */
  hashes?(name: string, version: string): string[] | undefined;
}

/** Quick fixes that use the data the index and environment diagnostics carry. */
export function factFixes(uri: string, doc: ParsedDocument, diagnostics: Diagnostic[], facts: FixFacts = {}): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    if (!d?.range?.start) continue;
    if (d.code === 'conflicting-specifiers') {
      for (const fix of keepEither(uri, d)) out.push(fix);
      continue;
    }
    const line = lineAt(doc, d.range.start.line, d.range.start.character);
    const r = line?.requirement;
    if (d.code === 'hash-mode' && line?.project && r?.name && !r.url && !r.path && r.hashes.length === 0) {
      const version = exactPin(r);
      const hashes = version ? facts.hashes?.(line.project, version) : undefined;
      if (version && hashes?.length) {
        out.push({
          title: `Add ${hashes.length} --hash option${hashes.length === 1 ? '' : 's'} for ${shown(r.name)}==${version} (from the package index)`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          isPreferred: true,
          edit: fileEdit(uri, [TextEdit.insert(r.range.end, hashContinuation(hashes, eolOf(doc)))]),
        });
      }
      continue;
    }
    const data = (d.data ?? {}) as { suggestion?: string; nearest?: string; installed?: string };
    if (d.code === 'unknown-package' && data.suggestion && r?.name) {
      out.push({
        title: `Change to '${data.suggestion}'`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: true,
        edit: fileEdit(uri, [TextEdit.replace(r.name.range, data.suggestion)]),
      });
    } else if (d.code === 'yanked' && data.nearest && r?.specifier) {
      out.push({
        title: `Pin to ${data.nearest} (not yanked)`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: true,
        edit: fileEdit(uri, [TextEdit.replace(r.specifier.range, `==${data.nearest}`)]),
      });
    } else if (d.code === 'version-mismatch' && data.installed && r?.specifier) {
      out.push({
        title: `Pin to the installed ${data.installed}`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        edit: fileEdit(uri, [TextEdit.replace(r.specifier.range, `==${data.installed}`)]),
      });
      const admitted = admitVersion(r.specifier, data.installed);
      if (admitted)
        out.push({
          title: `Admit the installed ${data.installed} (${admitted.replace(/\s+/g, '')})`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          edit: fileEdit(uri, [TextEdit.replace(r.specifier.range, admitted)]),
        });
    }
  }
  return out;
}
