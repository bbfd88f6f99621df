// file:// indexes and --find-links folders (issue 15): names, versions and hashes come from the disk, never through
// the HTTP client, and a local index is never "unreachable".

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TestClient, testEnv } from './client.ts';
import { buildWheels } from '../fixtures/python.ts';

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

let dir: string;
let simple: string;
let flat: string;
before(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rls-fileindex-')));
  // A PEP 503 tree: alpha/ with an index.html (relative links into a packages folder), Beta/ with only its wheels.
  simple = path.join(dir, 'wheelhouse', 'simple');
  const packages = path.join(dir, 'wheelhouse', 'packages');
  buildWheels(packages, [
    { name: 'alpha', version: '1.0' },
    { name: 'alpha', version: '1.1' },
  ]);
  fs.mkdirSync(path.join(simple, 'alpha'), { recursive: true });
  const links = ['1.0', '1.1'].map((v) => {
    const f = `alpha-${v}-py3-none-any.whl`;
    return `<a href="../../packages/${f}#sha256=${sha(path.join(packages, f))}">${f}</a>`;
  });
  fs.writeFileSync(path.join(simple, 'alpha', 'index.html'), `<!DOCTYPE html><html><body>${links.join('\n')}</body></html>`);
  buildWheels(path.join(simple, 'Beta'), [
    { name: 'beta', version: '2.0' },
    { name: 'beta', version: '3.0' },
  ]);
  // A flat --find-links folder.
  flat = path.join(dir, 'flat');
  buildWheels(flat, [
    { name: 'gamma', version: '0.5' },
    { name: 'gamma', version: '0.6' },
    { name: 'delta', version: '1.0' },
  ]);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The server's environment without PIP_NO_INDEX, so that the file's (or pip.conf's) file:// index is used. */
function localEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // A named PIP_CONFIG_FILE adds to the user's and the global files (as in pip): those point elsewhere.
  const home = path.join(dir, 'home');
  fs.mkdirSync(path.join(home, 'xdg-dirs'), { recursive: true });
  const env = testEnv({
    NETRC: '/nonexistent',
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CONFIG_DIRS: path.join(home, 'xdg-dirs'),
    ...extra,
  });
  delete env.PIP_NO_INDEX;
  return env;
}

async function versionsAfter(client: TestClient, uri: string, line: number, character: number): Promise<string[]> {
  for (let i = 0; i < 100; i++) {
    const list = await client.request('textDocument/completion', { textDocument: { uri }, position: { line, character } });
    if (list.items.length) return list.items.map((x: { label: string }) => x.label);
    await new Promise((r) => setTimeout(r, 100));
  }
  return [];
}

test('--index-url file:///…/simple/: versions from index.html and from a folder listing, hashes from the files', async () => {
  const { client } = await TestClient.start({ env: localEnv(), initializationOptions: { diagnostics: { environment: false, outdated: false } } });
  try {
    const project = path.join(dir, 'project');
    fs.mkdirSync(project, { recursive: true });
    const text = `--index-url ${pathToFileURL(simple).toString()}/\nalpha==9\nbeta==2.0\nbeta==\n`;
    const uri = client.open(path.join(project, 'requirements.txt'), text);
    const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'no-matching-version'), 15000);
    assert.equal(diags.find((d) => d.code === 'no-matching-version')!.message, 'No release of alpha matches ==9 (latest is 1.1).');
    assert.deepEqual(await versionsAfter(client, uri, 3, 6), ['3.0', '2.0'], 'the folder spelt Beta/ answers for beta');
    // Hashes for --hash come from the files themselves.
    const [action] = await client.request('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.addHashes'] },
    });
    assert.ok(action);
    const resolved = await client.request('codeAction/resolve', action);
    const inserted = JSON.stringify(resolved.edit?.changes?.[uri] ?? []);
    assert.ok(inserted.includes(`--hash=sha256:${sha(path.join(simple, 'Beta', 'beta-2.0-py3-none-any.whl'))}`), inserted);
    // Names: the folder's project list makes an unknown name an error, and offers the wheelhouse's names.
    const names = client.open(path.join(project, 'names.txt'), `--index-url ${pathToFileURL(simple).toString()}/\nzeta\nal\n`);
    const unknown = await client.waitForDiagnostics(names, (d) => d.some((x) => x.code === 'unknown-package'), 15000);
    assert.deepEqual(
      unknown
        .filter((d) => d.code === 'unknown-package')
        .map((d) => d.range.start.line)
        .sort(),
      [1, 2],
    );
    const offered = await client.request('textDocument/completion', { textDocument: { uri: names }, position: { line: 2, character: 2 } });
    assert.ok(
      offered.items.some((i: { label: string }) => i.label === 'alpha'),
      JSON.stringify(offered.items.slice(0, 5)),
    );
    // The hover names the project's page on this index, not pypi.org; as text: a link goes to an http(s) page only (issue #29).
    const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 1 } });
    assert.ok(hover.contents.value.includes(`${pathToFileURL(simple).toString().replace('://', '\\://')}/alpha/`), hover.contents.value);
    assert.doesNotMatch(hover.contents.value, /\]\(file:/);
    assert.doesNotMatch(hover.contents.value, /pypi\.org/);
    assert.ok(!client.logs.some((l) => /Invalid URL protocol|cannot be reached/.test(l)), client.logs.join('\n'));
    assert.ok(!client.notifications.some((n) => n.method === 'window/showMessage'), JSON.stringify(client.notifications));
  } finally {
    await client.stop();
  }
});

test('pip.conf index-url = file://…, and a --find-links folder with --no-index: both read from disk; the log says where they came from', async () => {
  const conf = path.join(dir, 'pip.conf');
  fs.writeFileSync(conf, `[global]\nindex-url = ${pathToFileURL(simple).toString()}\nextra-index-url = ${pathToFileURL(simple).toString()}/\n`);
  const { client } = await TestClient.start({
    env: localEnv({ PIP_CONFIG_FILE: conf }),
    initializationOptions: { diagnostics: { environment: false, outdated: false }, logLevel: 'info' },
  });
  try {
    const project = path.join(dir, 'conf-project');
    fs.mkdirSync(project, { recursive: true });
    const uri = client.open(path.join(project, 'requirements.txt'), 'alpha==\n');
    // The first request already: pip.conf is read off the request path, and the brief wait covers that read.
    const first = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 7 } });
    assert.deepEqual(
      first.items.map((x: { label: string }) => x.label),
      ['1.1', '1.0'],
    );
    const line = client.logs.find((l) => l.includes('Package index:'));
    assert.equal(line, `Package index: ${pathToFileURL(simple).toString()} (from ${conf})`, 'the same index as extra is listed once');

    const links = client.open(path.join(project, 'links.txt'), `--no-index\n--find-links ../flat\ngamma==\n`);
    assert.deepEqual(await versionsAfter(client, links, 2, 7), ['0.6', '0.5']);
    assert.ok(!client.logs.some((l) => /Invalid URL protocol|cannot be reached/.test(l)), client.logs.join('\n'));
  } finally {
    await client.stop();
  }
});
