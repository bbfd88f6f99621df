// FileContext: the immutable snapshot a feature reads (rust-analyzer's Analysis to the store's AnalysisHost).
// One context per (file, version, versions of every file it read); its parts are computed on first use, and
// the parts that depend only on other files (a compiled file's `.in` and its 20,000-line include) are shared
// between the contexts of successive versions, so a keystroke costs what the edited file costs.

import { pathToFileURL } from 'node:url';
import type { FileKind, ParsedDocument } from '../syntax/types.js';
import { compiledHeader } from './annotations.js';
import { buildIncludeGraph, type DocumentReader, type FileReader, type IncludeGraph } from './includes.js';
import { indexOptionsOf, type FileIndexOptions } from './indexOptions.js';
import { sourceFiles } from './provenance.js';
import { isPyproject } from './pyprojectSources.js';
import type { SourceDocument } from './sourceSpecifiers.js';
import type { WorkspaceStore } from './store.js';

export interface FileContext {
  readonly path: string;
  readonly uri: string;
  readonly document: ParsedDocument;
  /** What kind of file it is (its reader's): features read its requirement lines alike, whatever the kind. */
  readonly kind: FileKind;
  /** `${VAR}` values for include paths, as pip expands them. */
  readonly env?: Record<string, string | undefined>;
  /** Other files' trees, from the store (parsed once per version). */
  readonly documents: DocumentReader;
  /** The `-r`/`-c` graph from this file. */
  readonly graph: IncludeGraph;
  /** The `.in` a compiled `.txt` came from (its header's, else the sibling); undefined for `.in` files. */
  readonly compiledSource: string | undefined;
  /** That `.in` and every file it includes, the `.in` first; undefined when there is none. */
  readonly sources: readonly SourceDocument[] | undefined;
  /** The index options of this file and its includes, as pip reads them. */
  readonly indexOptions: FileIndexOptions;
  /** Other files' texts from the store (pyproject.toml sources); what is read counts among the file's dependencies. */
  readonly texts: FileReader;
  /** The sources a compiled file is checked against: its header's `.in` files and pyproject.toml (else the sibling `.in`). */
  readonly checkedSources: readonly string[];
  /** A `.in` source and every file it includes, the `.in` first (shared between contexts while none changed). */
  sourcesOf(source: string): readonly SourceDocument[] | undefined;
}

export interface ContextProvider {
  /** The context of a file now; the same object until the file or anything it read changes. */
  contextOf(filePath: string, uri?: string): FileContext | undefined;
  /** A one-off context around a given tree (a text that is not in the store: tests, a what-if). */
  contextWith(filePath: string, document: ParsedDocument, uri?: string): FileContext;
  /** What `${NAME}` expands to (requirement lines and include paths): the store re-parses, contexts are rebuilt. */
  setEnv(env: Record<string, string | undefined>): void;
  /** Files whose last context read `filePath` (reverse dependencies, for re-checking). */
  dependentsOf(filePath: string): string[];
  forget(filePath: string): void;
}

/** A reader that records the stamp of every file it hands out, so a memo can tell when it went stale. */
class TrackedReader {
  readonly deps = new Map<string, string>();
  constructor(private readonly store: WorkspaceStore) {}
  readonly read: DocumentReader = (p) => {
    if (!this.deps.has(p)) this.deps.set(p, this.store.stamp(p));
    return this.store.document(p);
  };
  readonly text: FileReader = (p) => {
    if (!this.deps.has(p)) this.deps.set(p, this.store.stamp(p));
    return this.store.text(p);
  };
  readonly exists = (p: string) => {
    if (!this.deps.has(p)) this.deps.set(p, this.store.stamp(p));
    return this.store.stamp(p) === 'none' ? undefined : true;
  };
  fresh(): boolean {
    for (const [p, stamp] of this.deps) if (this.store.stamp(p) !== stamp) return false;
    return true;
  }
}

interface Memo<T> {
  value: T;
  reader: TrackedReader;
}

