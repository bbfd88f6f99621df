// The edits of the whole-file source actions, computed in codeAction/resolve: sort, normalize names, pin every
// unpinned requirement, upgrade every pin, add hashes for every pin. Facts come in as functions.

import { TextEdit } from 'vscode-languageserver-types';
import type { LogicalLine, ParsedDocument } from '../../syntax/types.js';
import { eolOf, exactPin, hashContinuation, plainRequirement, positionAtEnd } from './edits.js';

/**
 * Sorts requirement lines by normalized name. Comment lines directly above a requirement move with it,
 * as do pip-compile's indented `# via` lines below it; options met among the requirements go on top of
 * them, and blank lines between requirements are dropped. The file's leading comments stay where they are.
 */
export function sortEdits(doc: ParsedDocument): TextEdit[] {
  const lines = doc.lines;
  const text = doc.text;
  const physical = (l: LogicalLine) => {
    const body = text.slice(doc.lineStarts[l.firstLine], l.lastLine + 1 < doc.lineStarts.length ? doc.lineStarts[l.lastLine + 1] : text.length);
    return /[\r\n]$/.test(body) ? body : body + '\n';
  };
  const firstReq = lines.findIndex((l) => l.kind === 'requirement');
  if (firstReq === -1) return [];
  let blockStart = firstReq;
  while (blockStart > 0 && lines[blockStart - 1].kind === 'comment') blockStart--;
  const groups: { key: string; text: string }[] = [];
  const top: string[] = [];
  let pending = '';
  for (let i = blockStart; i < lines.length; i++) {
    const l = lines[i];
    if (l.kind === 'requirement') {
      let chunk = pending + physical(l);
      pending = '';
      while (i + 1 < lines.length && lines[i + 1].kind === 'comment' && /^\s+#/.test(lines[i + 1].text)) chunk += physical(lines[++i]);
      groups.push({ key: l.project ?? l.text, text: chunk });
    } else if (l.kind === 'comment') pending += physical(l);
    else if (l.kind !== 'blank') {
      top.push(pending + physical(l));
      pending = '';
    }
  }
  const sorted = [...groups].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let rebuilt = top.join('') + sorted.map((g) => g.text).join('') + pending;
  const start = doc.lineStarts[lines[blockStart].firstLine];
  if (!/[\r\n]$/.test(text)) rebuilt = rebuilt.replace(/\r?\n$/, '');
  if (rebuilt === text.slice(start)) return [];
  return [TextEdit.replace({ start: { line: lines[blockStart].firstLine, character: 0 }, end: positionAtEnd(doc) }, rebuilt)];
}

export function normalizeEdits(doc: ParsedDocument): TextEdit[] {
  const out: TextEdit[] = [];
  for (const line of doc.lines) {
    const name = line.project ? line.requirement?.name : undefined;
    if (name && name.text !== name.normalized && line.requirement?.url?.egg === undefined) out.push(TextEdit.replace(name.range, name.normalized));
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
