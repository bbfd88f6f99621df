// A compiled file against its `.in`: what the `.in` asks for but the file does not pin, pins the `.in` now
// excludes, and top-level pins the `.in` no longer names. Recompiling fixes all three.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import type { LogicalLine, ParsedDocument } from '../syntax/types.js';
import { compiledHeader, readAnnotations, UNSAFE_PACKAGES } from '../workspace/annotations.js';
import type { SourceDocument } from '../workspace/sourceSpecifiers.js';
import { SOURCE } from './convert.js';
import { versionSatisfies } from './environmentDiagnostics.js';

interface Asked {
  file: string;
  line: LogicalLine;
  name: string;
  specifier?: string;
}

// The sources' requests, once per set of source documents (the store hands out the same array while none changed).
const askedMemo = new WeakMap<readonly SourceDocument[], Map<string, Asked[]>>();

/** Requirements of the `.in` and the files it includes with -r (not -c: constraints ask for nothing). */
function askedFor(sources: readonly SourceDocument[]): Map<string, Asked[]> {
  let hit = askedMemo.get(sources);
  if (!hit) askedMemo.set(sources, (hit = collectAsked(sources)));
  return hit;
}

function collectAsked(sources: readonly SourceDocument[]): Map<string, Asked[]> {
  const files = sources.filter((f) => f.kind === 'requirement');
  const out = new Map<string, Asked[]>();
  for (const f of files) {
    for (const line of f.document.lines) {
      const r = line.project ? line.requirement : undefined;
      // A marker may leave the requirement out of this environment's resolution: nothing to expect then.
      if (!r?.name || r.marker) continue;
      const list = out.get(line.project!) ?? [];
      list.push({ file: f.path, line, name: r.name.text, specifier: r.specifier?.text });
      out.set(line.project!, list);
    }
  }
  return out;
}

/** `sources`: the `.in` (first) and every file it includes, from the workspace store. */
export function compiledDiagnostics(filePath: string, doc: ParsedDocument, source: string, sources: readonly SourceDocument[] | undefined): Diagnostic[] {
  // A hand-written .txt beside an .in is not its compiled form: only a header or `# via` lines say it is.
  // The text is looked at first, so a plain file's nodes are not built on every keystroke.
  if (!compiledHeader(doc).tool && !/#\s*via\b/.test(doc.text)) return [];
  const compiled = readAnnotations(doc);
  if (!compiled.tool && !compiled.annotated) return [];
  if (!sources) return [];
  const asked = askedFor(sources);
  const out: Diagnostic[] = [];
  const sourceName = path.basename(source);
  const where = (a: Asked) => `${path.relative(path.dirname(filePath), a.file) || path.basename(a.file)}:${a.line.firstLine + 1}`;
  const firstLine = doc.lines.find((l) => l.kind !== 'blank')?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  for (const [name, list] of asked) {
    const pin = compiled.pins.get(name);
    // pip-compile lists pip and setuptools only as comments unless told --allow-unsafe.
    if (!pin && UNSAFE_PACKAGES.has(name)) continue;
    if (!pin) {
      out.push({
        range: firstLine,
        severity: DiagnosticSeverity.Warning,
        code: 'not-compiled',
        source: SOURCE,
        message: `${where(list[0])} asks for '${list[0].name}', which this file does not pin: recompile ${sourceName}.`,
        relatedInformation: list.map((a) => ({ location: { uri: pathToFileURL(a.file).toString(), range: a.line.range }, message: `'${a.line.text.trim()}' here` })),
      });
      continue;
    }
    if (!pin.version) continue;
    const excluding = list.find((a) => a.specifier && !versionSatisfies(pin.version!, a.specifier.replace(/\s+/g, '')));
    if (excluding) {
      const r = pin.line.requirement;
      out.push({
        range: r?.specifier?.range ?? pin.line.range,
        severity: DiagnosticSeverity.Warning,
        code: 'stale-pin',
        source: SOURCE,
        message: `${where(excluding)} asks for '${excluding.name}${excluding.specifier}', which ${pin.version} is outside: recompile ${sourceName}.`,
        relatedInformation: [{ location: { uri: pathToFileURL(excluding.file).toString(), range: excluding.line.range }, message: `'${excluding.line.text.trim()}' here` }],
      });
    }
  }
  // Pins annotated as coming from the .in itself that it no longer names (only where the file says so).
  for (const pin of compiled.pins.values()) {
    const fromSource = pin.via.some((v) => v.kind === 'file' && v.option === '-r' && path.resolve(path.dirname(filePath), v.path) === source);
    if (!fromSource || asked.has(pin.normalized) || pin.via.some((v) => v.kind === 'package')) continue;
    out.push({
      range: pin.line.requirement?.name?.range ?? pin.line.range,
      severity: DiagnosticSeverity.Warning,
      code: 'stale-pin',
      source: SOURCE,
      message: `'${pin.name}' is pinned for ${sourceName}, which no longer asks for it: recompile ${sourceName}.`,
    });
  }
  return out;
}
