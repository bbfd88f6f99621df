// Document symbols: one per requirement (kind Package) and one per option.

import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver-types';
import { redact } from '../index/credentials.js';
import { shown } from '../syntax/query.js';
import type { ParsedDocument } from '../syntax/types.js';

/** Outlines of huge files are cut here (yaml-language-server#216 froze on 50k-line outlines). */
export const MAX_SYMBOLS = 5000;

export function documentSymbols(doc: ParsedDocument): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const line of doc.lines) {
    if (out.length >= MAX_SYMBOLS) break;
    const r = line.requirement;
    if (r && (r.name || r.url || r.path)) {
      // As written (`${NAME}` kept), with the credentials of a URL masked: an outline is shown, and may be shared.
      const label = r.name ? shown(r.name) : r.url ? redact(shown(r.url)) : shown(r.path!);
      const detail = [
        r.editable ? '-e' : '',
        r.specifier ? shown(r.specifier) : '',
        r.url && r.name ? `@ ${redact(shown(r.url))}` : '',
        r.marker ? `; ${shown(r.marker).trim()}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      const selection = r.name?.range ?? r.url?.range ?? r.path!.range;
      out.push({ name: label || '?', detail, kind: SymbolKind.Package, range: line.range, selectionRange: within(selection, line.range) });
      continue;
    }
    for (const o of line.options) {
      if (!o.canonical || o.canonical === '--editable') continue;
      out.push({ name: shown(o.flag), detail: o.value ? redact(shown(o.value)) : '', kind: SymbolKind.Property, range: o.range, selectionRange: o.flag.range });
    }
  }
  return out;
}

function within(inner: DocumentSymbol['range'], outer: DocumentSymbol['range']): DocumentSymbol['range'] {
  const before = (a: DocumentSymbol['range']['start'], b: DocumentSymbol['range']['start']) =>
    a.line < b.line || (a.line === b.line && a.character < b.character);
  if (before(inner.start, outer.start) || before(outer.end, inner.end)) return outer;
  return inner;
}
