// Compile with the package index unreachable (issue 24): the index is named up front, before pip runs, instead of
// after pip's retries and a "from versions: none" that reads as a conflict. The built-in resolver, an index URL
// on a closed loopback port (connection refused); from the CLI and from the editor's command. No venv is needed:
// nothing gets as far as running pip.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { closedPort } from '../fixtures/rawServer.ts';
import { indexedEnv, TestClient, testEnv } from './client.ts';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server/bin/requirements-language-server.cjs');
const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rls-compile-unreachable-')));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const said = (origin: string) =>
  `The package index ${origin} cannot be reached (connection refused); compiling needs it. Use --find-links/--no-index for offline work.`;

test('CLI: compile --tool builtin --index-url on a refused port names the index and runs no pip', { timeout: 180_000 }, async () => {
  const origin = `http://127.0.0.1:${await closedPort()}`;
  const folder = fs.mkdtempSync(path.join(dir, 'cli-'));
  fs.writeFileSync(path.join(folder, 'requirements.in'), 'requests\n');
  const env = testEnv({ HOME: folder });
  delete env.PIP_NO_INDEX;
  const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, 'compile', 'requirements.in', '--tool', 'builtin', '--index-url', `${origin}/simple`], { cwd: folder, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.match(lines[0], /^Compiling requirements\.in with the built-in resolver/);
  assert.deepEqual(lines.slice(1), [said(origin)], 'nothing from pip: it did not run');
  assert.ok(!fs.existsSync(path.join(folder, 'requirements.txt')));
});

test("the editor's compile command: the index PIP_INDEX_URL names refuses connections; the message says so", { timeout: 180_000 }, async () => {
  const origin = `http://127.0.0.1:${await closedPort()}`;
  const folder = fs.mkdtempSync(path.join(dir, 'lsp-'));
  fs.writeFileSync(path.join(folder, 'requirements.in'), 'requests\n');
  const { client } = await TestClient.start({
    rootUri: pathToFileURL(folder).toString(),
    env: indexedEnv(origin, { HOME: folder }),
    initializationOptions: { diagnostics: { environment: false }, compile: { tool: 'builtin' } },
  });
  try {
    const uri = pathToFileURL(path.join(folder, 'requirements.in')).toString();
    const result = await client.request('workspace/executeCommand', { command: 'requirements.compile', arguments: [uri] }, 170_000);
    assert.deepEqual([result.ok, result.message], [false, said(origin)]);
    const shown = client.notifications.filter((n) => n.method === 'window/showMessage').map((n) => (n.params as { message: string }).message);
    assert.ok(shown.includes(said(origin)), JSON.stringify(shown));
    assert.ok(!fs.existsSync(path.join(folder, 'requirements.txt')));
  } finally {
    await client.stop();
  }
});
