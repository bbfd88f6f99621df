// The environment layer on disk layouts written as installers write them, and marker evaluation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverEnvironment, discoverEnvironmentAsync, readEnvironment, readEnvironmentAsync, rootFromSetting } from '../../server/src/environment/venv.ts';
import { createEnvironmentService } from '../../server/src/environment/index.ts';
import { evaluateMarker, markerEnvironment } from '../../server/src/environment/markers.ts';
import { parse } from '../../server/src/syntax/index.ts';

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-envunit-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const SITE = '.venv/lib/python3.12/site-packages';

test('discovery: setting (folder or interpreter), VIRTUAL_ENV, CONDA_PREFIX, then a .venv in a parent folder up to the workspace root', () => {
  const dir = tree({ '.venv/pyvenv.cfg': 'version = 3.12.1\n', 'sub/deeper/requirements.txt': '', 'other/venv/pyvenv.cfg': '', 'other/venv/bin/python': '' });
  const file = path.join(dir, 'sub/deeper/requirements.txt');
  assert.deepEqual(discoverEnvironment({ env: {}, file, workspaceRoots: [dir] }), { root: path.join(dir, '.venv'), source: 'nearby' });
  assert.equal(discoverEnvironment({ env: {}, file, workspaceRoots: [path.join(dir, 'sub')] }), undefined, 'never above the workspace root');
  assert.deepEqual(discoverEnvironment({ env: { CONDA_PREFIX: '/opt/conda' }, file, workspaceRoots: [] }), { root: '/opt/conda', source: 'CONDA_PREFIX' });
  assert.deepEqual(discoverEnvironment({ env: { VIRTUAL_ENV: '/v', CONDA_PREFIX: '/c' }, file, workspaceRoots: [] }), { root: '/v', source: 'VIRTUAL_ENV' });
  assert.equal(rootFromSetting(path.join(dir, 'other/venv/bin/python')), path.join(dir, 'other/venv'));
  assert.deepEqual(discoverEnvironment({ setting: path.join(dir, 'other/venv'), env: { VIRTUAL_ENV: '/v' }, file, workspaceRoots: [] }), {
    root: path.join(dir, 'other/venv'),
    source: 'setting',
  });
});

test('reading: dist-info, egg-info folders and files, editables, metadata continuation lines, no pyvenv.cfg', () => {
  const dir = tree({
    [`${SITE}/Django-5.0.6.dist-info/METADATA`]:
      'Metadata-Version: 2.1\nName: Django\nVersion: 5.0.6\nSummary: A high-level\n  Python web framework\nRequires-Dist: asgiref<4,>=3.7.0\nRequires-Dist: tzdata; sys_platform == "win32"\nProvides-Extra: argon2\n\nbody: ignored\n',
    [`${SITE}/mylib-0.1.dist-info/METADATA`]: 'Name: mylib\nVersion: 0.1\n',
    [`${SITE}/mylib-0.1.dist-info/direct_url.json`]: '{"url": "file:///src/mylib", "dir_info": {"editable": true}}',
    [`${SITE}/six-1.16.0-py3.12.egg-info/PKG-INFO`]: 'Metadata-Version: 1.1\nName: six\nVersion: 1.16.0\n',
    [`${SITE}/oldstyle-2.0-py3.12.egg-info`]: 'Metadata-Version: 1.0\nName: oldstyle\nVersion: 2.0\n',
  });
  const snap = readEnvironment({ root: path.join(dir, '.venv'), source: 'nearby' });
  assert.deepEqual([...snap.distributions.keys()].sort(), ['django', 'mylib', 'oldstyle', 'six']);
  const django = snap.distributions.get('django')!;
  assert.equal(django.version, '5.0.6');
  assert.deepEqual(django.metadata().requiresDist, ['asgiref<4,>=3.7.0', 'tzdata; sys_platform == "win32"']);
  assert.equal(django.metadata().summary, 'A high-level Python web framework');
  assert.deepEqual(django.metadata().providesExtras, ['argon2']);
  assert.equal(snap.distributions.get('mylib')!.editable, true);
  assert.equal(snap.distributions.get('six')!.kind, 'egg-info');
  assert.equal(snap.pythonVersion, '3.12', 'no pyvenv.cfg: the version comes from lib/python3.X');
  assert.match(snap.warnings.join('\n'), /has no pyvenv\.cfg/);
});

