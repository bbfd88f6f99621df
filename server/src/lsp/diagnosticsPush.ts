// When diagnostics go out: pushed (bursts of changes coalesce into one computation per document on the next
// turn of the event loop) or pulled (answered 'unchanged' when they are what the client has), and refreshed when
// facts arrive or a file that others read changes.
// A push whose file read something still on its way from the disk (a first read, an environment scan)
// waits for it briefly, so that the first diagnostics of a file are its whole diagnostics.
// Work follows the edit: a newer version cancels the push of an older one, only the latest version is
// published, a fact landing checks again only the files whose last diagnostics read it (an environment event,
// the files on that environment), and diagnostics already published for that version are not sent again.

import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  CancellationTokenSource,
  DocumentDiagnosticReportKind,
  type CancellationToken,
  type DocumentDiagnosticReport,
  type ClientCapabilities,
  type Connection,
  type Diagnostic,
  type TextDocuments,
} from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { createGuard } from './guard.js';
import type { FactsWaiter } from './wait.js';
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
  /** The environment facts the file's diagnostics read now (an identity: a new scan is a new object), for environment events. */
  environmentOf(uri: string): unknown;
}

/** What a document's last published diagnostics were, and what they were computed from. */
interface Published {
  version: number | undefined;
  digest: string;
  /** The projects whose index facts, did-you-mean or advisories they read. */
  names: ReadonlySet<string>;
  environment: unknown;
}

const digestOf = (diagnostics: Diagnostic[]) => createHash('sha1').update(JSON.stringify(diagnostics)).digest('base64');

/**
 * A document checked again because facts landed (not because it was edited) waits this many times what its last
 * computation cost since then: facts that trickle in (a big file's thousands of pins, one page at a time) spend at
 * most a fifth of the time on checking it again; a small file's cost nothing to speak of and are checked at once.
 */
const FACT_SHARE = 4;

