// Source actions over the whole file: pin every unpinned requirement, upgrade every pin, add hashes for every
// pin. Offered at once without edits; the edits are computed in codeAction/resolve from the facts at hand.

import { CodeActionKind, TextEdit, type CodeAction } from 'vscode-languageserver-types';
import type { LogicalLine, ParsedDocument, RequirementNode } from '../syntax/types.js';

export const SOURCE_PIN_ALL = `${CodeActionKind.Source}.pinAll`;
export const SOURCE_UPGRADE_ALL = `${CodeActionKind.Source}.upgradeAll`;
export const SOURCE_ADD_HASHES = `${CodeActionKind.Source}.addHashes`;

export type BulkAction = 'pinAll' | 'upgradeAll' | 'addHashes';

/** The exact pin of a line (`==1.2.3`), or undefined. */
export function exactPin(r: RequirementNode | undefined): string | undefined {
  const c = r?.specifier?.clauses;
  return c?.length === 1 && c[0].operator.text === '==' && c[0].version && !c[0].version.text.endsWith('.*') ? c[0].version.text : undefined;
}

function plainRequirement(line: LogicalLine): RequirementNode | undefined {
  if (!line.project) return undefined;
  const r = line.requirement;
  return r?.name && !r.url && !r.path && !r.editable ? r : undefined;
}

/** Which bulk actions make sense for this file (cheap: reads the `project` field and the text only). */
export function bulkActions(uri: string, doc: ParsedDocument): CodeAction[] {
  const requirements = doc.lines.filter((l) => l.project);
  if (requirements.length === 0) return [];
  const hasPins = requirements.some((l) => /==/.test(l.text));
  const hasUnpinned = requirements.some((l) => !/===?/.test(l.text));
  const out: CodeAction[] = [];
  if (hasUnpinned) out.push({ title: 'Pin all unpinned requirements (installed version, else the newest allowed release)', kind: SOURCE_PIN_ALL, data: { uri, action: 'pinAll' } });
  if (hasPins) {
    out.push({ title: 'Upgrade all pins to the newest releases allowed', kind: SOURCE_UPGRADE_ALL, data: { uri, action: 'upgradeAll' } });
    out.push({ title: 'Add --hash options for all pins (from the package index)', kind: SOURCE_ADD_HASHES, data: { uri, action: 'addHashes' } });
  }
  return out;
}

/** `name` → `name==<version>` (or the specifier replaced by it) for each requirement without an exact pin. */
export function pinAllEdits(doc: ParsedDocument, versionFor: (name: string, specifier: string | undefined) => string | undefined): TextEdit[] {
  const out: TextEdit[] = [];
  for (const line of doc.lines) {
    const r = plainRequirement(line);
    if (!r || r.specifier?.clauses.some((c) => c.operator.text === '===' || (c.operator.text === '==' && !c.version?.text.endsWith('.*')))) continue;
    const version = versionFor(line.project!, r.specifier?.text);
    if (!version) continue;
    out.push(r.specifier ? TextEdit.replace(r.specifier.range, `==${version}`) : TextEdit.insert((r.extras?.range ?? r.name!.range).end, `==${version}`));
  }
  return out;
}

/** Each `==old` → `==new` where `newer(name, old)` names a different release. */
export function upgradeAllEdits(doc: ParsedDocument, newer: (name: string, current: string) => string | undefined): TextEdit[] {
  const out: TextEdit[] = [];
  for (const line of doc.lines) {
    const r = plainRequirement(line);
    const current = exactPin(r);
    if (!r || !current) continue;
    const next = newer(line.project!, current);
    if (next && next !== current) out.push(TextEdit.replace(r.specifier!.range, `==${next}`));
  }
  return out;
}

/** The text that adds `--hash` options after a requirement, one per continued line as pip-compile writes them. */
export function hashContinuation(hashes: string[], eol: string): string {
  return hashes.map((h) => ` \\${eol}    --hash=${h}`).join('');
}

export function eolOf(doc: ParsedDocument): string {
  return doc.text.includes('\r\n') ? '\r\n' : '\n';
}

/** Adds `--hash` for every exact pin that has none yet and whose release the index knows hashes for. */
export function addHashesEdits(doc: ParsedDocument, hashesFor: (name: string, version: string) => string[] | undefined): TextEdit[] {
  const out: TextEdit[] = [];
  const eol = eolOf(doc);
  for (const line of doc.lines) {
    const r = plainRequirement(line);
    const version = exactPin(r);
    if (!r || !version || r.hashes.length > 0) continue;
    const hashes = hashesFor(line.project!, version);
    if (hashes?.length) out.push(TextEdit.insert(r.range.end, hashContinuation(hashes, eol)));
  }
  return out;
}
