// Go to definition, find references, and the resolved version beside each `.in` requirement.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InlayHintKind, type InlayHint, type Location, type Position } from 'vscode-languageserver-types';
import { lineAt } from '../syntax/query.js';
import type { LogicalLine, ParsedDocument, Range } from '../syntax/types.js';
import { readAnnotations, type AnnotatedPin, type ViaEntry } from '../workspace/annotations.js';
import { resolveIncludeTarget, type DocumentReader, type FileReader } from '../workspace/includes.js';
import { buildProvenance, type SourceLocation } from '../workspace/provenance.js';
import { isSettled } from './settledLines.js';

const uriOf = (p: string) => pathToFileURL(p).toString();
const START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function inside(r: Range, p: Position): boolean {
  if (p.line < r.start.line || p.line > r.end.line) return false;
  if (p.line === r.start.line && p.character < r.start.character) return false;
  return !(p.line === r.end.line && p.character > r.end.character);
}

/**
 * The package the cursor is on: a requirement's name (with its line), the path or URL of a requirement without a
 * name, or an entry inside a `# via` comment (with the pin it annotates).
 */
function packageAt(doc: ParsedDocument, position: Position): { name: string; line?: LogicalLine; via?: ViaEntry; pin?: AnnotatedPin } | undefined {
  const line = lineAt(doc, position.line, position.character);
  const r = line?.requirement;
  if (r?.name && r.name.written === undefined && inside(r.name.range, position)) return { name: r.name.normalized, line };
  const target = r && !r.name ? (r.path ?? r.url) : undefined;
  if (target && inside(target.range, position)) return { name: '', line };
  if (line?.kind === 'comment' || line?.comment) {
    for (const pin of readAnnotations(doc).all) {
      const via = pin.via.find((v) => inside(v.range, position));
      if (via) return { name: via.kind === 'package' ? via.normalized : '', via, pin };
    }
  }
  return undefined;
}

/** Where a source asks for a package; the top of the file when it no longer does; nothing for URLs and missing files. */
function sourceLocation(loc: SourceLocation): Location | undefined {
  if (!loc.file || !loc.exists) return undefined;
  return { uri: uriOf(loc.file), range: loc.range ?? START };
}

/** `read`: other requirements files' trees; `readText`: other sources' texts (pyproject.toml). */
export function definition(filePath: string, doc: ParsedDocument, position: Position, read: DocumentReader, readText: FileReader): Location[] {
  // A place that leads elsewhere in the file (pyproject.toml's include-group: the group).
  for (const ref of doc.references ?? []) if (inside(ref.range, position)) return [{ uri: uriOf(filePath), range: ref.target }];
  const line = lineAt(doc, position.line, position.character);
  // -r / -c: the file itself.
  for (const o of line?.options ?? []) {
    if ((o.canonical === '--requirement' || o.canonical === '--constraint') && o.value && inside(o.value.range, position)) {
      // A path a variable gives leads nowhere: the location would hold its value (as links.ts says).
      if (o.value.written !== undefined) return [];
      const target = resolveIncludeTarget(filePath, o.value.text);
      return target ? [{ uri: uriOf(target), range: START }] : [];
    }
  }
  const at = packageAt(doc, position);
  if (!at) return [];
  const prov = buildProvenance(filePath, doc, read, readText);
  if (at.via && at.via.kind !== 'package') {
    // A source in `# via`: the line of that source that asks for the annotated pin.
    const loc = sourceLocation(prov.locate(at.via, at.pin!.normalized, at.pin));
    return loc ? [loc] : [];
  }
  // Every pin of a name: uv's `--universal` pins one name once for each marker.
  const pinsNamed = (name: string) => prov.compiled.all.filter((p) => p.normalized === name && p.line.requirement?.name);
  const here = (p: AnnotatedPin): Location => ({ uri: uriOf(filePath), range: p.line.requirement!.name!.range });
  if (at.via) return pinsNamed(at.name).map(here);
  // The line's own pin: of several pins of one name, each has its own sources.
  const pin = (at.line && prov.pinAt(at.line)) || prov.compiled.pins.get(at.name);
  if (!pin) return [];
  const out: Location[] = [];
  for (const v of pin.via) {
    if (v.kind !== 'package') {
      const loc = sourceLocation(prov.locate(v, pin.normalized, pin));
      if (loc) out.push(loc);
    } else out.push(...pinsNamed(v.normalized).map(here));
  }
  return out;
}

export function references(
  filePath: string,
  doc: ParsedDocument,
  position: Position,
  read: DocumentReader,
  readText: FileReader,
  includeDeclaration: boolean,
): Location[] {
  const at = packageAt(doc, position);
  if (!at?.name) return [];
  const prov = buildProvenance(filePath, doc, read, readText);
  const out: Location[] = [];
  const own = prov.compiled.pins.get(at.name);
  if (includeDeclaration && own?.line.requirement?.name) out.push({ uri: uriOf(filePath), range: own.line.requirement.name.range });
  for (const pin of prov.compiled.pins.values()) {
    for (const v of pin.via) if (v.kind === 'package' && v.normalized === at.name) out.push({ uri: uriOf(filePath), range: v.range });
  }
  // Every source that asks for it, as its annotation names them; the compiled file's sources when it has none.
  const located = (own?.via ?? []).flatMap((v) => (v.kind === 'package' ? [] : [prov.locate(v, at.name)]));
  const fallback = located.some((l) => l.range) ? [] : [prov.sourceOf(at.name)];
  const seen = new Set<string>();
  for (const l of [...located, ...fallback]) {
    if (!l?.file || !l.range) continue;
    const key = `${l.file}:${l.range.start.line}:${l.range.start.character}`;
    if (!seen.has(key)) out.push({ uri: uriOf(l.file), range: l.range });
    seen.add(key);
  }
  return out;
}

/** In a `.in` file: `→ 5.0.6` after each requirement that the compiled `.txt` of the same stem pins. */
export function resolvedVersionHints(filePath: string, doc: ParsedDocument, read: DocumentReader, range?: Range): InlayHint[] {
  if (!/\.in$/i.test(filePath)) return [];
  const compiledPath = filePath.replace(/\.in$/i, '.txt');
  const compiled = read(compiledPath);
  if (compiled === undefined) return [];
  const pins = readAnnotations(compiled).pins;
  const out: InlayHint[] = [];
  for (const line of doc.lines) {
    if (!line.project || (range && (line.lastLine < range.start.line || line.firstLine > range.end.line))) continue;
    const pin = pins.get(line.project);
    // Syntax first: `flask>=` or `flask=2.0` is not a requirement yet, so no pin is shown for it.
    const r = isSettled(line) ? line.requirement : undefined;
    if (!pin?.version || !r) continue;
    const end = (r.marker ?? r.specifier ?? r.extras ?? r.name)!.range.end;
    out.push({
      position: end,
      label: `→ ${pin.version}`,
      kind: InlayHintKind.Type,
      paddingLeft: true,
      tooltip: `Pinned to ${pin.version} in ${path.basename(compiledPath)}`,
    });
  }
  return out;
}