export function createContextProvider(store: WorkspaceStore, initialEnv?: Record<string, string | undefined>): ContextProvider {
  let env = initialEnv;
  const contexts = new Map<string, { stamp: string; ctx: FileContext; reader: TrackedReader }>();
  // What depends only on a source file and its includes, by source path: shared by every compiled file and version.
  const sourceMemo = new Map<string, Memo<SourceDocument[] | undefined>>();
  const graphMemo = new Map<string, Memo<IncludeGraph> & { doc: ParsedDocument }>();

  const graphOf = (filePath: string, doc: ParsedDocument): Memo<IncludeGraph> => {
    const hit = graphMemo.get(filePath);
    if (hit && hit.doc === doc && hit.reader.fresh()) return hit;
    const reader = new TrackedReader(store);
    const memo = { value: buildIncludeGraph(filePath, doc, reader.read, env, (p) => store.stamp(p) === 'pending'), reader, doc };
    graphMemo.set(filePath, memo);
    return memo;
  };

  const sourcesOf = (source: string): Memo<SourceDocument[] | undefined> => {
    const hit = sourceMemo.get(source);
    if (hit && hit.reader.fresh()) return hit;
    const reader = new TrackedReader(store);
    const root = reader.read(source);
    let value: SourceDocument[] | undefined;
    if (root) {
      const graph = graphOf(source, root);
      for (const [p, s] of graph.reader.deps) reader.deps.set(p, s);
      value = [{ path: source, document: root, kind: 'requirement' }, ...graph.value.files.map((f) => ({ path: f.path, document: f.document, kind: f.kind }))];
    }
    const memo = { value, reader };
    sourceMemo.set(source, memo);
    return memo;
  };

  const build = (filePath: string, uri: string, document: ParsedDocument): { ctx: FileContext; reader: TrackedReader } => {
    const reader = new TrackedReader(store);
    const follow = <T>(memo: Memo<T>): T => {
      for (const [p, s] of memo.reader.deps) if (!reader.deps.has(p)) reader.deps.set(p, s);
      return memo.value;
    };
    let graph: IncludeGraph | undefined;
    let compiledSource: { value: string | undefined } | undefined;
    let sources: { value: SourceDocument[] | undefined } | undefined;
    let indexOptions: FileIndexOptions | undefined;
    let checked: string[] | undefined;
    const ctx: FileContext = {
      path: filePath,
      uri,
      document,
      kind: document.kind ?? 'requirements',
      env,
      documents: reader.read,
      get graph() {
        return (graph ??= follow(graphOf(filePath, document)));
      },
      texts: reader.text,
      get checkedSources() {
        // A compiled file has sources; pyproject.toml, a script or a lock is checked as it is.
        return (checked ??=
          /\.in$/i.test(filePath) || ctx.kind !== 'requirements'
            ? []
            : sourceFiles(filePath, compiledHeader(document), reader.exists).filter((s) => /\.in$/i.test(s) || isPyproject(s)));
      },
      get compiledSource() {
        compiledSource ??= { value: ctx.checkedSources.find((s) => /\.in$/i.test(s)) };
        return compiledSource.value;
      },
      sourcesOf: (source) => follow(sourcesOf(source)),
      get sources() {
        const source = ctx.compiledSource;
        sources ??= { value: source ? follow(sourcesOf(source)) : undefined };
        return sources.value;
      },
      get indexOptions() {
        return (indexOptions ??= indexOptionsOf(document, ctx.graph, filePath));
      },
    };
    return { ctx, reader };
  };

  return {
    contextOf(filePath, uri) {
      const document = store.document(filePath);
      if (!document) return undefined;
      const stamp = store.stamp(filePath);
      const hit = contexts.get(filePath);
      if (hit && hit.stamp === stamp && hit.ctx.document === document && hit.reader.fresh()) return hit.ctx;
      const built = build(filePath, uri ?? pathToFileURL(filePath).toString(), document);
      contexts.set(filePath, { stamp, ...built });
      return built.ctx;
    },
    setEnv(next) {
      env = next;
      store.setEnv(next);
    },
    contextWith: (filePath, document, uri) => build(filePath, uri ?? pathToFileURL(filePath).toString(), document).ctx,
    dependentsOf(filePath) {
      const out: string[] = [];
      for (const [p, c] of contexts) if (p !== filePath && c.reader.deps.has(filePath)) out.push(p);
      return out;
    },
    forget(filePath) {
      contexts.delete(filePath);
      graphMemo.delete(filePath);
    },
  };
}
