// Why a pin is in a compiled file: chains of `# via` parents up to the `.in` line that asked for it.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LogicalLine, ParsedDocument, Range } from '../syntax/types.js';
import { emptyFile, readAnnotations, type AnnotatedPin, type CompileCommand, type CompiledFile } from './annotations.js';
import { buildIncludeGraph, type DocumentReader, type FileReader } from './includes.js';
import { readPyproject, type Pyproject } from './pyproject.js';
import { isProjectFile, isPyproject, placeInPyproject, placeInSetupFile, sectionOf } from './pyprojectSources.js';
import type { SourceEntry, ViaEntry } from './viaSources.js';

/** Where a source named in `# via` asks for a package. */
export interface SourceLocation {
  entry: SourceEntry;
  /** The file the entry names (absolute), or the file it includes that asks for the package. */
  file?: string;
  /** Whether `file` could be read. */
  exists: boolean;
  /** Where the file asks for the package; undefined when it does not (a stale compiled file) or cannot say. */
  range?: Range;
  /** The part of a project file: `[project] dependencies`, `[dependency-groups] dev`, ... */
  section?: string;
  /** A URL source, without credentials. */
  url?: string;
}

export interface Chain {
  /** From the pin itself up to the package a source asked for. */
  packages: AnnotatedPin[];
  source?: SourceLocation;
}

export interface Provenance {
  /** `annotations` when read from `# via` comments; `environment` when derived from installed Requires-Dist. */
  origin: 'annotations' | 'environment';
  compiled: CompiledFile;
  /** The source files this compiled file came from (absolute paths). */
  sources: string[];
  /**
   * Why `name` is here. From annotations: one chain for each `# via` entry, in the order written (a
   * package entry continues up its shortest way to a source). From the environment: shortest chains first.
   */
  chains(name: string, limit?: number): Chain[];
  /** The same for the pin of one line: one without a project name, or one of several pins of a name. */
  chainsOf(pin: AnnotatedPin, limit?: number): Chain[];
  /** The pin a requirement line holds. */
  pinAt(line: LogicalLine): AnnotatedPin | undefined;
  /** Pins that list `name` among their `# via` parents: what `name` pulled in. */
  dependenciesOf(name: string): AnnotatedPin[];
  /** Where the source an entry names asks for `name` (for a pin without a name, `pin` says which line it is). */
  locate(entry: SourceEntry, name: string, pin?: AnnotatedPin): SourceLocation;
  /** Where the compiled file's own sources ask for `name` (for pins without annotations). */
  sourceOf(name: string): SourceLocation | undefined;
}

/**
 * The folders a compiled file's relative paths may be relative to: the folder the command ran in (read
 * from `-o requirements/base.txt`), then the file's own folder.
 */
export function baseFolders(filePath: string, command?: Pick<CompileCommand, 'outputFile'>): string[] {
  const own = path.dirname(filePath);
  const out = command?.outputFile;
  if (!out || out === '-' || path.isAbsolute(out)) return [own];
  const rel = path.normalize(out);
  const ran = filePath.endsWith(path.sep + rel) ? filePath.slice(0, -(rel.length + 1)) : undefined;
  return ran && ran !== own ? [ran, own] : [own];
}

/**
 * A path from the compiled file resolved against its base folders: the first that exists, else the first.
 * An absolute path from another machine (`-r /builds/app/requirements.in`) is also looked for by its name.
 */
export function resolveSourcePath(folders: string[], p: string, read: (p: string) => unknown): { file: string; exists: boolean } {
  const candidates = path.isAbsolute(p) ? [p, ...folders.map((f) => path.join(f, path.basename(p)))] : folders.map((f) => path.resolve(f, p));
  const hit = candidates.find((c) => read(c) !== undefined);
  return hit ? { file: hit, exists: true } : { file: candidates[0], exists: false };
}

/** The sources of a compiled file: the header's command, else a sibling `.in` of the same stem. */
/** `read` answers undefined for a file that cannot be read (a text or a document reader). */
export function sourceFiles(filePath: string, compiled: Pick<CompiledFile, 'sources'> & { command?: CompileCommand }, read: (p: string) => unknown): string[] {
  const folders = baseFolders(filePath, compiled.command);
  const named = compiled.sources
    .map((s) => resolveSourcePath(folders, s, read))
    .filter((r) => r.exists)
    .map((r) => r.file);
  if (named.length) return [...new Set(named)];
  const dir = path.dirname(filePath);
  const sibling = path.join(dir, path.basename(filePath).replace(/\.txt$/i, '') + '.in');
  return sibling !== filePath && read(sibling) !== undefined ? [sibling] : [];
}

