// Why a pin is in a compiled file: chains of `# via` parents up to the `.in` line that asked for it.

import * as path from 'node:path';
import type { LogicalLine, ParsedDocument } from '../syntax/types.js';
import { readAnnotations, type AnnotatedPin, type CompiledFile, type ViaEntry } from './annotations.js';
import { buildIncludeGraph, type DocumentReader } from './includes.js';

/** Where a top-level requirement was asked for: a line of a source file. */
export interface SourceLine {
  file: string;
  /** Zero-based; undefined when the file no longer has the package (a stale compiled file). */
  line?: LogicalLine;
  option: '-r' | '-c';
}

export interface Chain {
  /** From the pin itself up to the package asked for by a source file. */
  packages: AnnotatedPin[];
  source?: SourceLine;
}

export interface Provenance {
  /** `annotations` when read from `# via` comments; `environment` when derived from installed Requires-Dist. */
  origin: 'annotations' | 'environment';
  compiled: CompiledFile;
  /** The `.in` files this compiled file came from (absolute paths). */
  sources: string[];
  chains(name: string, limit?: number): Chain[];
  /** Pins that list `name` among their `# via` parents: what `name` pulled in. */
  dependenciesOf(name: string): AnnotatedPin[];
  /** Where a source file asks for `name` (for top-level pins). */
  sourceLineOf(name: string, option?: '-r' | '-c', file?: string): SourceLine | undefined;
}

/** The sources of a compiled file: the header's command, else a sibling `.in` of the same stem. */
/** `read` answers undefined for a file that cannot be read (a text or a document reader). */
export function sourceFiles(filePath: string, compiled: Pick<CompiledFile, 'sources'>, read: (p: string) => unknown): string[] {
  const dir = path.dirname(filePath);
  const named = compiled.sources.map((s) => path.resolve(dir, s)).filter((p) => read(p) !== undefined);
  if (named.length) return named;
  const sibling = path.join(dir, path.basename(filePath).replace(/\.txt$/i, '') + '.in');
  return sibling !== filePath && read(sibling) !== undefined ? [sibling] : [];
}

export function buildProvenance(filePath: string, doc: ParsedDocument, read: DocumentReader): Provenance {
  const compiled = readAnnotations(doc);
  const dir = path.dirname(filePath);
  const sources = sourceFiles(filePath, compiled, read);
  const load = read;
  const children = new Map<string, AnnotatedPin[]>();
  for (const pin of compiled.pins.values()) {
    for (const v of pin.via) {
      if (v.kind !== 'package') continue;
      const list = children.get(v.normalized) ?? [];
      list.push(pin);
      children.set(v.normalized, list);
    }
  }

  const sourceLineOf = (name: string, option: '-r' | '-c' = '-r', file?: string): SourceLine | undefined => {
    const roots = file ? [path.resolve(dir, file)] : sources;
    for (const root of roots) {
      const rootDoc = load(root);
      if (!rootDoc) continue;
      // The package may be asked for in the .in itself or in a file it includes.
      const candidates = [{ path: root, document: rootDoc }, ...buildIncludeGraph(root, rootDoc, read).files];
      for (const c of candidates) {
        const line = c.document.lines.find((l) => l.project === name);
        if (line) return { file: c.path, line, option };
      }
      if (file) return { file: root, option };
    }
    return undefined;
  };

  const chains = (name: string, limit = 5): Chain[] => {
    const start = compiled.pins.get(name);
    if (!start) return [];
    return walkChains(start, limit, (chain, top) => ({
      ends: top.via.flatMap((v) => (v.kind === 'file' ? [{ packages: chain, source: sourceLineOf(top.normalized, v.option, v.path) }] : [])),
      parents: top.via.flatMap((v) => (v.kind === 'package' && compiled.pins.has(v.normalized) ? [compiled.pins.get(v.normalized)!] : [])),
    }));
  };

  return { origin: 'annotations', compiled, sources, chains, dependenciesOf: (name) => children.get(name) ?? [], sourceLineOf };
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
      via: env.dependents(normalized).map((d) => ({ kind: 'package' as const, name: d.name, normalized: d.normalized, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } })),
    };
    pins.set(normalized, pin);
    return pin;
  };
  for (const line of doc.lines) if (line.project) pinOf(line.project, line);
  const compiled: CompiledFile = { sources: [], pins, annotated: false };
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
  return { origin: 'environment', compiled, sources: [], chains, dependenciesOf, sourceLineOf: () => undefined };
}

/**
 * Breadth first from `start` up through parents, so the shortest chains come first; `step` says which
 * chains end at the current top and which parents continue it. Cycles and very long chains are cut.
 */
function walkChains(start: AnnotatedPin, limit: number, step: (chain: AnnotatedPin[], top: AnnotatedPin) => { ends: Chain[]; parents: AnnotatedPin[] }): Chain[] {
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

/** `asgiref 3.8.1 ← django 5.0.6 ← requirements.in:4` */
export function formatChain(chain: Chain, relativeTo: string): string {
  const parts = chain.packages.map((p) => (p.version ? `${p.name} ${p.version}` : p.name));
  if (chain.source) {
    const rel = path.relative(relativeTo, chain.source.file) || path.basename(chain.source.file);
    parts.push(chain.source.line ? `${rel}:${chain.source.line.firstLine + 1}` : `${rel} (no longer listed there)`);
  }
  return parts.join(' ← ');
}

export type { ViaEntry };
