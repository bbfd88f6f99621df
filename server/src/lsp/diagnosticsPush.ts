// When diagnostics go out: pushed (bursts of changes coalesce into one computation per document on the next
// turn of the event loop) or pulled, and refreshed when facts arrive or a file that others read changes.
// A push whose file read something still on its way from the disk (a first read, an environment scan)
// waits for it briefly, so that the first diagnostics of a file are its whole diagnostics.

import { DocumentDiagnosticReportKind, type CancellationToken, type ClientCapabilities, type Connection, type Diagnostic, type TextDocuments } from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { createGuard } from '../guard.js';
import type { FactsWaiter } from '../index/wait.js';
import type { FileContext } from '../service/index.js';
import { uriToPath } from '../shared/uri.js';

export interface DiagnosticsWiring {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  contextOf(uri: string): FileContext | undefined;
  /** Reads what the diagnostics will read from the disk (the context, its includes, the environment), cheaply: first reads start and are noted. */
  settle(uri: string): void;
  diagnose(ctx: FileContext): Diagnostic[];
  /** The diagnostics of an open document that has no context (one too large to analyse). */
  unanalysed(uri: string): Diagnostic[];
  guard: ReturnType<typeof createGuard>;
  waiter: FactsWaiter;
  capabilities(): ClientCapabilities;
  pull(): boolean;
  dependentsOf(filePath: string): string[];
}

export function createDiagnosticsScheduler(o: DiagnosticsWiring) {
  const { connection, documents } = o;
  /** Diagnostics from what is at hand, after a brief wait for disk facts on their way (index facts republish on arrival). */
  const compute = async (uri: string, token?: CancellationToken, computed?: (version: number | undefined) => void) => {
    // The brief wait for first reads comes before the diagnostics, not after a computation thrown away:
    // a big file's diagnostics cost far more than the reads that would make them wrong.
    await o.waiter.answer(token, () => o.guard.sync('diagnostics', undefined, () => o.settle(uri)), { index: false });
    return o.waiter.answer(
      token,
      () => {
        computed?.(documents.get(uri)?.version);
        const ctx = o.contextOf(uri);
        return ctx ? o.guard.sync('diagnostics', [], () => o.diagnose(ctx)) : o.unanalysed(uri);
      },
      { index: false },
    );
  };

  /**
   * Documents whose push is under way, and whether something changed since its last computation. What
   * lands while the push waits before computing (a read, a scan, an edit) is seen by that computation, so a
   * big file is not computed again for each of its includes landing; what lands after it (while a later
   * wait runs out) gets one more push.
   */
  const inFlight = new Map<string, { changed: boolean }>();
  const publish = async (uri: string) => {
    const state = { changed: false };
    inFlight.set(uri, state);
    let version: number | undefined;
    let value: Diagnostic[] | undefined;
    try {
      ({ value } = await compute(uri, undefined, (v) => {
        version = v;
        state.changed = false;
      }));
    } finally {
      inFlight.delete(uri);
    }
    const now = documents.get(uri);
    if (!now) return;
    if (value && now.version === version) void connection.sendDiagnostics({ uri, version, diagnostics: value });
    if (state.changed || now.version !== version) schedule(uri);
  };

  const pending = new Set<string>();
  let scheduled = false;
  const schedule = (uri: string) => {
    if (o.pull()) return;
    const running = inFlight.get(uri);
    if (running) {
      running.changed = true;
      return;
    }
    pending.add(uri);
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      const uris = [...pending];
      pending.clear();
      for (const u of uris) void publish(u);
    });
  };
  const pullRefresh = () => void (o.capabilities().workspace?.diagnostics?.refreshSupport && connection.languages.diagnostics.refresh());
  const refresh = () => {
    if (o.pull()) pullRefresh();
    else for (const d of documents.all()) schedule(d.uri);
  };

  connection.languages.diagnostics.on((p, token) =>
    o.guard.run('diagnostics', { kind: DocumentDiagnosticReportKind.Full, items: [] }, token, async () => ({
      kind: DocumentDiagnosticReportKind.Full,
      items: (await compute(p.textDocument.uri, token)).value ?? [],
    })) as never, // a RequestCancelled error is a valid answer; the typings expect other error data
  );

  /** A file changed: the open documents that read it are checked again. */
  const refreshDependents = (changedPath: string) => {
    const dependents = o.dependentsOf(changedPath);
    if (!dependents.length) return;
    if (o.pull()) return pullRefresh();
    for (const d of documents.all()) if (dependents.includes(uriToPath(d.uri))) schedule(d.uri);
  };

  return {
    /** This document's diagnostics again, on the next turn (push clients). */
    schedule,
    /** Every open document's diagnostics again. */
    refresh,
    /** New index facts: diagnostics again, and the pulled features refreshed where the client can be asked. */
    factsArrived() {
      refresh();
      const ws = o.capabilities().workspace;
      if (ws?.inlayHint?.refreshSupport) void connection.languages.inlayHint.refresh();
      if (ws?.semanticTokens?.refreshSupport) void connection.languages.semanticTokens.refresh();
      if (ws?.codeLens?.refreshSupport) void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
    },
    refreshDependents,
    /** Files a command wrote (or whose compile problems changed): they and their readers again. */
    changed(paths: string[]) {
      for (const p of paths) refreshDependents(p);
      for (const d of documents.all()) if (paths.includes(uriToPath(d.uri))) schedule(d.uri);
      if (o.pull()) pullRefresh();
    },
  };
}
