// Issue 28 over LSP, against a loopback index that serves upload times (PEP 700 and the JSON API), licences and
// per-release files, and a real venv (python3 -m venv): the licence in the hover, a pin inside the cooldown, a
// pin with no wheel for this machine, and a licence policy.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { indexedEnv, TestClient } from './client.ts';
import { startIndexServer, type FixtureProject } from '../fixtures/indexServer.ts';
import { makeVenv } from '../fixtures/python.ts';

const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();
const PROJECTS: FixtureProject[] = [
  {
    name: 'requests',
    summary: 'Python HTTP for Humans.',
    license: 'Apache-2.0',
    classifiers: ['License :: OSI Approved :: Apache Software License'],
    files: [
      { filename: 'requests-2.30.0-py3-none-any.whl', uploadTime: '2023-05-22T15:12:42.313790Z' },
      { filename: 'requests-2.30.0.tar.gz', uploadTime: '2023-05-22T15:12:44.175074Z' },
      { filename: 'requests-2.32.3-py3-none-any.whl', uploadTime: '2024-05-29T15:37:47.027123Z' },
    ],
  },
  {
    name: 'flask',
    summary: 'A simple framework for building complex web applications.',
    licenseExpression: 'BSD-3-Clause',
    files: [
      { filename: 'flask-3.1.0-py3-none-any.whl', uploadTime: daysAgo(400) },
      { filename: 'flask-3.2.0-py3-none-any.whl', uploadTime: daysAgo(1) },
    ],
  },
  {
    name: 'psycopg2',
    summary: 'psycopg2 - Python-PostgreSQL Database Adapter',
    license: 'LGPL with exceptions',
    classifiers: ['License :: OSI Approved :: GNU Library or Lesser General Public License (LGPL)'],
    files: [
      { filename: 'psycopg2-2.9.10-cp311-cp311-win_amd64.whl', uploadTime: daysAgo(300) },
      { filename: 'psycopg2-2.9.10.tar.gz', uploadTime: daysAgo(300) },
    ],
  },
  {
    name: 'six',
    summary: 'Python 2 and 3 compatibility utilities',
    license: 'MIT',
    files: [{ filename: 'six-1.17.0-py2.py3-none-any.whl', uploadTime: daysAgo(700) }],
  },
  // As PyPI has it: a short licence name that is not SPDX, and the classifier that says which GPL.
  {
    name: 'PyQt5',
    summary: 'Python bindings for the Qt cross platform application toolkit',
    license: 'GPL v3',
    classifiers: ['License :: OSI Approved :: GNU General Public License v3 (GPLv3)'],
    files: [{ filename: 'PyQt5-5.15.11-cp38-abi3-manylinux_2_17_x86_64.whl', uploadTime: daysAgo(500) }],
  },
];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-supply-'));
const stops: (() => Promise<void>)[] = [];
after(async () => {
  for (const stop of stops) await stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(initializationOptions: Record<string, unknown> = {}) {
  const index = await startIndexServer(PROJECTS);
  const { client } = await TestClient.start({
    env: indexedEnv(index.url),
    initializationOptions: { diagnostics: { environment: true }, ...initializationOptions },
  });
  stops.push(async () => {
    await client.stop();
    await index.stop();
  });
  return { client, index };
}

const project = path.join(dir, 'project');
fs.mkdirSync(project, { recursive: true });
makeVenv(path.join(project, '.venv'));

test('the hover names the licence and the upload dates; a pin uploaded yesterday is inside the cooldown; no wheel for Linux means a build', async () => {
  const { client } = await start();
  const text = 'requests==2.30.0\nflask==3.2.0\npsycopg2==2.9.10\nsix==1.17.0\n';
  const uri = client.open(path.join(project, 'requirements.txt'), text);
  const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'too-new') && d.some((x) => x.code === 'no-wheel'), 30_000);

  const tooNew = diags.filter((d) => d.code === 'too-new');
  assert.equal(tooNew.length, 1);
  assert.equal(tooNew[0].range.start.line, 1);
  assert.equal(tooNew[0].message, 'flask 3.2.0 was released 1 day ago; cooldown 7 days (requirements.cooldownDays).');

  const noWheel = diags.filter((d) => d.code === 'no-wheel');
  assert.equal(noWheel.length, 1, JSON.stringify(noWheel));
  assert.equal(noWheel[0].range.start.line, 2);
  assert.match(noWheel[0].message, /^No wheel for CPython 3\.\d+ on manylinux x86_64: pip will build psycopg2 2\.9\.10 from its sdist/);
  assert.equal(diags.filter((d) => d.code === 'license').length, 0, 'no policy, no licence diagnostics');

  const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } });
  assert.match(hover.contents.value, /Licence: \*\*Apache-2\.0\*\*/);
  assert.match(hover.contents.value, /pinned \*\*2\.30\.0\*\* \(uploaded 2023-05-22, \d+ years ago\)/);
  assert.match(hover.contents.value, /latest \*\*2\.32\.3\*\* \(uploaded 2024-05-29/);
  // Version completion marks the release inside the cooldown and offers the one before it first.
  const flask = client.open(path.join(project, 'complete.txt'), 'flask==\npsycopg2==\n');
  const versions = await client.request('textDocument/completion', { textDocument: { uri: flask }, position: { line: 0, character: 7 } });
  const byLabel = new Map<string, { detail?: string; preselect?: boolean }>(
    versions.items.map((i: { label: string; detail?: string; preselect?: boolean }) => [i.label, i]),
  );
  assert.match(byLabel.get('3.2.0')!.detail ?? '', /inside the 7-day cooldown/);
  assert.equal(byLabel.get('3.1.0')!.preselect, true);
  assert.notEqual(byLabel.get('3.2.0')!.preselect, true);
  const psycopg = await client.request('textDocument/completion', { textDocument: { uri: flask }, position: { line: 1, character: 10 } });
  assert.match(psycopg.items[0].detail, /no wheel here: built from source/);
  // The pin action offers the newest release outside the cooldown, and the one inside it only by name.
  const unpinned = client.open(path.join(project, 'unpinned.txt'), 'flask\n');
  await client.waitForDiagnostics(unpinned, () => true, 30_000);
  const actions = (await client.request('textDocument/codeAction', {
    textDocument: { uri: unpinned },
    range: { start: { line: 0, character: 2 }, end: { line: 0, character: 2 } },
    context: { diagnostics: [] },
  })) as { title: string }[];
  const titles = actions.map((a) => a.title);
  assert.ok(titles.includes('Pin flask to 3.1.0 (the newest outside the 7-day cooldown)'), titles.join(' | '));
  assert.ok(titles.includes('Pin flask to 3.2.0 (inside the 7-day cooldown)'), titles.join(' | '));
  // On the pin inside the cooldown, the way back to 3.1.0 is a downgrade, and says so (it was 'Upgrade flask to 3.1.0').
  const at = { start: { line: 1, character: 2 }, end: { line: 1, character: 2 } };
  const back = (await client.request('textDocument/codeAction', { textDocument: { uri }, range: at, context: { diagnostics: [] } })) as { title: string }[];
  const backTitles = back.map((a) => a.title).filter((t) => /flask/.test(t));
  assert.deepEqual(backTitles, ['Downgrade flask to 3.1.0 (the newest outside the 7-day cooldown)']);
  const classifierOnly = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 2 } });
  assert.match(classifierOnly.contents.value, /Licence: \*\*LGPL with exceptions\*\*/);
});