/** A source that asks for a package (not a -c constraint or --override, which only bound its version). */
const asks = (v: ViaEntry) =>
  v.kind !== 'package' && !('option' in v && (v.option === '-c' || v.option === '--override')) && !(v.kind === 'project' && v.override);

const withoutCredentials = (url: string) => url.replace(/\/\/[^/@]*@/, '//');

/** `read`: other requirements files' trees (the store's); `readText`: other sources' texts (pyproject.toml, setup.py). */
export function buildProvenance(filePath: string, doc: ParsedDocument, read: DocumentReader, readText: FileReader): Provenance {
  const compiled = readAnnotations(doc);
  const folders = baseFolders(filePath, compiled.command);
  const sources = sourceFiles(filePath, compiled, read);
  const load = read;
  const pyprojects = new Map<string, Pyproject>();
  const pyproject = (p: string, text: string) => {
    if (!pyprojects.has(p)) pyprojects.set(p, readPyproject(text));
    return pyprojects.get(p)!;
  };
  const children = new Map<string, AnnotatedPin[]>();
  for (const pin of compiled.pins.values()) {
    for (const v of pin.via) {
      if (v.kind !== 'package') continue;
      const list = children.get(v.normalized) ?? [];
      list.push(pin);
      children.set(v.normalized, list);
    }
  }

  /** A requirements file and the files it includes: the line asking for `name`, or for the path or URL `target`. */
  const inRequirementsFile = (root: string, name: string, target?: string): { file: string; range?: Range } => {
    const rootDoc = load(root);
    if (!rootDoc) return { file: root };
    const places = target === undefined ? [] : placesOf(target, [folders[0]]);
    for (const c of [{ path: root, document: rootDoc }, ...buildIncludeGraph(root, rootDoc, load).files]) {
      if (target === undefined) {
        const line = c.document.lines.find((l) => l.project === name);
        if (line?.requirement?.name) return { file: c.path, range: line.requirement.name.range };
        continue;
      }
      // A pin without a name is the source's line of the same path or URL (a path read from where the command ran,
      // or from the source's folder).
      for (const l of c.document.lines) {
        const t = l.requirement && !l.requirement.name ? (l.requirement.path ?? l.requirement.url) : undefined;
        if (t && placesOf(t.text, [folders[0], path.dirname(c.path)]).some((p) => places.includes(p))) return { file: c.path, range: t.range };
      }
    }
    return { file: root };
  };

  const locate = (entry: SourceEntry, name: string, pin?: AnnotatedPin): SourceLocation => {
    switch (entry.kind) {
      case 'file': {
        const { file, exists } = resolveSourcePath(folders, entry.path, read);
        return exists ? { entry, exists, ...inRequirementsFile(file, name, name ? undefined : pin?.target) } : { entry, file, exists };
      }
      case 'url':
        return { entry, exists: false, url: withoutCredentials(entry.url) };
      case 'project':
      case 'workspace': {
        const { file, exists } = resolveSourcePath(folders, entry.kind === 'project' ? entry.path : 'pyproject.toml', readText);
        const text = exists ? readText(file) : undefined;
        // The part of the project an entry names is told even when the file cannot be read.
        if (text === undefined) return entry.kind === 'project' ? { entry, file, exists: false, section: sectionOf(entry) } : { entry, exists: false };
        const place = isPyproject(file) ? placeInPyproject(pyproject(file, text), entry, name, compiled.command) : placeInSetupFile(text, file, name);
        return { entry, file, exists, ...place };
      }
      default:
        return { entry, exists: false };
    }
  };

  /**
   * The shortest way from `start` up through `# via` parents to a source that asked for it, breadth first,
   * each pin once; a constraint or override only bounds a version, so it ends a chain only when nothing asked.
   */
  const shortestUp = (start: AnnotatedPin, avoid: AnnotatedPin): Chain | undefined => up(start, avoid, asks) ?? up(start, avoid, (v) => v.kind !== 'package');
  const up = (start: AnnotatedPin, avoid: AnnotatedPin, ends: (v: ViaEntry) => boolean): Chain | undefined => {
    const seen = new Set<AnnotatedPin>([start, avoid]);
    const queue: AnnotatedPin[][] = [[start]];
    for (let k = 0; k < queue.length; k++) {
      const chain = queue[k];
      const top = chain[chain.length - 1];
      const end = top.via.find((v): v is SourceEntry => v.kind !== 'package' && ends(v));
      if (end) return { packages: chain, source: locate(end, top.normalized) };
      for (const v of top.via) {
        const parent = v.kind === 'package' ? compiled.pins.get(v.normalized) : undefined;
        if (parent && !seen.has(parent)) {
          seen.add(parent);
          queue.push([...chain, parent]);
        }
      }
    }
    return undefined;
  };

  const chainsOf = (pin: AnnotatedPin, limit = 100): Chain[] =>
    pin.via.slice(0, limit).map((v) => {
      if (v.kind !== 'package') return { packages: [pin], source: locate(v, pin.normalized, pin) };
      // A parent that is not pinned here (the project itself, say) still names a step.
      const parent = compiled.pins.get(v.normalized) ?? { name: v.name, normalized: v.normalized, line: pin.line, via: [] };
      const up = parent === pin ? undefined : shortestUp(parent, pin);
      return up ? { packages: [pin, ...up.packages], source: up.source } : { packages: [pin, parent] };
    });
  const chains = (name: string, limit = 100): Chain[] => {
    const pin = compiled.pins.get(name);
    return pin ? chainsOf(pin, limit) : [];
  };

  /** The header's sources, as the `# via` entries that would name them. */
  const sourceEntries: SourceEntry[] = sources.map((source) => {
    const text = path.relative(path.dirname(filePath), source) || source;
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return isProjectFile(source) ? { kind: 'project', path: source, text, range } : { kind: 'file', option: '-r', path: source, text: `-r ${text}`, range };
  });
  const sourceOf = (name: string): SourceLocation | undefined => sourceEntries.map((entry) => locate(entry, name)).find((loc) => loc.range);

  const pinAt = (line: LogicalLine) => compiled.byLine.get(line);
  return { origin: 'annotations', compiled, sources, chains, chainsOf, pinAt, dependenciesOf: (name) => children.get(name) ?? [], locate, sourceOf };
}

