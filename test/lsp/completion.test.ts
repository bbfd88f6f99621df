// Completion over LSP against a real index on 127.0.0.1: names at once, versions and extras once fetched.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { indexedEnv, TestClient } from './client.ts';
import { startIndexServer, FIXTURE_PROJECTS, type IndexServer } from '../fixtures/indexServer.ts';
import { makeVenv } from '../fixtures/python.ts';

let server: IndexServer;
let client: TestClient;
let dir: string;
before(
  async () => {
    server = await startIndexServer(FIXTURE_PROJECTS);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-complete-'));
    ({ client } = await TestClient.start({ env: indexedEnv(server.url) }));
  },
  { timeout: 60_000 },
);
after(
  async () => {
    await client.stop();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  },
  { timeout: 60_000 },
);

async function completeUntil(uri: string, line: number, character: number, ready: (labels: string[]) => boolean) {
  for (let i = 0; i < 50; i++) {
    const list = await client.request('textDocument/completion', { textDocument: { uri }, position: { line, character } });
    const labels = list.items.map((x: any) => x.label);
    if (ready(labels)) return list;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('completion never filled in');
}

test('names: `req` offers requests first, before any network answer, and the list is incomplete', async () => {
  const uri = client.open(path.join(dir, 'names.txt'), 'req\n');
  const list = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 3 } });
  assert.equal(list.isIncomplete, true);
  assert.equal(list.items[0].label, 'requests');
  assert.deepEqual(list.items[0].textEdit.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } });
  const typo = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 3 } });
  assert.ok(typo.items.length > 0);
});

test('versions after ==: the first answer does not wait; once fetched, finals newest first, then pre-releases, then yanked with the reason', async () => {
  // While the index does not answer at all, completion still answers at once: empty and incomplete.
  server.faults.hang = true;
  const hung = client.open(path.join(dir, 'hung.txt'), 'zope.interface==\n');
  const first = await client.request('textDocument/completion', { textDocument: { uri: hung }, position: { line: 0, character: 16 } });
  assert.deepEqual([first.isIncomplete, first.items.length], [true, 0], 'nothing cached yet: asks to be asked again');
  server.faults.hang = false;
  const uri = client.open(path.join(dir, 'versions.txt'), 'requests==\n');
  const list = await completeUntil(uri, 0, 10, (l) => l.length > 0);
  assert.deepEqual(
    list.items.map((x: any) => x.label),
    ['3.0.0', '2.32.3', '2.31.0', '2.33.0rc1', '2.32.0'],
  );
  const sorted = [...list.items].sort((a: any, b: any) => (a.sortText < b.sortText ? -1 : 1)).map((x: any) => x.label);
  assert.deepEqual(
    sorted,
    list.items.map((x: any) => x.label),
    'sortText keeps the order',
  );
  const yanked = list.items.find((x: any) => x.label === '2.32.0');
  assert.match(yanked.detail, /yanked: Yanked due to conflicts/);
  assert.deepEqual(yanked.tags, [1]);
  assert.match(list.items.find((x: any) => x.label === '2.33.0rc1').detail, /pre-release/);
  assert.ok(
    server.requests.some((r) => r.path === '/simple/requests/'),
    'the test index was asked',
  );
});

test('extras inside [...] from the JSON API, and completionItem/resolve adds summary and latest', async () => {
  const uri = client.open(path.join(dir, 'extras.txt'), 'Django[\n');
  const list = await completeUntil(uri, 0, 7, (l) => l.length > 0);
  assert.deepEqual(
    list.items.map((x: any) => x.label),
    ['argon2', 'bcrypt'],
  );
  const names = client.open(path.join(dir, 'resolve.txt'), 'djang\n');
  const items = (await client.request('textDocument/completion', { textDocument: { uri: names }, position: { line: 0, character: 5 } })).items;
  const django = items.find((x: any) => x.label.toLowerCase() === 'django');
  const resolved = await client.request('completionItem/resolve', django);
  assert.match(resolved.documentation.value, /A high-level Python web framework\./);
  assert.match(resolved.documentation.value, /Latest: \*\*5\.0\.6\*\*/);
});

test('index facts reach diagnostics: a yanked pin and a version no release matches', async () => {
  const uri = client.open(path.join(dir, 'pins.txt'), 'requests==2.32.0\ndjango>=6\n');
  const diags = await client.waitForDiagnostics(uri, (d) => d.length >= 2, 10000);
  assert.deepEqual(diags.map((d) => d.code).sort(), ['no-matching-version', 'yanked']);
  assert.match(diags.find((d) => d.code === 'yanked')!.message, /requests 2\.32\.0 was yanked: Yanked due to conflicts/);
});

test('the project list loads in the background: an unknown name gets a did-you-mean', async () => {
  const uri = client.open(path.join(dir, 'unknown.txt'), 'reqeusts==2.0\nrequests\n');
  const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'unknown-package'), 30_000);
  const unknown = diags.filter((d) => d.code === 'unknown-package');
  assert.equal(unknown.length, 1);
  assert.equal(unknown[0].message, "The index has no project 'reqeusts'; did you mean 'requests'?");
  assert.ok(server.requests.some((r) => r.path === '/simple/' && r.accept?.startsWith('application/vnd.pypi.simple.v1+json')));
});

