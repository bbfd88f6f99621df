// Vulnerability ignores with a reason (issue 28): an `osv-scanner.toml` beside the file, in the format OSV-Scanner
// reads. jinja2 3.1.2's advisory ignored until 2099 is a hint naming the reason, not a warning; an entry that
// expired in 2020 hides nothing; `check` honours the file the same way and `--fail-on vulnerable` passes.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { indexedEnv, TestClient } from './client.ts';
import { ADVISORIES } from '../fixtures/advisories.ts';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseOsvIgnores } from '../../server/src/service/supplyChain/osvIgnores.ts';
import { startIndexServer, VULNERABLE_PROJECTS } from '../fixtures/indexServer.ts';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server/bin/requirements-language-server.cjs');
const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rls-osv-ignores-')));
const stops: (() => Promise<void>)[] = [];
after(async () => {
  for (const stop of stops) await stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const IGNORES = `# Reviewed by the security team
[[IgnoredVulns]]
id = "CVE-2024-22195" # an alias of GHSA-h5c8-rqwp-cp95
ignoreUntil = 2099-01-01
reason = "We never pass user input as keys to xmlattr"

[[IgnoredVulns]]
id = "PYSEC-2023-74"
ignoreUntil = 2020-01-01
reason = "expired long ago"
`;
fs.writeFileSync(path.join(dir, 'osv-scanner.toml'), IGNORES);
const TEXT = 'requests==2.30.0\njinja2==3.1.2\n';
fs.writeFileSync(path.join(dir, 'requirements.txt'), TEXT);

test('in the editor: the ignored advisory is a hint with its reason and date; the expired entry hides nothing', async () => {
  const index = await startIndexServer(VULNERABLE_PROJECTS, { advisories: ADVISORIES });
  const { client } = await TestClient.start({
    env: indexedEnv(index.url),
    rootUri: pathToFileURL(dir).toString(),
    initializationOptions: { diagnostics: { outdated: false } },
  });
  stops.push(async () => {
    await client.stop();
    await index.stop();
  });
  const uri = client.open(path.join(dir, 'requirements.txt'), TEXT);
  const ds = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'vulnerability-ignored') && d.some((x) => x.code === 'vulnerable'), 30_000);
  const vulnerable = ds.filter((d) => d.code === 'vulnerable');
  assert.deepEqual(
    vulnerable.map((d) => d.range.start.line),
    [0],
    'requests stays a warning: its entry expired in 2020',
  );
  const ignored = ds.filter((d) => d.code === 'vulnerability-ignored');
  assert.equal(ignored.length, 1);
  assert.equal(ignored[0].range.start.line, 1);
  assert.equal(ignored[0].severity, 4);
  assert.equal(
    ignored[0].message,
    'jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 / CVE-2024-22195 is ignored until 2099-01-01 by osv-scanner.toml: We never pass user input as keys to xmlattr.',
  );
  // The hover lists the advisory with the ignore beside it, not as a plain known vulnerability.
  const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 2 } });
  assert.match(hover.contents.value, /GHSA-h5c8-rqwp-cp95.* — fixed in 3\.1\.3 — \*ignored until 2099-01-01 by osv-scanner\.toml: We never pass user input/);
});

test('check honours the file: jinja2 is a hint, and --fail-on vulnerable fails only for requests', async () => {
  const index = await startIndexServer(VULNERABLE_PROJECTS, { advisories: ADVISORIES });
  stops.push(() => index.stop());
  const env = { ...indexedEnv(index.url), XDG_CACHE_HOME: path.join(dir, 'cache') };
  const run = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'check', ...args], { cwd: dir, env });
      let stdout = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.on('close', (status) => resolve({ status, stdout }));
    });
  const json = await run(['--format', 'json', '--fail-on', 'vulnerable', 'requirements.txt']);
  const codes = (JSON.parse(json.stdout) as { code: string }[]).map((d) => d.code);
  assert.ok(codes.includes('vulnerability-ignored'), json.stdout);
  assert.equal(codes.filter((c) => c === 'vulnerable').length, 1, json.stdout);
  assert.equal(json.status, 1, 'requests is still vulnerable');
  // Without requests, the gate passes: the one advisory left is ignored.
  fs.writeFileSync(path.join(dir, 'only-jinja.txt'), 'jinja2==3.1.2\n');
  const gate = await run(['--fail-on', 'vulnerable', 'only-jinja.txt']);
  assert.equal(gate.status, 0, gate.stdout);
  assert.match(gate.stdout, /ignored until 2099-01-01 by osv-scanner.toml/);
});

