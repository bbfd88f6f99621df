// The VS Code extension's start-up logic (pure parts), and its package: bundled server, grammar, no node_modules.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { environmentLabel, initializationOptions, statusText } from '../../client/vscode/src/options.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const EXT = path.resolve(here, '../../client/vscode');

test('initializationOptions: the venvPath setting wins, else the Python extension’s interpreter', () => {
  assert.equal(initializationOptions({ venvPath: '/p/.venv' }, '/other/bin/python').venvPath, '/p/.venv');
  assert.equal(initializationOptions({}, '/p/.venv/bin/python').venvPath, '/p/.venv/bin/python');
  assert.equal(initializationOptions({ diagnostics: { enable: false } }, undefined).venvPath, null);
  assert.deepEqual(initializationOptions({ diagnostics: { enable: false } }, undefined).diagnostics, { enable: false });
});

test('the status bar shows the environment and the index state the server reports', () => {
  assert.equal(initializationOptions({}, undefined).statusNotifications, true);
  assert.equal(statusText({ index: 'offline', environment: '.venv (Python 3.11.7)' }, 'x'), '$(package) .venv (Python 3.11.7) · index offline');
  assert.equal(statusText({ index: 'loading' }, '.venv'), '$(package) .venv · index loading');
  assert.equal(statusText({ index: 'ready', environment: 'venv' }, '.venv'), '$(package) venv');
});

test('the status bar names the environment', () => {
  assert.equal(environmentLabel('/home/u/p/.venv/bin/python'), '.venv');
  assert.equal(environmentLabel('C:\\p\\env\\Scripts\\python.exe'), 'env');
  assert.equal(environmentLabel('/home/u/p/venv'), 'venv');
  assert.equal(environmentLabel(undefined), 'no environment selected');
});

test('npm run package builds a .vsix under 1 MB with the bundled server, its data and the grammar, and no node_modules', () => {
  execFileSync('npm', ['run', 'package', '--silent'], { cwd: EXT, stdio: 'pipe' });
  const vsix = path.join(EXT, 'requirements-language-server.vsix');
  assert.ok(fs.statSync(vsix).size < 1024 * 1024, `${fs.statSync(vsix).size} bytes`);
  const listing = execFileSync('python3', ['-m', 'zipfile', '-l', vsix], { encoding: 'utf8' });
  for (const f of ['extension/dist/extension.js', 'extension/dist/server.cjs', 'extension/dist/popularity.tsv', 'extension/dist/pip-requirements.tmLanguage.json', 'extension/package.json']) {
    assert.ok(listing.includes(f), `${f} missing from the .vsix:\n${listing}`);
  }
  assert.ok(!listing.includes('node_modules'), 'no runtime node_modules');
});