test('asynchronous discovery and scan: the same answers as the synchronous ones (one set of disk steps, two drivers)', async () => {
  const dir = tree({
    '.venv/pyvenv.cfg': 'version = 3.12.1\n',
    'sub/requirements.txt': '',
    [`${SITE}/Django-5.0.6.dist-info/METADATA`]: 'Name: Django\nVersion: 5.0.6\nRequires-Dist: asgiref\n',
    [`${SITE}/mylib-0.1.dist-info/METADATA`]: 'Name: mylib\nVersion: 0.1\n',
    [`${SITE}/mylib-0.1.dist-info/direct_url.json`]: '{"url": "file:///src/mylib", "dir_info": {"editable": true}}',
    [`${SITE}/broken-1.0.dist-info/METADATA/x`]: '',
  });
  const options = { env: {}, file: path.join(dir, 'sub/requirements.txt'), workspaceRoots: [dir] };
  assert.deepEqual(await discoverEnvironmentAsync(options), discoverEnvironment(options));
  const found = discoverEnvironment(options)!;
  // Warnings come with the first read of an entry only (later scans take it from the cache by mtime).
  const strip = (s: ReturnType<typeof readEnvironment>) => ({
    ...s,
    warnings: [],
    distributions: [...s.distributions.values()].map((d) => ({ ...d, metadata: d.metadata() })),
  });
  const first = await readEnvironmentAsync(found);
  assert.match(first.warnings.join('\n'), /broken-1\.0\.dist-info: cannot read its metadata \(EISDIR/, 'a read error keeps its reason');
  assert.deepEqual(strip(first), strip(readEnvironment(found)));
  assert.deepEqual([...first.distributions.keys()].sort(), ['broken', 'django', 'mylib'], 'an unreadable METADATA: name and version from the folder name');
});

test('the environment service: a keystroke peeks (undefined while on its way), the landing announces a change, then the snapshot is at hand', async () => {
  const dir = tree({
    '.venv/pyvenv.cfg': 'version = 3.12.1\n',
    [`${SITE}/six-1.16.0.dist-info/METADATA`]: 'Name: six\nVersion: 1.16.0\n',
    'other/requirements.txt': '',
  });
  const service = createEnvironmentService({ env: {}, logger: { info: () => undefined, warn: () => undefined } });
  try {
    const file = path.join(dir, 'requirements.txt');
    let changes = 0;
    service.onDidChange(() => changes++);
    assert.equal(service.peek(file, [dir]), undefined, 'nothing read on the keystroke path');
    assert.ok(service.pending(file, [dir]), 'what is on its way can be awaited');
    const resolved = await service.resolve(file, [dir]);
    assert.equal(resolved?.facts.installed('six')?.version, '1.16.0');
    assert.equal(service.peek(file, [dir]), resolved, 'then the snapshot is at hand');
    await new Promise((r) => setImmediate(r));
    assert.ok(changes >= 1, 'its landing was announced');
    const none = createEnvironmentService({ env: {}, logger: { info: () => undefined, warn: () => undefined } });
    assert.equal(await none.resolve(path.join(dir, 'other/requirements.txt'), [path.join(dir, 'other')]), null, 'none found: null, not undefined');
    none.dispose();
  } finally {
    service.dispose();
  }
});

test('markers: version and string comparisons, extras, legacy names, and "cannot tell"', () => {
  const env = { ...markerEnvironment('3.11.7'), sys_platform: 'linux', os_name: 'posix' };
  const m = (s: string, extras: string[] = []) => evaluateMarker(parse(`x; ${s}`).lines[0].requirement!.marker!.expression!, env, extras);
  assert.equal(m('python_version >= "3.8"'), true);
  assert.equal(m('python_version < "3.10"'), false, 'compared as versions, not strings');
  assert.equal(m('python_full_version == "3.11.*"'), true);
  assert.equal(m('sys_platform == "win32"'), false);
  assert.equal(m("os.name == 'posix'"), true);
  assert.equal(m('sys_platform in "linux darwin"'), true);
  assert.equal(m('sys_platform not in "linux darwin"'), false);
  assert.equal(m('extra == "Test_Extra"', ['test-extra']), true);
  assert.equal(m('extra == "test"'), false);
  assert.equal(m('python_version >= "3.8" and (sys_platform == "win32" or os_name == "posix")'), true);
  assert.equal(m('sys_platform > "linux"'), undefined, 'packaging cannot order non-versions');
  assert.equal(m('python_version <'), undefined, 'half-typed');
  assert.equal(m('sys_platform == "win32" and python_version <'), false, 'false and unknown is false');
});

test('local projects: the folders pip installed from (direct_url.json, .egg-link), as written and as real paths, resolved by the scan, synchronous and asynchronous alike', async () => {
  const dir = tree({
    '.venv/pyvenv.cfg': 'version = 3.12.1\n',
    [`${SITE}/mylib-0.1.dist-info/METADATA`]: 'Name: mylib\nVersion: 0.1\n',
    [`${SITE}/Old_Lib.egg-link`]: '', // written below, once the folder's path is known
    'src/mylib/pyproject.toml': '',
    'src/old/setup.py': '',
  });
  fs.symlinkSync(path.join(dir, 'src'), path.join(dir, 'linked'));
  // pip recorded the folder through the symlink; the egg-link names the real folder with a trailing slash.
  fs.writeFileSync(
    path.join(dir, SITE, 'mylib-0.1.dist-info/direct_url.json'),
    JSON.stringify({ url: `file://${path.join(dir, 'linked/mylib')}`, dir_info: { editable: true } }),
  );
  fs.writeFileSync(path.join(dir, SITE, 'Old_Lib.egg-link'), `${path.join(dir, 'src/old')}/\n.\n`);
  const expected = [
    [path.join(dir, 'linked/mylib'), 'mylib'],
    [path.join(dir, 'src/mylib'), 'mylib'],
    [path.join(dir, 'src/old'), 'old-lib'],
  ];
  const found = { root: path.join(dir, '.venv'), source: 'nearby' as const };
  assert.deepEqual([...readEnvironment(found)!.localProjects].sort(), expected);
  assert.deepEqual([...(await readEnvironmentAsync(found))!.localProjects].sort(), expected);
});
