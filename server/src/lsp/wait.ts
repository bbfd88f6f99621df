// Brief waits: a request whose answer depends on index facts already on their way (versions after `==`,
// extras after `[`, a hover, an upgrade action, a release's advisories) awaits them up to a budget, ended early
// by $/cancelRequest; the fetch itself goes on either way, for the next request and the diagnostics republished
// on arrival. A fetch is awaited for one budget in all, not one per request: once it has been waited for a whole
// budget (a hanging or slow index), later requests answer at once with what is known. A fetch from a host that is
// down is not awaited at all (the views and the advisory client do not offer it; the fetcher answers it at once).
// Every answer also says which projects' facts it read, so that pushed diagnostics are computed again only when
// one of those lands (lsp/diagnosticsPush.ts).

import type { CancellationToken } from 'vscode-languageserver/node.js';
import { normalizeName } from '../syntax/names.js';
import type { IndexView } from '../index/indexView.js';
import type { VulnerabilityClient, VulnerabilityTarget } from '../index/vulnerabilities.js';
import type { Advisory, IndexFacts } from '../shared/facts.js';

export interface FactsWaiter {
  /**
   * The view as features see it; while an answer is computed, the projects they asked about are noted (and, for
   * answers that await index facts, those on their way).
   */
  record(view: IndexView | undefined): IndexFacts | undefined;
  /**
   * A release's advisories as features see them (undefined while the index module loads); like `record`, a
   * release whose advisories are on their way is noted, so a first hover or menu shows them.
   */
  recordAdvisories(
    client: VulnerabilityClient | undefined,
    target: VulnerabilityTarget,
  ): ((name: string, version: string) => Advisory[] | undefined) | undefined;
  /** Other facts on their way that the answer being computed read around (an environment scan). */
  note(pending: Promise<unknown> | undefined): void;
  /**
   * Computes, awaits what the computation found on its way (within the budget), and computes again.
   * `index: false` (pushed diagnostics, whose index facts republish on arrival) awaits only what was noted and the reads in flight.
   * `names`: the normalized projects whose index facts, did-you-mean or advisories the value was computed from.
   */
  answer<T>(token: CancellationToken | undefined, compute: () => T, options?: { index?: boolean }): Promise<Answer<T>>;
}

export interface Answer<T> {
  value: T;
  complete: boolean;
  names: ReadonlySet<string>;
}

const ROUNDS = 4;

export function createFactsWaiter(options: {
  budgetMs: () => number;
  loaded: () => Promise<unknown>;
  /**
   * Disk reads in flight (the store's first reads, pip's config files), asked after each computation: an
   * answer may have started them itself (a context's includes are read on first use), so they are not known before.
   */
  reading?: () => (Promise<unknown> | undefined)[];
}): FactsWaiter {
  // Features are synchronous, so one recording at a time is enough.
  let recording: { pending: Set<Promise<unknown>>; indexMissing: boolean; index: boolean; overdue: boolean; names: Set<string> } | undefined;
  // When a request first awaited each index fact on its way: a later request awaits what is left of that budget.
  const firstAwaited = new WeakMap<Promise<unknown>, number>();
  /** Notes `pending` for the answer being computed, unless it has already been awaited for a whole budget. */
  const awaitFact = (r: NonNullable<typeof recording>, pending: Promise<unknown>) => {
    const since = firstAwaited.get(pending);
    if (since === undefined) {
      firstAwaited.set(pending, Date.now());
      r.pending.add(pending);
      return;
    }
    const left = since + options.budgetMs() - Date.now();
    if (left <= 0) r.overdue = true;
    // Awaited before: only for what is left of its budget (the next round then finds it overdue).
    else r.pending.add(Promise.race([pending, new Promise((resolve) => setTimeout(resolve, left).unref?.())]));
  };

  const wait = (waits: Promise<unknown>[], ms: number, token: CancellationToken | undefined) =>
    new Promise<'ready' | 'timeout' | 'cancelled'>((resolve) => {
      const timer = setTimeout(() => finish('timeout'), ms);
      const subscription = token?.onCancellationRequested(() => finish('cancelled'));
      function finish(outcome: 'ready' | 'timeout' | 'cancelled') {
        clearTimeout(timer);
        subscription?.dispose();
        resolve(outcome);
      }
      void Promise.allSettled(waits).then(() => finish('ready'));
    });

  return {
    note(pending) {
      if (pending) recording?.pending.add(pending);
    },
    record(view) {
      const r = recording;
      if (!r) return view;
      if (!view) {
        if (r.index) r.indexMissing = true;
        return undefined;
      }
      // Names read as the parser gives them are normalized already (normalizing again finds the same string).
      const read = (name: string) => void r.names.add(normalizeName(name));
      return {
        ...view,
        project(name) {
          read(name);
          const fact = view.project(name);
          const pending = fact || !r.index ? undefined : view.pending(name);
          if (pending) awaitFact(r, pending);
          return fact;
        },
        peek: view.peek && ((name) => (read(name), view.peek!(name))),
        knows: view.knows && ((name) => (read(name), view.knows!(name))),
        suggest: view.suggest && ((name) => (read(name), view.suggest!(name))),
        requiresDist: view.requiresDist && ((name, version) => (read(name), view.requiresDist!(name, version))),
      };
    },
    recordAdvisories(client, target) {
      if (!client) {
        if (recording?.index) recording.indexMissing = true;
        return undefined;
      }
      return (name, version) => {
        const known = client.advisories(name, version, target);
        const r = recording;
        r?.names.add(normalizeName(name));
        // Like index facts: pushed diagnostics (index: false) republish when advisories land, instead of waiting.
        const pending = known || !r?.index ? undefined : client.pending(name, version, target);
        if (pending) awaitFact(r!, pending);
        return known;
      };
    },
    async answer(token, compute, which) {
      const deadline = Date.now() + Math.max(0, options.budgetMs());
      for (let round = 1; ; round++) {
        const r = (recording = { pending: new Set(), indexMissing: false, index: which?.index !== false, overdue: false, names: new Set<string>() });
        let value: ReturnType<typeof compute>;
        try {
          value = compute();
        } finally {
          recording = undefined;
        }
        for (const p of options.reading?.() ?? []) if (p) r.pending.add(p);
        const waits = [...r.pending, ...(r.indexMissing ? [options.loaded()] : [])];
        // An overdue fact is missing all the same: the answer is incomplete (completion is asked again).
        if (!waits.length) return { value, complete: !r.overdue, names: r.names };
        const left = deadline - Date.now();
        if (left <= 0 || round >= ROUNDS || token?.isCancellationRequested) return { value, complete: false, names: r.names };
        if ((await wait(waits, left, token)) !== 'ready') return { value, complete: false, names: r.names };
      }
    },
  };
}
