// Code actions over LSP: request them, resolve them, apply the edits, compare the text.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TestClient, type Diag } from './client.ts';

let client: TestClient;
let dir: string;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-actions-'));
  ({ client } = await TestClient.start());
});
after(async () => {
  await client.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function apply(text: string, action: any, uri: string): string {
  const edits = action.edit?.changes?.[uri] ?? [];
  return TextDocument.applyEdits(TextDocument.create(uri, 'pip-requirements', 1, text), edits);
}

async function fixesFor(name: string, text: string, code: string) {
  const uri = client.open(path.join(dir, name), text);
  const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === code));
  const diag = diags.find((d: Diag) => d.code === code)!;
  const actions = await client.request('textDocument/codeAction', {
    textDocument: { uri },
    range: diag.range,
    context: { diagnostics: [diag], only: ['quickfix'] },
  });
  return { uri, actions };
}

test("quick fix: '=' becomes '=='", async () => {
  const text = 'flask=2.0\n';
  const { uri, actions } = await fixesFor('op.txt', text, 'invalid-operator');
  assert.equal(actions[0].title, "Replace '=' with '=='");
  assert.equal(apply(text, actions[0], uri), 'flask==2.0\n');
});

test('quick fix: remove a duplicate line', async () => {
  const text = 'flask\nrequests\nFlask>=2\n';
  const { uri, actions } = await fixesFor('dup.txt', text, 'duplicate-requirement');
  assert.equal(actions[0].title, 'Remove this duplicate of line 1');
  assert.equal(apply(text, actions[0], uri), 'flask\nrequests\n');
});

test('quick fix: a misspelt marker variable', async () => {
  const text = 'pywin32; sys_platfrom == "win32"\n';
  const { uri, actions } = await fixesFor('marker.txt', text, 'unknown-marker-variable');
  assert.equal(apply(text, actions[0], uri), 'pywin32; sys_platform == "win32"\n');
});

test('source actions resolve lazily: sort keeps comments with their line and options on top; normalize names', async () => {
  const text = '# header\n\n# web\nflask==3.0\n-r base.txt\nDjango==5.0\n    # via -r requirements.in\n# http\nRequests==2.32\n';
  const uri = client.open(path.join(dir, 'sort.txt'), text);
  const actions = await client.request('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [], only: ['source'] },
  });
  assert.deepEqual(
    actions.map((a: any) => a.title),
    [
      'Sort requirements',
      'Normalize package names (PEP 503)',
      'Upgrade all pins to the newest releases allowed',
      'Add --hash options for all pins (from the package index)',
    ],
  );
  assert.ok(
    actions.every((a: any) => a.edit === undefined),
    'edits are computed on resolve',
  );
  assert.equal(actions[0].edit, undefined, 'edits are computed on resolve');
  const sorted = await client.request('codeAction/resolve', actions[0]);
  assert.equal(apply(text, sorted, uri), '# header\n\n-r base.txt\nDjango==5.0\n    # via -r requirements.in\n# web\nflask==3.0\n# http\nRequests==2.32\n');
  const normalized = await client.request('codeAction/resolve', actions[1]);
  assert.equal(apply(text, normalized, uri), '# header\n\n# web\nflask==3.0\n-r base.txt\ndjango==5.0\n    # via -r requirements.in\n# http\nrequests==2.32\n');
});
