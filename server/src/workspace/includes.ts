// The -r/-c include graph of one requirements file: targets resolved, files read through an injected reader.

import * as path from 'node:path';
import { parse } from '../syntax/parse.js';
import type { LogicalLine, OptionNode, ParsedDocument } from '../syntax/types.js';
import { urlScheme } from '../syntax/url.js';

/** Reads a file's text, or undefined when it cannot be read. Open documents take precedence over disk. */
export type FileReader = (filePath: string) => string | undefined;

/** A file's parsed document (from the workspace store: parsed once per version), or undefined when unreadable. */
export type DocumentReader = (filePath: string) => ParsedDocument | undefined;

/** Wraps a text reader (the compile CLI, tests) into a document reader that parses each text once. */
export function documentsFrom(read: FileReader, env?: Record<string, string | undefined>): DocumentReader {
  const cache = new Map<string, { text: string; doc: ParsedDocument }>();
  return (p) => {
    const text = read(p);
    if (text === undefined) return undefined;
    const hit = cache.get(p);
    if (hit && hit.text === text) return hit.doc;
    const doc = parse(text, { env });
    cache.set(p, { text, doc });
    return doc;
  };
}

export interface IncludeEdge {
  /** The `-r`/`-c` line in the including file. */
  line: LogicalLine;
  option: OptionNode;
  kind: 'requirement' | 'constraint';
  /** Absolute path of the target; undefined for a remote (http) target, which pip fetches and we do not. */
  target?: string;
  /** Undefined when the file cannot be read (or is not read yet: `pending`). */
  document?: ParsedDocument;
  /** The target's first read is on its way: not missing, not known yet. */
  pending?: boolean;
  /** True when following this edge leads back to a file already on the path. */
  cycle: boolean;
}

export interface IncludedFile {
  path: string;
  document: ParsedDocument;
  /** How the file was reached from the root: constraint if any edge on the path was `-c`. */
  kind: 'requirement' | 'constraint';
  /** Edges from the root to this file. */
  via: IncludeEdge[];
}

/** Resolves an include target as pip does: relative to the including file's folder; `~` and URLs left alone. */
export function resolveIncludeTarget(fromFile: string, value: string, env: Record<string, string | undefined> = {}): string | undefined {
  const expanded = value.replace(/\$\{([A-Z0-9_]+)\}/g, (whole, name: string) => env[name] ?? whole);
  const scheme = urlScheme(expanded);
  if (scheme === 'file') {
    try {
      return decodeURIComponent(new URL(expanded).pathname);
    } catch {
      return undefined;
    }
  }
  if (scheme) return undefined;
  return path.resolve(path.dirname(fromFile), expanded);
}

// Edges per document and folder: a document is immutable, so its edges are computed once, not per keystroke
// of the file that includes it.
const edgeMemo = new WeakMap<ParsedDocument, { filePath: string; env?: object; edges: Omit<IncludeEdge, 'document' | 'cycle'>[] }>();

export function includeEdges(filePath: string, doc: ParsedDocument, env?: Record<string, string | undefined>): Omit<IncludeEdge, 'document' | 'cycle'>[] {
  const hit = edgeMemo.get(doc);
  if (hit && hit.filePath === filePath && hit.env === env) return hit.edges;
  const edges = collectEdges(filePath, doc, env);
  edgeMemo.set(doc, { filePath, env, edges });
  return edges;
}

function collectEdges(filePath: string, doc: ParsedDocument, env?: Record<string, string | undefined>): Omit<IncludeEdge, 'document' | 'cycle'>[] {
  const out: Omit<IncludeEdge, 'document' | 'cycle'>[] = [];
  for (const line of doc.lines) {
    if (line.kind !== 'option') continue;
    for (const option of line.options) {
      if ((option.canonical !== '--requirement' && option.canonical !== '--constraint') || !option.value) continue;
      out.push({
        line,
        option,
        kind: option.canonical === '--constraint' ? 'constraint' : 'requirement',
        target: resolveIncludeTarget(filePath, option.value.text, env),
      });
    }
  }
  return out;
}

export interface IncludeGraph {
  root: string;
  /** The root's own edges, with whether each target could be read and whether it closes a cycle. */
  edges: IncludeEdge[];
  /** Every file reachable from the root (the root excluded), each once, breadth first. */
  files: IncludedFile[];
  /** Include chains from the root that lead back to a file already on the chain; the last edge closes the cycle. */
  cycles: IncludeEdge[][];
}

const MAX_FILES = 200;

/** Walks `-r`/`-c` from `root`, reading each file once; cycles are marked, never followed. */
export function buildIncludeGraph(
  root: string,
  rootDoc: ParsedDocument,
  read: DocumentReader,
  env?: Record<string, string | undefined>,
  pending?: (filePath: string) => boolean,
): IncludeGraph {
  const parsedCache = new Map<string, ParsedDocument | undefined>([[root, rootDoc]]);
  const load = (p: string): ParsedDocument | undefined => {
    if (!parsedCache.has(p)) parsedCache.set(p, read(p));
    return parsedCache.get(p);
  };
  const files: IncludedFile[] = [];
  const seen = new Set<string>([root]);
  let rootEdges: IncludeEdge[] = [];
  const cycles: IncludeEdge[][] = [];
  const queue: { path: string; doc: ParsedDocument; via: IncludeEdge[]; ancestors: Set<string>; kind: 'requirement' | 'constraint' }[] = [
    { path: root, doc: rootDoc, via: [], ancestors: new Set([root]), kind: 'requirement' },
  ];
  while (queue.length > 0 && files.length < MAX_FILES) {
    const item = queue.shift()!;
    const edges: IncludeEdge[] = includeEdges(item.path, item.doc, env).map((e) => {
      const cycle = e.target !== undefined && item.ancestors.has(e.target);
      const document = e.target && !cycle ? load(e.target) : undefined;
      return { ...e, cycle, document, ...(e.target && !document && !cycle && pending?.(e.target) ? { pending: true } : {}) };
    });
    if (item.path === root) rootEdges = edges;
    for (const edge of edges) if (edge.cycle) cycles.push([...item.via, edge]);
    for (const edge of edges) {
      if (!edge.target || edge.cycle || !edge.document || seen.has(edge.target)) continue;
      seen.add(edge.target);
      const via = [...item.via, edge];
      const kind = item.kind === 'constraint' || edge.kind === 'constraint' ? 'constraint' : 'requirement';
      files.push({ path: edge.target, document: edge.document, kind, via });
      queue.push({ path: edge.target, doc: edge.document, via, ancestors: new Set([...item.ancestors, edge.target]), kind });
    }
  }
  return { root, edges: rootEdges, files, cycles };
}
