// Refactors of the requirement under the cursor: pin to the installed or the newest allowed release, upgrade a
// pin, loosen it to a compatible release; the versions are in the titles.

import { CodeActionKind, TextEdit, type CodeAction } from 'vscode-languageserver-types';
import { lineAt, shown } from '../../syntax/query.js';
import type { ParsedDocument } from '../../syntax/types.js';
import { fileEdit } from './edits.js';
import { isNewer } from '../../shared/pep440.js';

export function pinActions(
  uri: string,
  doc: ParsedDocument,
  cursor: { line: number; character: number },
  versions: { installed?: string; latest?: string; boundedBy?: string; cooldown?: { version: string; days: number } },
): CodeAction[] {
  const line = lineAt(doc, cursor.line, cursor.character);
  const r = line?.requirement;
  if (!r?.name || r.url || r.path) return [];
  // A line pip rejects has no specifier to replace (`django=5.0`): an insert after the name would keep the bad one.
  if (line?.diagnostics.some((d) => d.severity === 'error')) return [];
  const name = shown(r.name);
  const out: CodeAction[] = [];
  const at = r.specifier?.range ?? r.extras?.range ?? r.name.range;
  const replace = (text: string) => (r.specifier ? TextEdit.replace(r.specifier.range, text) : TextEdit.insert(at.end, text));
  // A pin a variable gives is not read: the loosened series would tell its value.
  const clause = r.specifier?.clauses.length === 1 && r.specifier.clauses[0].operator.text === '==' ? r.specifier.clauses[0] : undefined;
  const pinned = clause?.version?.written === undefined ? clause?.version?.text : undefined;
  if (versions.installed && pinned !== versions.installed)
    out.push({
      title: `Pin ${name} to the installed ${versions.installed}`,
      kind: CodeActionKind.RefactorRewrite,
      edit: fileEdit(uri, [replace(`==${versions.installed}`)]),
    });
  // A pin newer than the release offered (inside the cooldown, a pre-release) is taken back, and the title says so.
  const verb = (to: string) => (pinned ? (isNewer(pinned, to) ? 'Downgrade' : 'Upgrade') : 'Pin');
  if (versions.latest && pinned !== versions.latest) {
    // With a newer release inside the cooldown, this one is not 'the latest': the title says which it is.
    const bound = versions.boundedBy ? ` (the newest ${versions.boundedBy} allows)` : '';
    const why = versions.cooldown ? ` (the newest outside the ${versions.cooldown.days}-day cooldown)` : bound;
    const to = `${name} to ${versions.latest}${why}`;
    const title = pinned || versions.cooldown ? `${verb(versions.latest)} ${to}` : `Pin ${name} to the latest ${versions.latest}${why}`;
    out.push({ title, kind: CodeActionKind.RefactorRewrite, edit: fileEdit(uri, [replace(`==${versions.latest}`)]) });
  }
  if (versions.cooldown && pinned !== versions.cooldown.version) {
    const { version, days } = versions.cooldown;
    const title = `${verb(version)} ${name} to ${version} (inside the ${days}-day cooldown)`;
    out.push({ title, kind: CodeActionKind.RefactorRewrite, edit: fileEdit(uri, [replace(`==${version}`)]) });
  }
  if (pinned && /^\d+\.\d+/.test(pinned)) {
    const series = pinned.split('.').slice(0, 2).join('.');
    out.push({ title: `Loosen to compatible release ~=${series}`, kind: CodeActionKind.RefactorRewrite, edit: fileEdit(uri, [replace(`~=${series}`)]) });
  }
  return out;
}
