// Code actions: quick fixes attached to diagnostics, and source actions (sort, normalize names) over the file.

import { CodeActionKind, TextEdit, type CodeAction, type Diagnostic, type Range, type WorkspaceEdit } from 'vscode-languageserver-types';
import { lineAt } from '../syntax/query.js';
import type { LogicalLine, ParsedDocument } from '../syntax/types.js';
import { admitVersion } from './admitVersion.js';
import { eolOf, exactPin, hashContinuation } from './bulkActions.js';

export const SOURCE_SORT = `${CodeActionKind.Source}.sortRequirements`;
export const SOURCE_NORMALIZE = `${CodeActionKind.Source}.normalizeNames`;

/** Data carried by an action whose edit is computed in codeAction/resolve, so the menu opens at once. */
export interface LazyActionData {
  uri: string;
  action: 'sort' | 'normalize';
}

function wholeLines(line: LogicalLine, doc: ParsedDocument): Range {
  const next = line.lastLine + 1;
  return next < doc.lineStarts.length
    ? { start: { line: line.firstLine, character: 0 }, end: { line: next, character: 0 } }
    : { start: { line: line.firstLine, character: 0 }, end: line.range.end };
}

function edit(uri: string, edits: TextEdit[]): WorkspaceEdit {
  return { changes: { [uri]: edits } };
}

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
          edit: edit(uri, [TextEdit.replace(d.range, '==')]),
        });
        break;
      }
      case 'duplicate-requirement': {
        const related = d.relatedInformation?.[0];
        if (related && related.location.uri === uri) {
          out.push({ title: `Remove this duplicate of line ${related.location.range.start.line + 1}`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: edit(uri, [TextEdit.del(wholeLines(line, doc))]) });
        } else {
          out.push({ title: 'Remove this line (it is also required in an included file)', kind: CodeActionKind.QuickFix, diagnostics: [d], edit: edit(uri, [TextEdit.del(wholeLines(line, doc))]) });
        }
        break;
      }
      case 'unknown-marker-variable': {
        const hint = /did you mean '([a-z_]+)'/.exec(d.message)?.[1];
        if (hint) out.push({ title: `Change to '${hint}'`, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true, edit: edit(uri, [TextEdit.replace(d.range, hint)]) });
        break;
      }
      case 'ambiguous-option': {
        for (const candidate of /did you mean (.+)\?/.exec(d.message)?.[1].split(' or ') ?? []) {
          out.push({ title: `Change to '${candidate}'`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: edit(uri, [TextEdit.replace(d.range, candidate)]) });
        }
        break;
      }
    }
  }
  return out;
}

/** Source actions offered for the whole file; their edits are filled in by `resolveAction`. */
export function sourceActions(uri: string): CodeAction[] {
  return [
    { title: 'Sort requirements', kind: SOURCE_SORT, data: { uri, action: 'sort' } satisfies LazyActionData },
    { title: 'Normalize package names (PEP 503)', kind: SOURCE_NORMALIZE, data: { uri, action: 'normalize' } satisfies LazyActionData },
  ];
}

export function resolveAction(action: CodeAction, doc: ParsedDocument): CodeAction {
  const data = action.data as LazyActionData | undefined;
  if (!data?.uri) return action;
  if (data.action === 'sort') return { ...action, edit: edit(data.uri, sortEdits(doc)) };
  if (data.action === 'normalize') return { ...action, edit: edit(data.uri, normalizeEdits(doc)) };
  return action;
}

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

function positionAtEnd(doc: ParsedDocument): { line: number; character: number } {
  const last = doc.lineStarts.length - 1;
  return { line: last, character: doc.text.length - doc.lineStarts[last] };
}