/** Where a path or URL of a requirement line points, read from each of `folders` (a URL as itself, without its fragment). */
function placesOf(target: string, folders: string[]): string[] {
  const bare = target.replace(/#.*$/, '').replace(/\[[^\]]*\]$/, '');
  const local = /^file:/i.test(bare) ? bare.replace(/^file:(\/\/(localhost)?)?/i, '') : /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(bare) ? undefined : bare;
  if (local === undefined) return [bare];
  return folders.map((f) => path.resolve(f, decodeURIComponentSafe(local)).replace(/[\\/]+$/, ''));
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** What the environment knows of who requires whom. */
export interface InstalledGraph {
  installed(normalized: string): { name: string; version: string } | undefined;
  dependents(normalized: string): { name: string; normalized: string; version: string }[];
}

/**
 * For a file without `# via` annotations (hand-written, or `pip freeze` output): the same chains, derived
 * from the installed distributions' Requires-Dist. A chain ends at a package nothing installed requires.
 */
export function derivedProvenance(doc: ParsedDocument, env: InstalledGraph): Provenance {
  const pins = new Map<string, AnnotatedPin>();
  const pinOf = (normalized: string, line?: LogicalLine): AnnotatedPin | undefined => {
    const hit = pins.get(normalized);
    if (hit) return hit;
    const installed = env.installed(normalized);
    if (!installed && !line) return undefined;
    const pin: AnnotatedPin = {
      name: installed?.name ?? normalized,
      normalized,
      line: line ?? doc.lines[0],
      version: installed?.version,
      via: env.dependents(normalized).map((d) => ({
        kind: 'package' as const,
        name: d.name,
        normalized: d.normalized,
        text: d.name,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      })),
    };
    pins.set(normalized, pin);
    return pin;
  };
  for (const line of doc.lines) if (line.project) pinOf(line.project, line);
  const compiled: CompiledFile = { ...emptyFile(), pins };
  const chains = (name: string, limit = 5): Chain[] => {
    const start = pinOf(name);
    if (!start) return [];
    return walkChains(start, limit, (chain, top) => {
      const parents = top.via.flatMap((v) => (v.kind === 'package' ? [pinOf(v.normalized)].filter((p): p is AnnotatedPin => !!p) : []));
      // A chain ends at a package nothing installed requires.
      return { ends: parents.length === 0 && chain.length > 1 ? [{ packages: chain }] : [], parents };
    });
  };
  const dependenciesOf = (name: string) => [...pins.values()].filter((p) => p.via.some((v) => v.kind === 'package' && v.normalized === name));
  const pinAt = (line: LogicalLine) => (line.project ? pinOf(line.project) : undefined);
  const chainsOf = (pin: AnnotatedPin, limit?: number) => chains(pin.normalized, limit);
  return {
    origin: 'environment',
    compiled,
    sources: [],
    chains,
    chainsOf,
    pinAt,
    dependenciesOf,
    locate: (entry) => ({ entry, exists: false }),
    sourceOf: () => undefined,
  };
}

/**
 * Breadth first from `start` up through parents, so the shortest chains come first; `step` says which
 * chains end at the current top and which parents continue it. Cycles and very long chains are cut.
 */
function walkChains(
  start: AnnotatedPin,
  limit: number,
  step: (chain: AnnotatedPin[], top: AnnotatedPin) => { ends: Chain[]; parents: AnnotatedPin[] },
): Chain[] {
  const out: Chain[] = [];
  const queue: AnnotatedPin[][] = [[start]];
  for (let steps = 0; queue.length && out.length < limit && steps < 10_000; steps++) {
    const chain = queue.shift()!;
    const { ends, parents } = step(chain, chain[chain.length - 1]);
    out.push(...ends.slice(0, limit - out.length));
    for (const parent of parents) if (!chain.includes(parent) && chain.length <= 30) queue.push([...chain, parent]);
  }
  return out;
}

/** `asgiref 3.8.1 ← django 5.0.6 ← requirements.in:4`; with `links`, files and URLs as Markdown links. */
export function formatChain(chain: Chain, relativeTo: string, links = false): string {
  const parts = chain.packages.map((p) => (p.version ? `${p.name} ${p.version}` : p.name));
  if (chain.source) parts.push(formatSource(chain.source, relativeTo, links));
  return parts.join(' ← ');
}

/**
 * Text a compiled file wrote (`# via` sources) as Markdown text: no link, image or HTML of the file's choosing
 * (a repository's requirements.txt is not ours). The service's escapeMarkdown is a layer up; this is the same idea.
 */
const asText = (text: string) =>
  text
    .replace(/[\\`*_[\]()<>!&~@]/g, '\\$&')
    // Nor a link that renderers make by themselves (GFM autolinks).
    .replace(/:\/\//g, '\\://')
    .replace(/\b(www)\./gi, '$1\\.');
/** A code span that the text cannot close. */
const asCode = (text: string) => (text.includes('`') ? asText(text) : `\`${text}\``);

/** A source as the annotation names it, with the line that asks for the package: `-c constraints.txt:2`. */
export function formatSource(loc: SourceLocation, relativeTo: string, links = false): string {
  const { entry } = loc;
  const md = (text: string) => (links ? asText(text) : text);
  const where = (file: string, range?: Range) => {
    const rel = path.relative(relativeTo, file) || path.basename(file);
    const text = range ? `${rel}:${range.start.line + 1}` : rel;
    return links ? `[${asText(text)}](${pathToFileURL(file).toString()}${range ? `#L${range.start.line + 1}` : ''})` : text;
  };
  const section = (s: string) => (links ? asCode(s) : s);
  switch (entry.kind) {
    case 'file': {
      const prefix = entry.option === '-r' ? '' : `${entry.option} `;
      if (!loc.exists || !loc.file) return `${prefix}${md(entry.path)} (not found)`;
      return loc.range ? `${prefix}${where(loc.file, loc.range)}` : `${prefix}${where(loc.file)} (no longer listed there)`;
    }
    case 'url': {
      const url = loc.url ?? withoutCredentials(entry.url);
      // Only a web page is a link; anything else (javascript:, data:, command:) is text.
      const web = /^https?:\/\/[^\s()<>]+$/i.test(url);
      return `${entry.option ? `${entry.option} ` : ''}${links ? (web ? `[${url.replace(/[\\`*_[\]<>!&~]/g, '\\$&')}](${url})` : md(url)) : url}`;
    }
    case 'stdin':
      return `${entry.option} - (standard input)`;
    case 'project': {
      const prefix = `${entry.override ? '--override ' : ''}${entry.project ? `${md(entry.project)} ` : ''}`;
      if (!loc.exists || !loc.file) {
        const part = entry.group ? `:${md(entry.group)}` : loc.section ? `, ${section(loc.section)}` : '';
        return `${prefix}(${md(entry.path)}${part}, not found)`;
      }
      const parts = [where(loc.file, loc.range)];
      if (loc.section) parts.push(section(loc.section));
      if (!loc.range && isPyproject(loc.file) && entry.build?.part !== 'backend') parts.push('no longer listed there');
      return `${prefix}(${parts.join(', ')})`;
    }
    case 'workspace': {
      const prefix = entry.option ? `${entry.option} ` : '';
      if (!loc.file) return `${prefix}(workspace)`;
      return `${prefix}(workspace: ${where(loc.file, loc.range)}${loc.section ? `, ${section(loc.section)}` : ''})`;
    }
    default:
      return links ? asCode(entry.text) : entry.text;
  }
}

export type { ViaEntry, SourceEntry };