test('a licence policy: a denied id, and an allow list that a licence outside it fails', async () => {
  const { client } = await start({ licenses: { allow: ['MIT', 'Apache-2.0', 'BSD-3-Clause'], deny: ['GPL-3.0-only'] }, cooldownDays: 0 });
  const uri = client.open(path.join(project, 'policy.txt'), 'requests==2.30.0\nflask==3.2.0\npsycopg2==2.9.10\n');
  const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'license'), 30_000);
  const licence = diags.filter((d) => d.code === 'license');
  assert.deepEqual(
    licence.map((d) => d.range.start.line),
    [2],
  );
  assert.match(licence[0].message, /psycopg2: its licence, LGPL with exceptions, is not given as SPDX ids/);
  assert.equal(diags.filter((d) => d.code === 'too-new').length, 0, 'cooldownDays 0 turns the cooldown off');
});

test("a deny list catches a licence named in words ('GPL v3') by its classifier; the message names pyqt5 as the file does", async () => {
  const { client } = await start({ licenses: { deny: ['GPL-3.0-only'] } });
  const uri = client.open(path.join(project, 'deny.txt'), 'six==1.17.0\npyqt5==5.15.11\n');
  const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'license'), 30_000);
  const licence = diags.filter((d) => d.code === 'license');
  assert.deepEqual(
    licence.map((d) => [d.range.start.line, d.message]),
    [[1, 'pyqt5: its licence, GPL v3, is denied (requirements.licenses.deny: GPL-3.0-only).']],
  );
});

