// The pip freeze workflow from a terminal (issue 27): `freeze` and `derive`, as the editor's commands do them.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { frozenText, writeStaticVenv } from '../fixtures/flaskStandIns.ts';
import { testEnv } from './client.ts';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server/bin/requirements-language-server.cjs');
const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rls-cli-freeze-')));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const run = (args: string[], cwd: string) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: testEnv({ HOME: dir }) });

test('freeze and derive answer --help, and are listed in the main help', () => {
  for (const command of ['freeze', 'derive']) {
    const r = run([command, '--help'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Usage: requirements-language-server ${command} `));
    assert.match(run(['help', command], dir).stdout, new RegExp(`^Usage: requirements-language-server ${command} `));
  }
  assert.match(run(['--help'], dir).stdout, /^ {2}requirements-language-server freeze {11}print the environment's packages/m);
  assert.match(run(['--help'], dir).stdout, /^ {2}requirements-language-server derive FILE\.txt {2}write FILE\.in/m);
});

test('freeze prints what pip freeze prints for the .venv here, byte for byte; -o writes a new file and never replaces one', () => {
  const project = path.join(dir, 'freeze');
  writeStaticVenv(path.join(project, '.venv'));
  const r = run(['freeze'], project);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, frozenText());
  assert.equal(run(['freeze', '-o', 'requirements.txt'], project).status, 0);
  assert.equal(fs.readFileSync(path.join(project, 'requirements.txt'), 'utf8'), frozenText());
  const again = run(['freeze', '-o', 'requirements.txt'], project);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /requirements\.txt exists; it is not overwritten/);
  const none = run(['freeze'], fs.mkdtempSync(path.join(dir, 'empty-')));
  assert.equal(none.status, 1);
  assert.match(none.stderr, /^No virtual environment found/);
});

test('derive: the top-level packages of pip freeze output, from the environment it was frozen from', () => {
  const project = path.join(dir, 'derive');
  writeStaticVenv(path.join(project, '.venv'));
  fs.writeFileSync(path.join(project, 'requirements.txt'), frozenText());
  const printed = run(['derive', 'requirements.txt', '-o', '-', '--bounds', 'minimum'], project);
  assert.equal(printed.status, 0, printed.stderr);
  assert.deepEqual(
    printed.stdout.split('\n').filter((l) => /^[A-Za-z]/.test(l)),
    ['Flask>=3.0.3', 'requests>=2.32.3'],
  );
  assert.ok(!fs.existsSync(path.join(project, 'requirements.in')), '-o - writes nothing');
  const written = run(['derive', 'requirements.txt'], project);
  assert.equal(written.status, 0, written.stderr);
  assert.match(written.stdout, /^Wrote requirements\.in: Flask, requests \(2 of 12 pins; read from \.venv \(Python 3\.12\.1\)'s installed metadata\)\.\n$/);
  assert.deepEqual(
    fs
      .readFileSync(path.join(project, 'requirements.in'), 'utf8')
      .split('\n')
      .filter((l) => /^[A-Za-z]/.test(l)),
    ['Flask', 'requests'],
  );
  const again = run(['derive', 'requirements.txt'], project);
  assert.equal(again.status, 1, 'an existing .in is never replaced');
  assert.match(again.stderr, /requirements\.in exists; it is not overwritten/);
  // No environment: no metadata, and it says where to get it.
  const bare = fs.mkdtempSync(path.join(dir, 'bare-'));
  fs.writeFileSync(path.join(bare, 'requirements.txt'), frozenText());
  const none = run(['derive', 'requirements.txt'], bare);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /^No metadata for the packages of requirements\.txt: no virtual environment was found\. .*--venv DIR/);
});
