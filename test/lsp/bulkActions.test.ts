// Whole-file actions and fact-based fixes over LSP, with a real index on 127.0.0.1 and a real venv:
// pin all, upgrade all (held by the .in), add hashes, the hash-mode fix, keep either, compile actions.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { indexedEnv, TestClient, type Diag } from './client.ts';
import { startIndexServer, FIXTURE_PROJECTS, type IndexServer } from '../fixtures/indexServer.ts';
import { buildWheels, makeVenv, pipInstall } from '../fixtures/python.ts';

let server: IndexServer;
let client: TestClient;
let dir: string;
before(
  async () => {
    server = await startIndexServer(FIXTURE_PROJECTS);
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rls-bulk-')));
    buildWheels(path.join(dir, 'wheels'), [{ name: 'django', version: '4.2.11' }]);
    pipInstall(makeVenv(path.join(dir, '.venv')), path.join(dir, 'wheels'), ['django==4.2.11'], path.join(dir, 'home'));
    ({ client } = await TestClient.start({
      env: indexedEnv(server.url),
      rootUri: pathToFileURL(dir).toString(),
      initializationOptions: { diagnostics: { environment: true, outdated: false } },
    }));
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

const sha = (filename: string) => `sha256:${createHash('sha256').update(filename).digest('hex')}`;
const applyTo = (text: string, uri: string, action: any) =>
  TextDocument.applyEdits(TextDocument.create(uri, 'pip-requirements', 1, text), action.edit?.changes?.[uri] ?? []);
const TOP = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** Resolves a source action until the index has answered for every name (the first resolve may start the fetches). */
async function resolveUntil(uri: string, kind: string, done: (action: any) => boolean) {
  for (let i = 0; i < 50; i++) {
    const [action] = await client.request('textDocument/codeAction', { textDocument: { uri }, range: TOP, context: { diagnostics: [], only: [kind] } });
    assert.ok(action, `a ${kind} action is offered`);
    const resolved = await client.request('codeAction/resolve', action);
    if (done(resolved)) return resolved;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${kind} never resolved fully`);
}

test('pin all unpinned: the installed version where it fits, else the newest release the specifier and Python allow', async () => {
  const text = 'requests\nDjango>=4\nzope.interface==6.4\nrequests[socks] ; python_version > "3"\n';
  const uri = client.open(path.join(dir, 'pin.txt'), text);
  const action = await resolveUntil(uri, 'source.pinAll', (a) => a.edit.changes[uri].length === 3);
  // requests 3.0.0 needs Python >= 3.99, 2.32.0 is yanked, 2.33.0rc1 a pre-release: 2.32.3.
  assert.equal(applyTo(text, uri, action), 'requests==2.32.3\nDjango==4.2.11\nzope.interface==6.4\nrequests[socks]==2.32.3 ; python_version > "3"\n');
});

test('upgrade all pins: to the newest release, but never past what the .in allows', async () => {
  fs.writeFileSync(path.join(dir, 'up.in'), 'Django<5\nrequests\n');
  const text = 'django==4.2.11\n    # via -r up.in\nrequests==2.31.0\n    # via -r up.in\n';
  fs.writeFileSync(path.join(dir, 'up.txt'), text);
  const uri = client.open(path.join(dir, 'up.txt'), text);
  const action = await resolveUntil(uri, 'source.upgradeAll', (a) => a.edit.changes[uri].length === 1);
  assert.equal(applyTo(text, uri, action), 'django==4.2.11\n    # via -r up.in\nrequests==2.32.3\n    # via -r up.in\n');
  // requests is not installed: in a compiled file the fix is to sync the environment.
  const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'not-installed'));
  const missing = diags.find((d: Diag) => d.code === 'not-installed')!;
  assert.equal(missing.range.start.line, 2);
  const fixes = await client.request('textDocument/codeAction', {
    textDocument: { uri },
    range: missing.range,
    context: { diagnostics: [missing], only: ['quickfix'] },
  });
  const sync = fixes.find((a: any) => a.command?.command === 'requirements.sync');
  assert.deepEqual(sync?.command.arguments, [uri]);
  // The single-pin refactor keeps to the same bounds, and says so when the .in is what holds it back.
  const refactors = async (t: string, line: number) => {
    const u = client.open(path.join(dir, `up-${line}-${t.length}.txt`), t);
    fs.writeFileSync(path.join(dir, `up-${line}-${t.length}.txt`), t);
    fs.writeFileSync(path.join(dir, `up-${line}-${t.length}.in`), 'Django<5\nrequests\n');
    const at = { start: { line, character: 1 }, end: { line, character: 1 } };
    return (
      await client.request('textDocument/codeAction', { textDocument: { uri: u }, range: at, context: { diagnostics: [], only: ['refactor.rewrite'] } })
    ).map((a: any) => a.title);
  };
  assert.ok((await refactors('django==4.0\nrequests==2.31.0\n', 0)).includes('Upgrade django to 4.2.11 (the newest up-0-29.in allows)'));
  assert.ok((await refactors('django==4.0\nrequests==2.31.0\n', 1)).includes('Upgrade requests to 2.32.3'), 'Python 3.11 rules out requests 3.0.0');
});

test('add hashes for all pins: every file of the release, one --hash a line, as pip-compile writes them', async () => {
  const text = 'requests==2.31.0  # http\r\nDjango==4.2.11\r\n';
  const uri = client.open(path.join(dir, 'hash.txt'), text);
  const action = await resolveUntil(uri, 'source.addHashes', (a) => a.edit.changes[uri].length === 2);
  const [whl, tar] = [sha('requests-2.31.0-py3-none-any.whl'), sha('requests-2.31.0.tar.gz')].sort();
  assert.equal(
    applyTo(text, uri, action),
    `requests==2.31.0 \\\r\n    --hash=${whl} \\\r\n    --hash=${tar}  # http\r\nDjango==4.2.11 \\\r\n    --hash=${sha('Django-4.2.11.tar.gz')}\r\n`,
  );
  // What it wrote is a clean file: no hash-mode or syntax problem left.
  const fixed = applyTo(text, uri, action);
  const check = client.open(path.join(dir, 'hash-checked.txt'), fixed);
  const diags = await client.waitForDiagnostics(check);
  assert.deepEqual(
    diags.filter((d) => d.severity === 1),
    [],
  );
});

test('hash-mode quick fix: the missing --hash options for that pin', async () => {
  const text = `requests==2.31.0 --hash=${sha('requests-2.31.0.tar.gz')}\nzope.interface==6.4\n`;
  const uri = client.open(path.join(dir, 'hashmode.txt'), text);
  for (let i = 0; i < 50; i++) {
    const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'hash-mode'));
    const diag = diags.find((d: Diag) => d.code === 'hash-mode')!;
    const fixes = await client.request('textDocument/codeAction', {
      textDocument: { uri },
      range: diag.range,
      context: { diagnostics: [diag], only: ['quickfix'] },
    });
    const fix = fixes.find((a: any) => a.title.startsWith('Add 2 --hash options for zope.interface==6.4'));
    if (fix) {
      const [a, b] = [sha('zope.interface-6.4.tar.gz'), sha('zope_interface-6.4-py3-none-any.whl')].sort();
      assert.equal(
        applyTo(text, uri, fix),
        `requests==2.31.0 --hash=${sha('requests-2.31.0.tar.gz')}\nzope.interface==6.4 \\\n    --hash=${a} \\\n    --hash=${b}\n`,
      );
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail('no hash-mode fix once the index answered');
});

test('conflicting specifiers: keep either side, across files', async () => {
  fs.writeFileSync(path.join(dir, 'base.txt'), 'requests<2.32\n');
  const text = '-r base.txt\nrequests>=2.32\n';
  const uri = client.open(path.join(dir, 'main.txt'), text);
  const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'conflicting-specifiers'));
  const diag = diags.find((d: Diag) => d.code === 'conflicting-specifiers')!;
  const fixes = await client.request('textDocument/codeAction', {
    textDocument: { uri },
    range: diag.range,
    context: { diagnostics: [diag], only: ['quickfix'] },
  });
  assert.deepEqual(
    fixes.map((a: any) => a.title),
    ["Keep '>=2.32' here (change base.txt to match)", "Keep '<2.32' from base.txt (change this line)"],
  );
  const baseUri = pathToFileURL(path.join(dir, 'base.txt')).toString();
  assert.equal(applyTo('requests<2.32\n', baseUri, fixes[0]), 'requests>=2.32\n');
  assert.equal(applyTo(text, uri, fixes[1]), '-r base.txt\nrequests<2.32\n');
});

