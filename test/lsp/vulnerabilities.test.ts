// Known vulnerabilities over LSP: the loopback index serves real advisories on /pypi/<name>/<version>/json, a
// loopback OSV stand-in answers querybatch and vulns, and a real venv holds a vulnerable installed release.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { indexedEnv, TestClient, type Diag } from './client.ts';
import { ADVISORIES } from '../fixtures/advisories.ts';
import { startIndexServer, VULNERABLE_PROJECTS, type IndexServer } from '../fixtures/indexServer.ts';
import { startOsvStandIn, type OsvStandIn } from '../fixtures/osvServer.ts';
import { buildWheels, makeVenv, pipInstall } from '../fixtures/python.ts';

let server: IndexServer;
let osv: OsvStandIn;
let client: TestClient;
let dir: string;
const settings = { diagnostics: { environment: true, outdated: false } };
before(
  async () => {
    server = await startIndexServer(VULNERABLE_PROJECTS, { advisories: ADVISORIES });
    osv = await startOsvStandIn();
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rls-vuln-')));
    buildWheels(path.join(dir, 'wheels'), [{ name: 'requests', version: '2.31.0' }]);
    pipInstall(makeVenv(path.join(dir, '.venv')), path.join(dir, 'wheels'), ['requests==2.31.0'], path.join(dir, 'home'));
    ({ client } = await TestClient.start({ env: indexedEnv(server.url), rootUri: pathToFileURL(dir).toString(), initializationOptions: settings }));
  },
  { timeout: 60_000 },
);
after(
  async () => {
    await client.stop();
    await server.stop();
    await osv.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  },
  { timeout: 60_000 },
);

const vulnerable = (ds: Diag[]) => ds.filter((d) => d.code === 'vulnerable');
const applyTo = (text: string, uri: string, action: any) =>
  TextDocument.applyEdits(TextDocument.create(uri, 'pip-requirements', 1, text), action.edit?.changes?.[uri] ?? []);
const configure = (requirements: unknown) => client.notify('workspace/didChangeConfiguration', { settings: { requirements } });

test('requests==2.30.0: both ids and 2.32.0; flask==3.0.0: nothing; jinja2 3.1.2: fixed in 3.1.3', async () => {
  const uri = client.open(path.join(dir, 'requirements.txt'), 'requests==2.30.0\nflask==3.0.0\njinja2==3.1.2\n');
  const ds = vulnerable(await client.waitForDiagnostics(uri, (d) => vulnerable(d).length === 2));
  assert.equal(
    ds[0].message,
    'requests 2.30.0 has 2 known vulnerabilities (PYSEC-2023-74 / CVE-2023-32681, GHSA-9wx4-h78v-vm56 / CVE-2024-35195); 2.32.0 fixes both.',
  );
  assert.equal(ds[0].range.start.line, 0);
  assert.equal((ds[0] as any).codeDescription.href, 'https://osv.dev/vulnerability/PYSEC-2023-74');
  assert.equal(ds[0].relatedInformation?.length, 2);
  assert.equal(ds[1].range.start.line, 2);
  assert.equal(
    ds[1].message,
    'jinja2 3.1.2 has a known vulnerability (GHSA-h5c8-rqwp-cp95 / CVE-2024-22195: Jinja vulnerable to HTML attribute injection when passing user input as keys to xmlattr filter); 3.1.3 fixes it.',
  );
  assert.ok(
    server.requests.some((r) => r.path === '/pypi/flask/3.0.0/json'),
    'flask was asked about, and has nothing (its one advisory is withdrawn)',
  );

  const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } });
  assert.match(hover.contents.value, /\*\*2 known vulnerabilities\*\* in 2\.30\.0/);
  assert.match(
    hover.contents.value,
    /\[PYSEC-2023-74\]\(https:\/\/osv\.dev\/vulnerability\/PYSEC-2023-74\) \(CVE-2023-32681, GHSA-j8r2-6x86-q33q\): Requests is a HTTP library\..* — fixed in 2\.31\.0/,
  );
  // (The advisory's words are Markdown text: its backticks escaped, issue #29.)
  assert.match(hover.contents.value, /GHSA-9wx4-h78v-vm56.*\(CVE-2024-35195\): Requests \\`Session\\` object.* — fixed in 2\.32\.0/);
  const flaskHover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 2 } });
  assert.doesNotMatch(flaskHover.contents.value, /vulnerabilit/);

  // The quick fix skips the yanked 2.32.0: the nearest release on the index that fixes both is 2.32.3.
  const actions = await client.request('textDocument/codeAction', {
    textDocument: { uri },
    range: ds[0].range,
    context: { diagnostics: [ds[0]], only: ['quickfix'] },
  });
  const fix = actions.find((a: any) => a.title.startsWith('Upgrade to'));
  assert.equal(fix.title, 'Upgrade to 2.32.3 (fixes 2)');
  assert.equal(fix.isPreferred, true);
  assert.equal(applyTo('requests==2.30.0\nflask==3.0.0\njinja2==3.1.2\n', uri, fix), 'requests==2.32.3\nflask==3.0.0\njinja2==3.1.2\n');

  const [all] = await client.request('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [], only: ['source.fixVulnerabilities'] },
  });
  assert.equal(all.title, 'Fix all known vulnerabilities (2 pins, 3 advisories)');
  assert.equal(applyTo('requests==2.30.0\nflask==3.0.0\njinja2==3.1.2\n', uri, all), 'requests==2.32.3\nflask==3.0.0\njinja2==3.1.3\n');
});

