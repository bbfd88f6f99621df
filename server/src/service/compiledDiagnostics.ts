// A compiled file against its `.in`: what the `.in` asks for but the file does not pin, pins the `.in` now
// excludes, and top-level pins the `.in` no longer names. Recompiling fixes all three.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import { shown } from '../syntax/query.js';
import type { ParsedDocument, Range } from '../syntax/types.js';
import { compiledHeader, readAnnotations, UNSAFE_PACKAGES, type CompiledFile, type ViaEntry } from '../workspace/annotations.js';
import type { FileReader } from '../workspace/includes.js';
import { baseFolders, resolveSourcePath } from '../workspace/provenance.js';
import { readPyproject } from '../workspace/pyproject.js';
import { isPyproject, pyprojectAsks } from '../workspace/pyprojectSources.js';
import type { SourceDocument } from '../workspace/sourceSpecifiers.js';
import { SOURCE } from './convert.js';
import { versionSatisfies } from './environmentDiagnostics.js';
import { DiagnosticCode } from '../syntax/diagnosticCodes.js';

interface Asked {
  file: string;
  range: Range;
  /** The requirement as written there, for messages. */
  text: string;
  name: string;
  specifier?: string;
  /** The specifier for messages: as written, `${NAME}` kept where a variable gives it. */
  shownSpecifier?: string;
  /** Behind a marker: still asked for, but the environment the file was compiled for may have left it out. */
  conditional: boolean;
}

/** What compiledDiagnostics reads of other files, from the workspace store (a FileContext has both). */
export interface CompiledSources {
  /** A `.in` and every file it includes, the `.in` first (the same array while none changed). */
  sourcesOf(source: string): readonly SourceDocument[] | undefined;
  /** Other files' texts (pyproject.toml). */
  texts: FileReader;
}

// The `.in` sources' requests, once per set of source documents (the store hands out the same array while none changed).
const askedMemo = new WeakMap<readonly SourceDocument[], Map<string, Asked[]>>();

/**
 * What a source asks for: a requirements file and the files it includes with -r (not -c: constraints ask
 * for nothing), or the parts of a pyproject.toml the header's command compiled.
 */
function askedFor(source: string, compiled: CompiledFile, folder: string, read: CompiledSources): Map<string, Asked[]> | undefined {
  if (isPyproject(source)) {
    const out = new Map<string, Asked[]>();
    const add = (key: string, a: Asked) => out.set(key, [...(out.get(key) ?? []), a]);
    const text = read.texts(source);
    if (text === undefined) return undefined;
    for (const { dependency: d } of pyprojectAsks(readPyproject(text), compiled.command, source, folder)) {
      // A marker still asks for the name; whether the pin must exist is decided below (conditional).
      if (d.name && d.written && d.range)
        add(d.name, { file: source, range: d.range, text: d.value, name: d.written, specifier: d.specifier, conditional: !!d.marker });
    }
    return out;
  }
  const sources = read.sourcesOf(source);
  if (!sources) return undefined;
  let hit = askedMemo.get(sources);
  if (!hit) askedMemo.set(sources, (hit = collectAsked(sources)));
  return hit;
}

function collectAsked(sources: readonly SourceDocument[]): Map<string, Asked[]> {
  const files = sources.filter((f) => f.kind === 'requirement');
  const out = new Map<string, Asked[]>();
  const add = (key: string, a: Asked) => out.set(key, [...(out.get(key) ?? []), a]);
  for (const f of files) {
    for (const line of f.document.lines) {
      const r = line.project ? line.requirement : undefined;
      if (!r?.name) continue;
      const specifier = r.specifier && { specifier: r.specifier.text, shownSpecifier: shown(r.specifier) };
      add(line.project!, {
        file: f.path,
        range: line.range,
        text: (line.written ?? line.text).trim(),
        name: shown(r.name),
        ...specifier,
        conditional: !!r.marker,
      });
    }
  }
  return out;
}

/** A `# via` entry that says the source itself asked for the pin (not a constraint, override or build backend). */
function namesSource(v: ViaEntry): v is Extract<ViaEntry, { kind: 'file' | 'project' }> {
  if (v.kind === 'file') return v.option === '-r';
  return v.kind === 'project' && !v.override && v.build?.part !== 'backend';
}

/** The locations a not-compiled warning lists: enough to find each, few enough to publish at once. */
const MAX_RELATED = 100;

