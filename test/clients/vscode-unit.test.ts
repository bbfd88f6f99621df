// The VS Code extension's start-up logic (pure parts); its package is checked in vscode-e2e.test.ts, which builds it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { environmentLabel, initializationOptions, statusText } from '../../client/vscode/src/options.ts';

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