test('an unpinned line is checked at the version installed in its environment, and the fix installs the fixed release', async () => {
  const uri = client.open(path.join(dir, 'loose.txt'), 'requests>=2\n');
  const [d] = vulnerable(await client.waitForDiagnostics(uri, (ds) => vulnerable(ds).length === 1));
  assert.match(d.message, /^requests 2\.31\.0 \(installed\) has a known vulnerability \(GHSA-9wx4-h78v-vm56 \/ CVE-2024-35195: .*\); 2\.32\.0 fixes it\.$/);
  const actions = await client.request('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: ['quickfix'] } });
  const install = actions.find((a: any) => a.title.startsWith('Install 2.32.3'));
  assert.ok(install, JSON.stringify(actions.map((a: any) => a.title)));
  assert.deepEqual(install.command.arguments, [uri, ['requests==2.32.3']]);
});

test('in a compiled file the fix recompiles with --upgrade-package name==X, or names the .in line that forbids X', async () => {
  fs.writeFileSync(path.join(dir, 'app.in'), 'requests<2.32\njinja2\n');
  const text = '#\n# pip-compile app.in\n#\njinja2==3.1.2\n    # via -r app.in\nrequests==2.30.0\n    # via -r app.in\n';
  fs.writeFileSync(path.join(dir, 'app.txt'), text);
  const uri = client.open(path.join(dir, 'app.txt'), text);
  const ds = vulnerable(await client.waitForDiagnostics(uri, (d) => vulnerable(d).length === 2));
  const fixesFor = async (d: Diag) =>
    (await client.request('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: ['quickfix'] } })).filter(
      (a: any) => a.title.startsWith('Upgrade to'),
    );
  const [jinja] = await fixesFor(ds.find((d) => d.message.startsWith('jinja2'))!);
  assert.equal(jinja.title, 'Upgrade to 3.1.3 (fixes 1): recompile app.in with --upgrade-package jinja2==3.1.3');
  assert.deepEqual(jinja.command, { title: 'Upgrade jinja2 to 3.1.3', command: 'requirements.upgradePackage', arguments: [uri, 'jinja2==3.1.3'] });
  const [requests] = await fixesFor(ds.find((d) => d.message.startsWith('requests'))!);
  assert.equal(requests.title, 'Upgrade to 2.32.3 (fixes 2): app.in:1 (<2.32) forbids it; change it to >=2.32.3, then recompile');
  const inUri = pathToFileURL(path.join(dir, 'app.in')).toString();
  assert.equal(applyTo('requests<2.32\njinja2\n', inUri, requests), 'requests>=2.32.3\njinja2\n');
  // The whole-file action recompiles once for every pin the .in lets through.
  const [all] = await client.request('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [], only: ['source.fixVulnerabilities'] },
  });
  assert.deepEqual(all.command.arguments, [uri, { packages: ['jinja2==3.1.3'] }]);
});

test('settings: an ignored id is left out, OSV answers the same, off turns it off, and an unreachable OSV is told once', async () => {
  const text = 'requests==2.30.0\n';
  const uri = client.open(path.join(dir, 'settings.txt'), text);
  await client.waitForDiagnostics(uri, (d) => vulnerable(d).length === 1);
  configure({ ...settings, vulnerabilities: { ignore: ['CVE-2023-32681'], severity: 'error' } });
  let [d] = vulnerable(await client.waitForDiagnostics(uri, (ds) => vulnerable(ds)[0]?.message.includes('a known vulnerability') === true));
  assert.equal(d.severity, 1);
  assert.doesNotMatch(d.message, /PYSEC/);

  configure({ ...settings, vulnerabilities: { source: 'osv', osvUrl: osv.url, ignore: [], severity: 'warning' } });
  [d] = vulnerable(await client.waitForDiagnostics(uri, (ds) => vulnerable(ds)[0]?.message.includes('2 known') && osv.requests.length > 0));
  assert.equal(
    d.message,
    'requests 2.30.0 has 2 known vulnerabilities (PYSEC-2023-74 / CVE-2023-32681, GHSA-9wx4-h78v-vm56 / CVE-2024-35195); 2.32.0 fixes both.',
  );
  assert.ok(osv.requests.some((r) => r.method === 'POST' && r.path === '/v1/querybatch'));

  configure({ ...settings, vulnerabilities: { source: 'off' } });
  await client.waitForDiagnostics(uri, (ds) => vulnerable(ds).length === 0);

  // A port nothing listens on: told once, whatever is opened after.
  const closed = await startOsvStandIn();
  await closed.stop();
  configure({ ...settings, vulnerabilities: { source: 'osv', osvUrl: closed.url } });
  const offline = () =>
    client.notifications.filter((n) => n.method === 'window/showMessage' && /Known vulnerabilities cannot be checked/.test((n.params as any).message));
  for (let i = 0; i < 100 && offline().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(offline().length, 1);
  client.open(path.join(dir, 'more.txt'), 'jinja2==3.1.2\n');
  await client.nextDiagnostics(pathToFileURL(path.join(dir, 'more.txt')).toString());
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(offline().length, 1);
  configure({ ...settings, vulnerabilities: { source: 'pypi' } });
});