export function normalizeEdits(doc: ParsedDocument): TextEdit[] {
  const out: TextEdit[] = [];
  for (const line of doc.lines) {
    const name = line.project ? line.requirement?.name : undefined;
    if (name && name.text !== name.normalized && line.requirement?.url?.egg === undefined) out.push(TextEdit.replace(name.range, name.normalized));
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
  out.push({ title: `Keep '${data.specifier}' here (change ${data.others.map((o) => o.where).join(', ')} to match)`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: { changes } });
  for (const o of data.others) {
    out.push({ title: `Keep '${o.specifier}' from ${o.where} (change this line)`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: edit(uri, [TextEdit.replace(d.range, o.specifier)]) });
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
      out.push(...keepEither(uri, d));
      continue;
    }
    const line = lineAt(doc, d.range.start.line, d.range.start.character);
    const r = line?.requirement;
    if (d.code === 'hash-mode' && line?.project && r?.name && !r.url && !r.path && r.hashes.length === 0) {
      const version = exactPin(r);
      const hashes = version ? facts.hashes?.(line.project, version) : undefined;
      if (version && hashes?.length) {
        out.push({ title: `Add ${hashes.length} --hash option${hashes.length === 1 ? '' : 's'} for ${r.name.text}==${version} (from the package index)`, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true, edit: edit(uri, [TextEdit.insert(r.range.end, hashContinuation(hashes, eolOf(doc)))]) });
      }
      continue;
    }
    const data = (d.data ?? {}) as { suggestion?: string; nearest?: string; installed?: string };
    if (d.code === 'unknown-package' && data.suggestion && r?.name) {
      out.push({ title: `Change to '${data.suggestion}'`, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true, edit: edit(uri, [TextEdit.replace(r.name.range, data.suggestion)]) });
    } else if (d.code === 'yanked' && data.nearest && r?.specifier) {
      out.push({ title: `Pin to ${data.nearest} (not yanked)`, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true, edit: edit(uri, [TextEdit.replace(r.specifier.range, `==${data.nearest}`)]) });
    } else if (d.code === 'version-mismatch' && data.installed && r?.specifier) {
      out.push({ title: `Pin to the installed ${data.installed}`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: edit(uri, [TextEdit.replace(r.specifier.range, `==${data.installed}`)]) });
      const admitted = admitVersion(r.specifier, data.installed);
      if (admitted) out.push({ title: `Admit the installed ${data.installed} (${admitted.replace(/\s+/g, '')})`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: edit(uri, [TextEdit.replace(r.specifier.range, admitted)]) });
    }
  }
  return out;
}

/** Pin or upgrade the requirement under the cursor, with the versions in the titles. */
export function pinActions(uri: string, doc: ParsedDocument, cursor: { line: number; character: number }, versions: { installed?: string; latest?: string; boundedBy?: string }): CodeAction[] {
  const r = lineAt(doc, cursor.line, cursor.character)?.requirement;
  if (!r?.name || r.url || r.path) return [];
  const out: CodeAction[] = [];
  const at = r.specifier?.range ?? (r.extras?.range ?? r.name.range);
  const replace = (text: string) => (r.specifier ? TextEdit.replace(r.specifier.range, text) : TextEdit.insert(at.end, text));
  const pinned = r.specifier?.clauses.length === 1 && r.specifier.clauses[0].operator.text === '==' ? r.specifier.clauses[0].version?.text : undefined;
  if (versions.installed && pinned !== versions.installed) out.push({ title: `Pin ${r.name.text} to the installed ${versions.installed}`, kind: CodeActionKind.RefactorRewrite, edit: edit(uri, [replace(`==${versions.installed}`)]) });
  if (versions.latest && pinned !== versions.latest) {
    const bound = versions.boundedBy ? ` (the newest ${versions.boundedBy} allows)` : '';
    out.push({ title: pinned ? `Upgrade ${r.name.text} to ${versions.latest}${bound}` : `Pin ${r.name.text} to the latest ${versions.latest}${bound}`, kind: CodeActionKind.RefactorRewrite, edit: edit(uri, [replace(`==${versions.latest}`)]) });
  }
  if (pinned && /^\d+\.\d+/.test(pinned)) {
    const series = pinned.split('.').slice(0, 2).join('.');
    out.push({ title: `Loosen to compatible release ~=${series}`, kind: CodeActionKind.RefactorRewrite, edit: edit(uri, [replace(`~=${series}`)]) });
  }
  return out;
}