/** `lists`: for each name one file asks for and the compiled file does not pin, where that file asks for it. */
function notCompiled(lists: Asked[][], where: (a: Asked) => string, range: Range, sourceName: string): Diagnostic {
  const first = lists[0][0];
  const asks = lists.flat();
  const related = asks.slice(0, MAX_RELATED).map((a) => ({ location: { uri: pathToFileURL(a.file).toString(), range: a.range }, message: `'${a.text}' here` }));
  const names = lists
    .slice(0, 3)
    .map((l) => `'${l[0].name}'`)
    .join(', ');
  const message =
    lists.length === 1
      ? `${where(first)} asks for '${first.name}', which this file does not pin: recompile ${sourceName}.`
      : `${where(first).replace(/:\d+$/, '')} asks for ${lists.length} requirements this file does not pin (${names}${lists.length > 3 ? ', …' : ''}): recompile ${sourceName}.`;
  return { range, severity: DiagnosticSeverity.Warning, code: DiagnosticCode.NotCompiled, source: SOURCE, message, relatedInformation: related };
}

/** `source`: one of the file's checked sources (a `.in` or pyproject.toml); `read`: the file's context. */
export function compiledDiagnostics(filePath: string, doc: ParsedDocument, source: string, read: CompiledSources): Diagnostic[] {
  // A hand-written .txt beside an .in is not its compiled form: only a header or `# via` lines say it is.
  // The text is looked at first, so a plain file's nodes are not built on every keystroke.
  if (!compiledHeader(doc).tool && !/#\s*via\b/.test(doc.text)) return [];
  const compiled = readAnnotations(doc);
  if (!compiled.tool && !compiled.annotated) return [];
  const folders = baseFolders(filePath, compiled.command);
  const asked = askedFor(source, compiled, folders[0], read);
  if (!asked) return [];
  const out: Diagnostic[] = [];
  const sourceName = path.basename(source);
  const where = (a: Asked) => `${path.relative(path.dirname(filePath), a.file) || path.basename(a.file)}:${a.range.start.line + 1}`;
  const firstLine = doc.lines.find((l) => l.kind !== 'blank')?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  /** What each file (the source and those it includes) asks for that this file does not pin, in the order written. */
  const unpinned = new Map<string, { lists: Asked[][]; at: number }>();
  for (const [name, all] of asked) {
    // A marker may leave the requirement out of the resolution the file was compiled for (markers are not
    // evaluated: the output is written for one environment): nothing to expect of the pin then.
    const list = all.filter((a) => !a.conditional);
    if (list.length === 0) continue;
    const pin = compiled.pins.get(name);
    // pip-compile lists pip and setuptools only as comments unless told --allow-unsafe.
    if (!pin && UNSAFE_PACKAGES.has(name)) continue;
    if (!pin) {
      // (the warning goes where the file's first miss was found, so the order of warnings stays that of the source)
      const group = unpinned.get(list[0].file) ?? unpinned.set(list[0].file, { lists: [], at: out.length }).get(list[0].file)!;
      group.lists.push(list);
      continue;
    }
    if (!pin.version) continue;
    const excluding = list.find((a) => a.specifier && !versionSatisfies(pin.version!, a.specifier.replace(/\s+/g, '')));
    if (excluding) {
      const r = pin.line.requirement;
      out.push({
        range: r?.specifier?.range ?? pin.line.range,
        severity: DiagnosticSeverity.Warning,
        code: DiagnosticCode.StalePin,
        source: SOURCE,
        message: `${where(excluding)} asks for '${excluding.name}${excluding.shownSpecifier ?? excluding.specifier}', which ${pin.version} is outside: recompile ${sourceName}.`,
        relatedInformation: [{ location: { uri: pathToFileURL(excluding.file).toString(), range: excluding.range }, message: `'${excluding.text}' here` }],
      });
    }
  }
  // One warning for each file that asks for what this file does not pin: a file far behind its source says so once
  // (a warning per requirement repeated one range thousands of times, and each cost the keystroke its publishing).
  for (const { lists, at } of [...unpinned.values()].reverse()) out.splice(at, 0, notCompiled(lists, where, firstLine, sourceName));
  // Pins annotated as coming from the .in itself that it no longer names (only where the file says so).
  for (const pin of compiled.pins.values()) {
    const fromSource = pin.via.some((v) => namesSource(v) && resolveSourcePath(folders, v.path, read.texts).file === source);
    if (!fromSource || asked.has(pin.normalized) || pin.via.some((v) => v.kind === 'package')) continue;
    out.push({
      range: pin.line.requirement?.name?.range ?? pin.line.range,
      severity: DiagnosticSeverity.Warning,
      code: DiagnosticCode.StalePin,
      source: SOURCE,
      message: `'${pin.name}' is pinned for ${sourceName}, which no longer asks for it: recompile ${sourceName}.`,
    });
  }
  return out;
}
