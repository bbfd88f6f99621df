// What an index view says of a name alone, kept in memory: whether its project list has it, and did-you-mean.
// Both are asked for every line of a file on every version; `knows` is a binary search over 886k names, and the
// search behind `suggest` (a typo distance against the popular names) costs milliseconds a name: a big file of
// unknown names asked it again for every line on every version (20–25 s a keystroke for 5,000 lines).
// Did-you-mean is a fact on its way: a miss is searched at once while the current turn has spent less than a
// slice on searching (the name just typed), else it is queued and searched in the background, a slice a turn,
// so the event loop stays free; the names whose answers landed are announced like index facts, and only the
// files that asked for them are checked again.

import { LRUCache } from 'lru-cache';
import type { IndexFacts } from '../shared/facts.js';
import { normalizeName } from '../syntax/names.js';

type Search = NonNullable<IndexFacts['suggest']>;

export interface NameFactsOptions {
  /** Names whose did-you-mean was searched in the background (batched: when the queue is empty, or every second). */
  landed(names: string[]): void;
  /** Milliseconds of searching at once in one turn, and in one background slice. */
  sliceMs?: number;
  /** Answers kept per view (a few bytes each). */
  maxAnswers?: number;
  now?: () => number;
}

export interface NameFacts {
  /** The view's facts with `knows` and `suggest` answered from memory (`suggest`: undefined while it is searched). */
  over<T extends IndexFacts>(facts: T): T;
  over<T extends IndexFacts>(facts: T | undefined): T | undefined;
  /** The names may answer differently (a project list landed): asked again on their next use. */
  forget(): void;
  /** Names queued for a background search (tests). */
  readonly queued: number;
}

interface Kept {
  suggestions: LRUCache<string, { hint: string | undefined }>;
  /** Whether the view lists a name, while the answer is a known one (undefined answers are not kept: the list is on its way). */
  listed: Map<string, boolean>;
}

export function createNameFacts(o: NameFactsOptions): NameFacts {
  const sliceMs = o.sliceMs ?? 10;
  const max = o.maxAnswers ?? 20_000;
  const now = o.now ?? (() => performance.now());
  // By the view (its facts object): each view has one for its life, and its answers go with it.
  let kept = new WeakMap<IndexFacts, Kept>();
  const keptOf = (facts: IndexFacts) => {
    let k = kept.get(facts);
    if (!k) kept.set(facts, (k = { suggestions: new LRUCache({ max }), listed: new Map() }));
    return k;
  };
  const wrapped = new WeakMap<IndexFacts, IndexFacts>();
  // Names waiting for a background search, by the view they wait for, in the order asked.
  let queue = new Map<IndexFacts, Set<string>>();
  let queued = 0;

  // Time spent searching in this turn of the event loop; reset on the next turn.
  let spent = 0;
  let turnEnds = false;
  const spend = (ms: number) => {
    spent += ms;
    if (turnEnds) return;
    turnEnds = true;
    setImmediate(() => {
      spent = 0;
      turnEnds = false;
    });
  };
  const search = (facts: IndexFacts, name: string) => {
    const t0 = now();
    const hint = facts.suggest!(name);
    spend(now() - t0);
    keptOf(facts).suggestions.set(name, { hint });
    return hint;
  };

  let landed: string[] = [];
  let lastTold = now();
  let working = false;
  const tell = () => {
    if (!landed.length) return;
    const names = landed;
    landed = [];
    lastTold = now();
    o.landed(names);
  };
  const work = () => {
    working = true;
    setImmediate(() => {
      const end = now() + sliceMs;
      for (const [facts, names] of queue) {
        for (const name of names) {
          if (now() >= end) break;
          names.delete(name);
          queued--;
          if (!keptOf(facts).suggestions.has(name)) search(facts, name);
          landed.push(name);
        }
        if (names.size) break;
        queue.delete(facts);
      }
      if (!queued || now() - lastTold >= 1000) tell();
      if (queued) work();
      else working = false;
    });
  };

  const suggestOver =
    (facts: IndexFacts): Search =>
    (raw) => {
      const name = normalizeName(raw);
      const answer = keptOf(facts).suggestions.get(name);
      if (answer) return answer.hint;
      if (spent < sliceMs) return search(facts, name);
      let waiting = queue.get(facts);
      if (!waiting) queue.set(facts, (waiting = new Set()));
      if (!waiting.has(name)) {
        waiting.add(name);
        queued++;
        if (!working) work();
      }
      return undefined;
    };
  const knowsOver =
    (facts: IndexFacts): NonNullable<IndexFacts['knows']> =>
    (raw) => {
      const name = normalizeName(raw);
      const listed = keptOf(facts).listed;
      const known = listed.get(name);
      if (known !== undefined) return known;
      const answer = facts.knows!(name);
      if (answer !== undefined) {
        if (listed.size >= max) listed.clear();
        listed.set(name, answer);
      }
      return answer;
    };

  return {
    over<T extends IndexFacts>(facts: T | undefined): T | undefined {
      if (!facts) return facts;
      let found = wrapped.get(facts);
      if (!found) {
        found = { ...facts };
        if (facts.suggest) found.suggest = suggestOver(facts);
        if (facts.knows) found.knows = knowsOver(facts);
        wrapped.set(facts, found);
      }
      return found as T;
    },
    forget() {
      kept = new WeakMap();
      queue = new Map();
      queued = 0;
    },
    get queued() {
      return queued;
    },
  };
}