test('--index-url in an included file wins over PIP_INDEX_URL; Requires-Python is checked against the environment', async () => {
  const other = await startIndexServer(FIXTURE_PROJECTS, { htmlOnly: true });
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-complete-env-'));
  makeVenv(path.join(project, '.venv'));
  fs.writeFileSync(path.join(project, 'base.txt'), `--index-url ${other.url}/simple\n`);
  // The included file names an index the user did not configure: the user allows it when asked.
  const { client: c2 } = await TestClient.start({
    env: indexedEnv(server.url),
    initializationOptions: { diagnostics: { environment: true } },
    answer: () => 'Allow',
  });
  try {
    const uri = c2.open(path.join(project, 'requirements.txt'), '-r base.txt\nrequests==\n');
    let list: any;
    for (let i = 0; i < 50; i++) {
      list = await c2.request('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 10 } });
      if (list.items.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(
      other.requests.some((r) => r.path === '/simple/requests/'),
      'asked the index named in the included file',
    );
    const v3 = list.items.find((x: any) => x.label === '3.0.0');
    assert.match(v3.detail, /requires Python >=3\.99 \(environment has 3\.\d+/);
    assert.deepEqual(v3.tags, [1]);
    assert.equal(list.items.find((x: any) => x.label === '2.32.3').tags, undefined);
  } finally {
    await c2.stop();
    await other.stop();
    fs.rmSync(project, { recursive: true, force: true });
  }
});

test('outdated pins: a hint diagnostic and a ⟶ latest inlay hint once the index answers', async () => {
  const uri = client.open(path.join(dir, 'outdated.txt'), 'requests==2.31.0\nDjango>=5\n');
  const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'outdated'), 10000);
  assert.equal(diags.find((d) => d.code === 'outdated')!.message, 'requests 3.0.0 is available (pinned to 2.31.0).');
  const hints = await client.request('textDocument/inlayHint', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } },
  });
  assert.deepEqual(
    hints.map((h: any) => [h.position.line, h.label]),
    [[0, '⟶ 3.0.0']],
  );
});

test('code actions with index facts: unpin a yanked release, fix an unknown name, pin and upgrade with the version in the title', async () => {
  const text = 'requests==2.32.0\nreqeusts\nDjango\n';
  const uri = client.open(path.join(dir, 'actions.txt'), text);
  const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'yanked') && d.some((x) => x.code === 'unknown-package'), 10000);
  const { TextDocument } = await import('vscode-languageserver-textdocument');
  const apply = (action: any) => TextDocument.applyEdits(TextDocument.create(uri, 'pip-requirements', 1, text), action.edit.changes[uri]);
  const fixes = await client.request('textDocument/codeAction', {
    textDocument: { uri },
    range: diags[0].range,
    context: { diagnostics: diags, only: ['quickfix'] },
  });
  const yanked = fixes.find((a: any) => a.title === 'Pin to 2.32.3 (not yanked)');
  assert.equal(apply(yanked), 'requests==2.32.3\nreqeusts\nDjango\n');
  const renamed = fixes.find((a: any) => a.title === "Change to 'requests'");
  assert.equal(apply(renamed), 'requests==2.32.0\nrequests\nDjango\n');
  await completeUntil(uri, 2, 6, () => true);
  let pins: any[] = [];
  for (let i = 0; i < 50 && !pins.some((a) => /latest/.test(a.title)); i++) {
    pins = await client.request('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 2, character: 1 }, end: { line: 2, character: 1 } },
      context: { diagnostics: [], only: ['refactor'] },
    });
    await new Promise((r) => setTimeout(r, 100));
  }
  const pin = pins.find((a: any) => a.title === 'Pin Django to the latest 5.0.6');
  assert.equal(apply(pin), 'requests==2.32.0\nreqeusts\nDjango==5.0.6\n');
  const up = await client.request('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } },
    context: { diagnostics: [], only: ['refactor'] },
  });
  assert.deepEqual(
    up.map((a: any) => a.title),
    ['Upgrade requests to 3.0.0', 'Loosen to compatible release ~=2.32'],
  );
});

test('requirements/status notifications go only to a client that asks for them', async () => {
  const env = indexedEnv('http://127.0.0.1:9');
  const asking = await TestClient.start({ env, initializationOptions: { statusNotifications: true, diagnostics: { environment: false } } });
  const quiet = await TestClient.start({ env, initializationOptions: { diagnostics: { environment: false } } });
  try {
    for (const c of [asking.client, quiet.client]) c.open(path.join(dir, 'status.txt'), 'requests\n');
    for (let i = 0; i < 50 && !asking.client.notifications.some((n) => (n.params as { index?: string }).index === 'offline'); i++)
      await new Promise((r) => setTimeout(r, 100));
    const states = asking.client.notifications.filter((n) => n.method === 'requirements/status').map((n) => (n.params as { index: string }).index);
    assert.ok(states.includes('loading') && states.includes('offline'), JSON.stringify(states));
    assert.deepEqual(
      quiet.client.notifications.filter((n) => n.method === 'requirements/status'),
      [],
    );
  } finally {
    await asking.client.stop();
    await quiet.client.stop();
  }
});