test('.in files offer compile as source actions, and "upgrade this package" on a requirement, as commands', async () => {
  const uri = client.open(path.join(dir, 'up.in'), 'Django<5\nrequests\n');
  const actions = await client.request('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 1, character: 2 }, end: { line: 1, character: 2 } },
    context: { diagnostics: [] },
  });
  // The venv's Python version is this machine's: left out of the comparison.
  const commands = actions
    .filter((a: any) => a.command)
    .map((a: any) => [a.title.replace(/\(Python [^)]+\)/, '(Python …)'), a.kind, a.command.command, a.command.arguments]);
  assert.deepEqual(commands, [
    ['Compile up.in → up.txt', 'source.compile', 'requirements.compile', [uri]],
    ['Compile up.in → up.txt with hashes', 'source.compile', 'requirements.compile', [uri, { generateHashes: true }]],
    ['Upgrade requests in up.txt (recompile with --upgrade-package requests)', 'refactor.rewrite', 'requirements.upgradePackage', [uri, 'requests']],
    ["Install this file's requirements into .venv (Python …) (pip install -r)", 'source.installRequirements', 'requirements.install', [uri]],
  ]);
});

test('a compiled file behind its .in says so, and the fix is to recompile', async () => {
  fs.writeFileSync(path.join(dir, 'stale.in'), 'flask\n');
  const text = '#    pip-compile stale.in\nrequests==2.31.0\n    # via -r stale.in\n';
  fs.writeFileSync(path.join(dir, 'stale.txt'), text);
  const uri = client.open(path.join(dir, 'stale.txt'), text);
  const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'not-compiled'));
  assert.deepEqual(
    diags.filter((d) => d.code === 'not-compiled' || d.code === 'stale-pin').map((d) => [d.code, d.range.start.line]),
    [
      ['not-compiled', 0],
      ['stale-pin', 1],
    ],
  );
  const fixes = await client.request('textDocument/codeAction', {
    textDocument: { uri },
    range: diags[0].range,
    context: { diagnostics: diags.filter((d) => d.code === 'not-compiled'), only: ['quickfix'] },
  });
  const recompile = fixes.find((a: any) => a.title === 'Recompile from the .in file');
  assert.deepEqual([recompile?.command.command, recompile?.command.arguments], ['requirements.compile', [uri]]);
});

test('not installed in a plain file: install that requirement into the environment (a command), or the whole file', async () => {
  const uri = client.open(path.join(dir, 'plain-missing.txt'), 'requests[socks]>=2.31\n');
  const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'not-installed'));
  const missing = diags.find((d: Diag) => d.code === 'not-installed')!;
  const fixes = await client.request('textDocument/codeAction', {
    textDocument: { uri },
    range: missing.range,
    context: { diagnostics: [missing], only: ['quickfix'] },
  });
  const install = fixes.find((a: any) => a.command?.command === 'requirements.install');
  assert.match(install.title, /^Install 'requests\[socks\]>=2\.31' into \.venv/);
  assert.deepEqual(install.command.arguments, [uri, ['requests[socks]>=2.31']]);
  const source = await client.request('textDocument/codeAction', {
    textDocument: { uri },
    range: missing.range,
    context: { diagnostics: [], only: ['source.installRequirements'] },
  });
  assert.deepEqual(
    source.map((a: any) => a.command.arguments),
    [[uri]],
  );
});
