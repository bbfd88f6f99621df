// The VS Code extension's start-up logic (pure parts); its package is checked in vscode-e2e.test.ts, which builds it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandArguments, environmentLabel, initializationOptions, packageOnLine, statusText } from '../../client/vscode/src/options.ts';

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

test('palette commands get the active file (and a package name); lenses and actions keep their own arguments', () => {
  assert.deepEqual(commandArguments('requirements.compile', [], 'file:///p/requirements.in'), ['file:///p/requirements.in']);
  assert.deepEqual(commandArguments('requirements.upgradePackage', [], 'file:///p/requirements.txt', 'Django'), ['file:///p/requirements.txt', 'Django']);
  assert.deepEqual(commandArguments('requirements.upgradePackage', [], 'file:///p/requirements.txt'), ['file:///p/requirements.txt']);
  assert.deepEqual(commandArguments('requirements.compile', ['file:///a.in', { upgrade: true }], 'file:///b.in'), ['file:///a.in', { upgrade: true }]);
  assert.equal(commandArguments('requirements.sync', [], undefined), undefined);
  assert.deepEqual(commandArguments('requirements.freeze', [], 'file:///p/requirements.txt', undefined, { target: 'file:///p/frozen.txt' }), ['file:///p/frozen.txt', { target: 'file:///p/frozen.txt' }]);
  assert.deepEqual(commandArguments('requirements.createVenv', [], 'file:///p/requirements.txt', undefined, { python: '/usr/bin/python3.12' }), ['file:///p/requirements.txt', { python: '/usr/bin/python3.12' }]);
  assert.equal(packageOnLine('Django[argon2]>=4 ; python_version > "3"  # web'), 'Django');
  assert.equal(packageOnLine('    # via -r requirements.in'), undefined);
  assert.equal(packageOnLine('-r base.txt'), undefined);
});
