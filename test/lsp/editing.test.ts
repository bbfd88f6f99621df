// Work follows the edit (issue 24), over LSP: a file nobody edits is not published again when facts it did not
// read land, nor when facts it read land without changing its diagnostics; while a big file is typed into, no
// publish carries a version older than one the client sent a second before (the figure for the last
// version), and the last version is the one published last.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { indexedEnv, TestClient } from './client.ts';
import { startIndexServer, FIXTURE_PROJECTS } from '../fixtures/indexServer.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-editing-'));
const stops: (() => Promise<void>)[] = [];
after(
  async () => {
    for (const stop of stops) await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  },
  { timeout: 60_000 },
);

async function fresh(projectList?: string[]) {
  const index = await startIndexServer(FIXTURE_PROJECTS, { projectList });
  const { client } = await TestClient.start({ env: indexedEnv(index.url) });
  stops.push(async () => {
    await client.stop();
    await index.stop();
  });
  return { client, index };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Until `uri` has not been published for `ms` (a hang guard of a minute). */
async function quiet(client: TestClient, uri: string, ms: number) {
  const end = performance.now() + 60_000;
  for (;;) {
    const last = client.publishes.filter((p) => p.uri === uri).pop();
    if (last && performance.now() - last.at > ms) return;
    assert.ok(performance.now() < end, `${uri} kept being published`);
    await sleep(50);
  }
}

test('a file nobody edits is not published again when facts land that it did not read, or that leave its diagnostics as they were', async () => {
  const { client, index } = await fresh();
  const unedited = client.open(path.join(dir, 'unedited.txt'), 'requests==2.31.0\n');
  await client.waitForDiagnostics(unedited, (d) => d.some((x) => x.code === 'outdated'), 30_000);
  // Its advisories land too (none): then it is still.
  await quiet(client, unedited, 1000);
  const before = client.publishCount.get(unedited);

  // Django's page and advisories land for another file.
  const other = client.open(path.join(dir, 'other.txt'), 'django==4.2.11\n');
  await client.waitForDiagnostics(other, (d) => d.some((x) => x.code === 'outdated'), 30_000);
  // Advisories of another release of requests land: the file read requests' facts, and its diagnostics stay as they were.
  const same = client.open(path.join(dir, 'same.txt'), 'requests==2.32.3\n');
  await client.waitForDiagnostics(same, () => true, 30_000);
  for (let i = 0; i < 100 && !index.requests.some((r) => r.path === '/pypi/requests/2.32.3/json'); i++) await sleep(50);
  assert.ok(index.requests.some((r) => r.path === '/pypi/django/4.2.11/json'));
  assert.ok(index.requests.some((r) => r.path === '/pypi/requests/2.32.3/json'));
  await quiet(client, other, 1000);
  await quiet(client, same, 1000);
  assert.equal(client.publishCount.get(unedited), before, 'published again for facts that changed nothing in it');
});

test('typing into a big file: no publish carries a version a second older than the client has, and the last version is published last', async () => {
  // 1,500 names the index does not list, typos of popular projects: each line's did-you-mean is a name search.
  const popular = fs
    .readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server/src/index/popularity.tsv'), 'utf8')
    .split('\n')
    .map((l) => l.split('\t')[0])
    .filter((n) => n.length >= 6);
  const names = popular.slice(0, 1500).map((n) => `${n[0]}${n[2]}${n[1]}${n.slice(3)}`);
  const { client } = await fresh([...FIXTURE_PROJECTS.map((p) => p.name), ...popular]);
  const uri = client.open(path.join(dir, 'big.txt'), names.map((n) => `${n}==1.0`).join('\n') + '\n');
  await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'unknown-package'), 120_000);

  const sent: { version: number; at: number }[] = [];
  const from = performance.now();
  for (let k = 0; k < 10; k++) {
    const line = 10 + k;
    const version = client.change(uri, [{ range: { start: { line, character: 1 }, end: { line, character: 1 } }, text: 'x' }]);
    sent.push({ version, at: performance.now() });
    await sleep(100);
  }
  const last = sent[sent.length - 1].version;
  for (let i = 0; i < 1200 && client.publishes.filter((p) => p.uri === uri).pop()?.version !== last; i++) await sleep(50);
  await quiet(client, uri, 500);

  const publishes = client.publishes.filter((p) => p.uri === uri && p.at >= from);
  assert.equal(publishes[publishes.length - 1]?.version, last, 'the last version is published last');
  for (let i = 1; i < publishes.length; i++) assert.ok(publishes[i].version! >= publishes[i - 1].version!, 'versions never go back');
  for (const p of publishes) {
    const known = Math.max(0, ...sent.filter((s) => s.at < p.at - 1000).map((s) => s.version));
    assert.ok(p.version! >= known, `version ${p.version} published ${(p.at - from).toFixed(0)} ms in, when the client had sent ${known} a second before`);
  }
  // The did-you-mean of the line typed into is that of its new name.
  const typed = client.diagnostics.get(uri)!.find((d) => d.range.start.line === 19);
  assert.ok(typed?.message.includes(`'${names[19][0]}x${names[19].slice(1)}'`), JSON.stringify(typed));
});