test('numpi==… is a look-alike of numpy (named with its rank), and its line offers no install or upgrade', async () => {
  const projects: FixtureProject[] = [
    {
      name: 'numpi',
      summary: 'Not numpy',
      files: [
        { filename: 'numpi-0.0.1-py3-none-any.whl', uploadTime: daysAgo(30) },
        { filename: 'numpi-0.0.2-py3-none-any.whl', uploadTime: daysAgo(20) },
      ],
    },
    {
      name: 'numpy',
      summary: 'Fundamental package for array computing in Python',
      files: [
        { filename: 'numpy-2.0.0-py3-none-any.whl', uploadTime: daysAgo(190) },
        { filename: 'numpy-2.1.0-py3-none-any.whl', uploadTime: daysAgo(90) },
      ],
    },
    { name: 'requests', summary: 'Python HTTP for Humans.', files: [{ filename: 'requests-2.32.3-py3-none-any.whl', uploadTime: daysAgo(900) }] },
  ];
  const index = await startIndexServer(projects, { projectList: ['numpi', 'numpy', 'requests', 'flask'] });
  const { client } = await TestClient.start({ env: indexedEnv(index.url), initializationOptions: { diagnostics: { environment: true } } });
  stops.push(async () => {
    await client.stop();
    await index.stop();
  });
  const uri = client.open(path.join(project, 'lookalike.txt'), 'numpi==0.0.1\nnumpy==2.0.0\nrequests==2.32.3\nreqeusts\n');
  const ds = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'look-alike'), 60_000);
  const lookAlikes = ds.filter((d) => d.code === 'look-alike');
  assert.deepEqual(
    lookAlikes.map((d) => d.range.start.line),
    [0],
  );
  assert.match(
    lookAlikes[0].message,
    /^'numpi' is a little-used look-alike of numpy \(the \d+(st|nd|rd|th) most downloaded project\): check that you meant it\.$/,
  );
  const actions = (await client.request('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 2 }, end: { line: 0, character: 2 } },
    context: { diagnostics: ds.filter((d) => d.range.start.line === 0) },
  })) as { title: string }[];
  const titles = actions.map((a) => a.title);
  // numpi 0.0.2 exists: without the look-alike check, 'Upgrade numpi to 0.0.2' and an install would be offered.
  assert.ok(!titles.some((t) => /numpi/.test(t) || /^Install '/.test(t)), titles.join(' | '));
  // A name the index lacks is a typo: its line says so with the did-you-mean, and not also that it is not installed.
  const typo = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'unknown-package' && x.range.start.line === 3), 30_000);
  assert.deepEqual(
    typo.filter((d) => d.range.start.line === 3).map((d) => d.code),
    ['unknown-package'],
  );
  assert.ok(
    typo.some((d) => d.code === 'not-installed' && d.range.start.line === 1),
    'numpy, which the index has, is still not installed',
  );
  // No outdated hint or inlay hint nudges an upgrade of numpi; numpy's line keeps both.
  const settled = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'outdated' && x.range.start.line === 1), 30_000);
  assert.ok(!settled.some((d) => d.code === 'outdated' && d.range.start.line === 0), JSON.stringify(settled));
  const hints = (await client.request('textDocument/inlayHint', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } },
  })) as {
    position: { line: number };
    label: string;
  }[];
  assert.deepEqual(
    hints.filter((h) => /⟶/.test(h.label)).map((h) => h.position.line),
    [1],
  );
  // numpy's own line keeps its upgrade.
  const numpy = (await client.request('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 1, character: 2 }, end: { line: 1, character: 2 } },
    context: { diagnostics: ds.filter((d) => d.range.start.line === 1) },
  })) as { title: string }[];
  assert.ok(
    numpy.some((a) => a.title === 'Upgrade numpy to 2.1.0'),
    numpy.map((a) => a.title).join(' | '),
  );
});