test('the quick fix "Ignore … until …" appends an entry to the file beside, or creates it where the client can', async () => {
  const index = await startIndexServer(VULNERABLE_PROJECTS, { advisories: ADVISORIES });
  const capabilities = { workspace: { workspaceEdit: { documentChanges: true, resourceOperations: ['create'] } }, textDocument: { publishDiagnostics: {} } };
  const { client } = await TestClient.start({
    env: indexedEnv(index.url),
    rootUri: pathToFileURL(dir).toString(),
    capabilities,
    initializationOptions: { diagnostics: { outdated: false } },
  });
  stops.push(async () => {
    await client.stop();
    await index.stop();
  });
  const actionsOn = async (uri: string) => {
    const ds = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'vulnerable'), 30_000);
    const d = ds.find((x) => x.code === 'vulnerable')!;
    return (await client.request('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as {
      title: string;
      edit?: any;
    }[];
  };
  // Beside an existing osv-scanner.toml: appended at its end, and the file reads back with one entry more.
  const uri = client.open(path.join(dir, 'requirements.txt'), TEXT);
  const existing = (await actionsOn(uri)).filter((a) => a.title.startsWith('Ignore '));
  assert.deepEqual(
    existing.map((a) => a.title.replace(/until \d{4}-\d\d-\d\d/, 'until DATE')),
    [
      'Ignore PYSEC-2023-74 until DATE (osv-scanner.toml, with a reason to write)',
      'Ignore GHSA-9wx4-h78v-vm56 until DATE (osv-scanner.toml, with a reason to write)',
    ],
  );
  const ignoreUri = pathToFileURL(path.join(dir, 'osv-scanner.toml')).toString();
  const edited = TextDocument.applyEdits(TextDocument.create(ignoreUri, 'toml', 1, IGNORES), existing[0].edit.changes[ignoreUri]);
  const entries = parseOsvIgnores(edited).entries;
  assert.equal(entries.length, 3);
  assert.equal(entries[2].id, 'PYSEC-2023-74');
  assert.ok(entries[2].until!.getTime() > Date.now() + 80 * 86_400_000, 'about 90 days out');
  // In a folder without one: the file is created.
  fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
  const other = client.open(path.join(dir, 'sub', 'requirements.txt'), 'requests==2.30.0\n');
  const created = (await actionsOn(other)).find((a) => a.title.startsWith('Ignore PYSEC-2023-74'))!;
  assert.equal(created.edit.documentChanges[0].kind, 'create');
  assert.equal(created.edit.documentChanges[0].uri, pathToFileURL(path.join(dir, 'sub', 'osv-scanner.toml')).toString());
  assert.equal(parseOsvIgnores(created.edit.documentChanges[1].edits[0].newText).entries[0].id, 'PYSEC-2023-74');
});

test('an entry the quick fix wrote, saved with no reason filled in, is a hint that says none was given, once the watcher reports the save', async () => {
  const index = await startIndexServer(VULNERABLE_PROJECTS, { advisories: ADVISORIES });
  const folder = path.join(dir, 'unreasoned');
  fs.mkdirSync(folder, { recursive: true });
  const ignoreFile = path.join(folder, 'osv-scanner.toml');
  fs.writeFileSync(ignoreFile, '# ignores\n');
  // A client that watches files, as VS Code does: the server registers osv-scanner.toml among its watchers.
  const capabilities = { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } }, textDocument: { publishDiagnostics: {} } };
  const rootUri = pathToFileURL(folder).toString();
  const { client } = await TestClient.start({ env: indexedEnv(index.url), rootUri, capabilities, initializationOptions: { diagnostics: { outdated: false } } });
  stops.push(async () => {
    await client.stop();
    await index.stop();
  });
  const uri = client.open(path.join(folder, 'requirements.txt'), 'jinja2==3.1.2\n');
  const ds = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'vulnerable'), 30_000);
  const d = ds.find((x) => x.code === 'vulnerable')!;
  const actions = (await client.request('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } })) as {
    title: string;
    edit?: any;
  }[];
  const fix = actions.find((a) => a.title.startsWith('Ignore GHSA-h5c8-rqwp-cp95'))!;
  const ignoreUri = pathToFileURL(ignoreFile).toString();
  // The user applies it and saves the file as it is (Neovim applies it to a buffer nobody looks at).
  fs.writeFileSync(ignoreFile, TextDocument.applyEdits(TextDocument.create(ignoreUri, 'toml', 1, '# ignores\n'), fix.edit.changes[ignoreUri]));
  // The watcher reports the save; the hint follows it (without it, only a read 5 s later at the next keystroke would).
  client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: ignoreUri, type: 2 }] });
  const after = await client.waitForDiagnostics(uri, (x) => x.some((y) => y.code === 'vulnerability-ignored'), 30_000);
  const hint = after.find((x) => x.code === 'vulnerability-ignored')!;
  assert.match(hint.message, /^jinja2 3\.1\.2: GHSA-h5c8-rqwp-cp95 \/ CVE-2024-22195 is ignored until [\d-]+ by osv-scanner\.toml \(no reason given\)\.$/);
});
