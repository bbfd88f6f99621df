// What the server says of its own state (lsp/status.ts): the project-list progress ends with its outcome.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { closedPort } from '../fixtures/rawServer.ts';
import { indexedEnv, TestClient, testEnv } from './client.ts';

const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rls-status-')));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('an index that cannot be reached: the project-list progress ends saying the fetch failed, not plain "done"', { timeout: 60_000 }, async () => {
  const origin = `http://127.0.0.1:${await closedPort()}`;
  const { client } = await TestClient.start({ env: indexedEnv(origin, { HOME: dir }), capabilities: { window: { workDoneProgress: true } } });
  try {
    const uri = client.open(path.join(dir, 'requirements.txt'), 'reque\n');
    const progress = () => client.progress;
    const list = () => progress().find((p) => p.value.kind === 'begin' && /project list/.test(p.value.title ?? ''));
    const ended = () => progress().find((p) => p.token === list()?.token && p.value.kind === 'end');
    for (let i = 0; i < 300 && !ended(); i++) {
      if (i % 20 === 0) await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 5 } }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(list(), `no project-list progress began: ${JSON.stringify(progress())}`);
    assert.match(ended()?.value.message ?? '(no message: a client shows "done")', /^Could not fetch the project list: /);
  } finally {
    await client.stop();
  }
});

test('requirements.explain (the command of an action that found nothing to do) shows its reason and runs nothing', { timeout: 30_000 }, async () => {
  const { client } = await TestClient.start({ env: indexedEnv('http://127.0.0.1:9', { HOME: dir }) });
  try {
    const reason = 'Nothing was pinned: no virtual environment was found.';
    const result = await client.request('workspace/executeCommand', { command: 'requirements.explain', arguments: ['file:///x/requirements.txt', reason] });
    assert.deepEqual(result, { ok: true, message: reason });
    const shown = client.notifications.filter((n) => n.method === 'window/showMessage').map((n) => (n.params as { message: string }).message);
    assert.deepEqual(shown, [reason]);
  } finally {
    await client.stop();
  }
});

test(
  'derive requirements.in with no environment and no metadata from the index: says what to do, not "try again in a moment"',
  { timeout: 30_000 },
  async () => {
    const folder = fs.mkdtempSync(path.join(dir, 'derive-'));
    fs.writeFileSync(path.join(folder, 'requirements.txt'), 'flask==3.0.3\nrequests==2.32.3\n');
    const { client } = await TestClient.start({ env: testEnv({ HOME: dir }), initializationOptions: { diagnostics: { environment: true } } });
    try {
      const uri = pathToFileURL(path.join(folder, 'requirements.txt')).toString();
      const result = await client.request('workspace/executeCommand', { command: 'requirements.deriveRequirementsIn', arguments: [uri] });
      assert.equal(result.ok, false);
      assert.doesNotMatch(result.message, /try again in a moment/);
      assert.match(
        result.message,
        /^No metadata for the packages of requirements\.txt: no virtual environment was found .*Create or select the environment the file was frozen from, then derive again\.$/,
      );
    } finally {
      await client.stop();
    }
  },
);

test(
  'one cause, one toast: the index and its vulnerability API on a host that cannot be reached are told once; the log has both',
  { timeout: 60_000 },
  async () => {
    const origin = `http://127.0.0.1:${await closedPort()}`;
    const { client } = await TestClient.start({
      env: indexedEnv(origin, { HOME: dir }),
      initializationOptions: { diagnostics: { environment: false }, logLevel: 'info' },
    });
    try {
      const uri = client.open(path.join(dir, 'requirements-pins.txt'), 'requests==2.32.3\nflask==3.0.3\n');
      const offline = () => client.logs.filter((l) => l.includes(`${origin}`) && l.includes('cannot be reached'));
      for (let i = 0; i < 200 && offline().length < 2; i++) {
        if (i % 20 === 0) await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } }).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(
        offline().some((l) => /^The package index /.test(l)) && offline().some((l) => /^Known vulnerabilities cannot be checked/.test(l)),
        offline().join('\n'),
      );
      const toasts = client.notifications.filter(
        (n) => n.method === 'window/showMessage' && (n.params as { message: string }).message.includes('cannot be reached'),
      );
      assert.equal(toasts.length, 1, JSON.stringify(toasts));
    } finally {
      await client.stop();
    }
  },
);
