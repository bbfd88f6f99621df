// A bad index during a session (issue 24): a request does not wait twice for a fact from a hanging index, and a
// failing index (HTTP 500) is not asked again by every request while it is in backoff; the user is told once,
// and told again when it answers. Over LSP, against the built server and an index on 127.0.0.1.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { indexedEnv, TestClient } from './client.ts';
import { startIndexServer, FIXTURE_PROJECTS, type IndexServer } from '../fixtures/indexServer.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-faults-'));
const stops: (() => Promise<void>)[] = [];
after(
  async () => {
    for (const stop of stops) await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  },
  { timeout: 60_000 },
);

async function fresh(waitMs: number): Promise<{ client: TestClient; index: IndexServer }> {
  const index = await startIndexServer(FIXTURE_PROJECTS);
  const { client } = await TestClient.start({ env: indexedEnv(index.url), initializationOptions: { diagnostics: { environment: false }, index: { waitMs } } });
  stops.push(async () => {
    await client.stop();
    await index.stop();
  });
  return { client, index };
}

const complete = (client: TestClient, uri: string, character: number) =>
  client.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character } }, 60_000);
const messages = (client: TestClient) =>
  client.notifications.filter((n) => n.method === 'window/showMessage').map((n) => (n.params as { message: string }).message);

test('a hanging index: the second completion is answered while the first fetch still hangs, incomplete', { timeout: 60_000 }, async () => {
  // A budget longer than half the fetch's own timeout (10 s): waiting it twice would outlast the fetch.
  const { client, index } = await fresh(6_000);
  index.faults.hang = true;
  const uri = client.open(path.join(dir, 'hang.txt'), 'requests==\n');
  const first = await complete(client, uri, 10);
  assert.deepEqual([first.isIncomplete, first.items.length], [true, 0], 'the budget ran out');
  assert.ok(index.hangingNow().includes('/simple/requests/'), 'the fetch is still hanging');
  const second = await complete(client, uri, 10);
  assert.deepEqual([second.isIncomplete, second.items.length], [true, 0]);
  assert.ok(index.hangingNow().includes('/simple/requests/'), 'answered before the hanging fetch ended: it was not awaited again');
});

test('HTTP 500: told once; in backoff no request reaches the index; told again when it answers, and the facts come', { timeout: 60_000 }, async () => {
  const { client, index } = await fresh(15_000);
  index.faults.status = 500;
  const first = client.open(path.join(dir, 'failing.txt'), 'requests==\n');
  const a = await complete(client, first, 10);
  assert.deepEqual([a.isIncomplete, a.items.length], [true, 0]);
  assert.ok(index.requests.length > 0, 'the index was asked and answered HTTP 500');
  const asked = index.requests.length;
  // Another fact from the same index, and the first one again: answered from what is known, without asking it.
  const other = client.open(path.join(dir, 'failing-too.txt'), 'django==\n');
  const b = await complete(client, other, 8);
  const c = await complete(client, first, 10);
  assert.deepEqual([b.isIncomplete, b.items.length, c.isIncomplete, c.items.length], [true, 0, true, 0]);
  assert.deepEqual(
    index.requests.slice(asked).filter((r) => /django|requests/.test(r.path)),
    [],
    'no request for either while in backoff',
  );
  const down = messages(client).filter((m) => m.startsWith('The package index'));
  const said =
    `The package index ${index.url} cannot be reached (HTTP 500); ` +
    'completion and checks use what is cached on disk, and it is asked again in the background.';
  assert.deepEqual(down, [said]);

  // The index recovers: the backoff's probe finds it (about 5 s), the user is told, and open files get their facts.
  index.faults.status = undefined;
  for (let i = 0; i < 300 && !messages(client).some((m) => m.includes('answers again')); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(messages(client).includes(`The package index ${index.url} answers again.`), JSON.stringify(messages(client)));
  let labels: string[] = [];
  for (let i = 0; i < 100 && !labels.length; i++) {
    labels = (await complete(client, other, 8)).items.map((x: { label: string }) => x.label);
    if (!labels.length) await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(labels, ['5.0.6', '4.2.11']);
});