export function createDiagnosticsScheduler(o: DiagnosticsWiring) {
  const { connection, documents } = o;
  /** Diagnostics from what is at hand, after a brief wait for disk facts on their way (index facts republish on arrival). */
  const compute = async (uri: string, token?: CancellationToken, computed?: (version: number | undefined) => void) => {
    // The brief wait for first reads comes before the diagnostics, not after a computation thrown away:
    // a big file's diagnostics cost far more than the reads that would make them wrong.
    await o.waiter.answer(token, () => o.guard.sync('diagnostics', undefined, () => o.settle(uri)), { index: false });
    // A newer version came while the reads were awaited: this push ends here, the next one computes.
    if (token?.isCancellationRequested) return undefined;
    return o.waiter.answer(
      token,
      () => {
        computed?.(documents.get(uri)?.version);
        const t0 = performance.now();
        const ctx = o.contextOf(uri);
        const value = ctx ? o.guard.sync('diagnostics', [], () => o.diagnose(ctx)) : o.unanalysed(uri);
        cost.set(uri, { ms: performance.now() - t0, at: performance.now() });
        return value;
      },
      { index: false },
    );
  };
  /** What each document's last computation cost, and when it ended. */
  const cost = new Map<string, { ms: number; at: number }>();

  /**
   * Documents whose push is under way, the version it is for, and whether something changed since its last
   * computation. What lands while the push waits before computing (a read, a scan) is seen by that computation,
   * so a big file is not computed again for each of its includes landing; what lands after it (while a later
   * wait runs out) gets one more push. A newer version cancels the push: its waits end, and the next push is
   * for the newest version.
   */
  const inFlight = new Map<string, { changed: boolean; version: number | undefined; cancel: CancellationTokenSource }>();
  const published = new Map<string, Published>();
  documents.onDidClose((e) => {
    published.delete(e.document.uri);
    cost.delete(e.document.uri);
  });
  const publish = async (uri: string) => {
    // What landed for it is seen by this computation.
    clearTimeout(later.get(uri));
    later.delete(uri);
    const state = { changed: false, version: documents.get(uri)?.version, cancel: new CancellationTokenSource() };
    inFlight.set(uri, state);
    let version: number | undefined;
    let answer: Awaited<ReturnType<typeof compute>>;
    try {
      answer = await compute(uri, state.cancel.token, (v) => {
        version = v;
        state.changed = false;
      });
      // What the client sent while this was computed is read before it goes out (the next turn reads the
      // stream first): a version it has replaced already is not sent.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      inFlight.delete(uri);
      state.cancel.dispose();
    }
    const now = documents.get(uri);
    if (!now) return;
    if (answer?.value && now.version === version) send(uri, version, answer.value, answer.names);
    if (state.changed || now.version !== version) schedule(uri);
  };
  /** Sends the diagnostics of `version` unless those very ones were sent last for it. */
  const send = (uri: string, version: number | undefined, diagnostics: Diagnostic[], names: ReadonlySet<string>) => {
    const digest = digestOf(diagnostics);
    const before = published.get(uri);
    published.set(uri, { version, digest, names, environment: o.environmentOf(uri) });
    if (before && before.version === version && before.digest === digest) return;
    void connection.sendDiagnostics({ uri, version, diagnostics });
  };

  /** Checks a document again for facts that landed: at once, or when its share of the time allows (FACT_SHARE). */
  const later = new Map<string, NodeJS.Timeout>();
  const recheck = (uri: string) => {
    if (later.has(uri)) return;
    const last = cost.get(uri);
    const wait = last ? last.at + FACT_SHARE * last.ms - performance.now() : 0;
    if (wait < 1) return schedule(uri);
    later.set(
      uri,
      setTimeout(() => {
        later.delete(uri);
        schedule(uri);
      }, wait),
    );
  };

  const pending = new Set<string>();
  let scheduled = false;
  const schedule = (uri: string) => {
    if (o.pull()) return;
    const running = inFlight.get(uri);
    if (running) {
      running.changed = true;
      if (documents.get(uri)?.version !== running.version) running.cancel.cancel();
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
    else for (const d of documents.all()) recheck(d.uri);
  };

  // Pulled: each full answer carries the digest of its diagnostics as its result id, and a pull whose previous
  // answer had the same diagnostics is answered 'unchanged' (the client keeps what it shows; nothing is resent).
  connection.languages.diagnostics.on(
    (p, token) =>
      o.guard.run('diagnostics', { kind: DocumentDiagnosticReportKind.Full, items: [] }, token, async (): Promise<DocumentDiagnosticReport> => {
        const answer = await compute(p.textDocument.uri, token);
        if (!answer) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
        const resultId = digestOf(answer.value);
        if (p.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
        return { kind: DocumentDiagnosticReportKind.Full, resultId, items: answer.value };
      }) as never, // a RequestCancelled error is a valid answer; the typings expect other error data
  );

  /**
   * Facts landed, batched per turn (a project list's landing is announced with no names, and concerns every
   * file): the documents whose last diagnostics read one of the names are checked again, and those not
   * published yet.
   */
  let landed: Set<string> | 'all' | undefined;
  const factsLanded = (names: readonly string[]) => {
    const first = landed === undefined;
    if (!names.length) landed = 'all';
    else if (landed !== 'all') {
      const into: Set<string> = landed ?? new Set<string>();
      for (const n of names) into.add(n);
      landed = into;
    }
    if (!first) return;
    setImmediate(() => {
      const which = landed;
      landed = undefined;
      if (o.pull()) return pullRefresh();
      for (const d of documents.all()) {
        const last = published.get(d.uri);
        if (which === 'all' || !last || [...which!].some((n) => last.names.has(n))) recheck(d.uri);
      }
    });
  };

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
    /**
     * New index facts (none named: a list or a configuration): diagnostics again where they read them, and the
     * pulled features refreshed where the client can be asked.
     */
    factsArrived(names: readonly string[] = []) {
      const first = landed === undefined;
      factsLanded(names);
      if (!first) return; // the refreshes below were asked in this turn already
      const ws = o.capabilities().workspace;
      if (ws?.inlayHint?.refreshSupport) void connection.languages.inlayHint.refresh();
      if (ws?.semanticTokens?.refreshSupport) void connection.languages.semanticTokens.refresh();
      if (ws?.codeLens?.refreshSupport) void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
    },
    /** Did-you-mean answers landed: the diagnostics that asked for them again (nothing else shows them). */
    suggestionsLanded: (names: readonly string[]) => factsLanded(names),
    /** An environment was found, scanned again or changed: the documents whose environment is not the one they were checked against. */
    environmentChanged() {
      if (o.pull()) return pullRefresh();
      for (const d of documents.all()) {
        const last = published.get(d.uri);
        if (!last || last.environment !== o.environmentOf(d.uri)) recheck(d.uri);
      }
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
