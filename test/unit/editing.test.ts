// Work follows the edit (issue 24): the did-you-mean of a line the last version had is not searched again, a
// search that would hold the event loop goes to the background and is announced when it lands, and what a
// computation read is known by name, so that a fact landing checks again only the files that read it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IndexAdapter } from '../../server/src/index/views.ts';
import type { IndexView } from '../../server/src/index/indexView.ts';
import { createFactsWaiter } from '../../server/src/lsp/wait.ts';
import { indexFacts } from '../../server/src/lsp/indexFacts.ts';
import { createNameFacts } from '../../server/src/lsp/nameFacts.ts';
import { createLanguageService } from '../../server/src/service/index.ts';
import { DEFAULT_SETTINGS } from '../../server/src/settings.ts';
import { workspaceOf } from '../../server/src/workspace/index.ts';

/** An index view that lists only `requests`, whose name search is counted. */
function countingView() {
  const searched: string[] = [];
  const view = {
    config: { indexUrl: 'http://127.0.0.1:1/simple', extraIndexUrls: [], noIndex: false },
    searchNames: () => ({ items: [], incomplete: false }),
    project: () => undefined,
    peek: () => undefined,
    pending: () => undefined,
    knows: (name: string) => name === 'requests',
    suggest: (name: string) => {
      searched.push(name);
      return name === 'reqeusts' ? 'requests' : undefined;
    },
  } as unknown as IndexView;
  return { view, searched };
}

/** The language service over the index facts as the LSP host hands them out (the same adapter, a stub index). */
function serviceOver(view: IndexView) {
  const adapter = { view: () => view, vulnerabilities: () => undefined } as unknown as IndexAdapter;
  const waiter = createFactsWaiter({ budgetMs: () => 0, loaded: async () => true });
  const workspace = workspaceOf(() => undefined);
  const facts = indexFacts(adapter, { workspace, settings: () => DEFAULT_SETTINGS, waiter, venvRootOf: () => undefined, venvRoot: () => undefined });
  const service = createLanguageService({ index: facts.facts });
  const file = '/tmp/editing-test/requirements.txt';
  return {
    diagnose(version: number, text: string) {
      workspace.store.setOpen(file, version, text);
      return service.diagnostics(workspace.contextOf(file)!).filter((d) => d.code === 'unknown-package');
    },
  };
}

test("an unchanged line's did-you-mean is not searched again on the next version", () => {
  const { view, searched } = countingView();
  const server = serviceOver(view);
  const lines = ['reqeusts==2.0', ...Array.from({ length: 30 }, (_, i) => `internal-tool-${i}==1.0`)];
  const first = server.diagnose(1, lines.join('\n') + '\n');
  assert.equal(first.length, 31);
  assert.match(first[0].message, /did you mean 'requests'\?/);
  assert.equal(searched.length, 31, 'each unknown name searched once');

  // One line typed into: only its new name is searched.
  lines[7] = 'internal-tool-6x==1.0';
  const second = server.diagnose(2, lines.join('\n') + '\n');
  assert.equal(second.length, 31);
  assert.match(second[0].message, /did you mean 'requests'\?/, 'the answer kept is the answer');
  assert.deepEqual(searched.slice(31), ['internal-tool-6x']);
});

test("a search past the turn's slice is answered in the background and announced", async () => {
  const announced: string[][] = [];
  const suggestions = createNameFacts({ sliceMs: 5, landed: (names) => announced.push(names) });
  const slow = (name: string) => {
    const end = performance.now() + 2;
    while (performance.now() < end); // a name search over a big list
    return name.startsWith('flaks') ? 'flask' : undefined;
  };
  const facts = suggestions.over({ searchNames: () => ({ items: [], incomplete: false }), project: () => undefined, suggest: slow });
  const names = Array.from({ length: 20 }, (_, i) => `flaks-${i}`);
  const first = names.map((n) => facts.suggest!(n));
  const atOnce = first.filter((h) => h !== undefined).length;
  assert.ok(atOnce >= 1 && atOnce < names.length, `some answered at once, the rest queued (${atOnce})`);
  assert.equal(suggestions.queued, names.length - atOnce);
  while (suggestions.queued) await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(announced.flat().sort(), names.slice(atOnce).sort(), 'the names searched in the background are announced');
  assert.deepEqual(
    names.map((n) => facts.suggest!(n)),
    names.map(() => 'flask'),
  );
});

test('an answer says which projects it read: index facts, did-you-mean and advisories, by PEP 503 name', async () => {
  const { view } = countingView();
  const waiter = createFactsWaiter({ budgetMs: () => 0, loaded: async () => true });
  const client = { advisories: () => [], pending: () => undefined } as never;
  const { names } = await waiter.answer(
    undefined,
    () => {
      const facts = waiter.record(view)!;
      facts.project('Django');
      facts.knows!('reqeusts');
      facts.suggest!('reqeusts');
      waiter.recordAdvisories(client, { kind: 'pypi', base: 'http://127.0.0.1:1' } as never)!('Zope.Interface', '6.4');
    },
    { index: false },
  );
  assert.deepEqual([...names].sort(), ['django', 'reqeusts', 'zope-interface']);
});
