// The `check` command and the bin, run as a user runs them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server/bin/requirements-language-server.cjs');

function run(args: string[], cwd: string) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
}

function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-cli-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

test('check prints file:line:col: severity code message, follows -r, exits 1 on errors', () => {
  const dir = workspace({ 'a.txt': 'requests==\n-r missing.txt\n-r b.txt\n', 'b.txt': 'flask\n--bogus\n' });
  const r = run(['check', 'a.txt'], dir);
  assert.equal(r.status, 1);
  assert.deepEqual(r.stdout.trim().split('\n'), [
    "a.txt:1:9: error missing-version 'requests==' needs a version after '=='",
    `a.txt:2:4: error include-not-found Cannot read 'missing.txt' (looked for ${path.join(dir, 'missing.txt')}); pip will stop here. Fix the path or create the file.`,
    "a.txt:3:4: error include-has-errors pip will stop in an included file: b.txt:2: pip does not know the option '--bogus' in a requirements file",
    "b.txt:2:1: error unknown-option pip does not know the option '--bogus' in a requirements file",
  ]);
});

test('check --format json, and exit 0 when there are only warnings', () => {
  const dir = workspace({ 'r.txt': 'flask\nFlask>=2\n' });
  const r = run(['check', 'r.txt', '--format', 'json'], dir);
  assert.equal(r.status, 0);
  const out = JSON.parse(r.stdout);
  assert.equal(out.length, 1);
  assert.equal(out[0].code, 'duplicate-requirement');
  assert.equal(out[0].severity, 'warning');
  assert.equal(out[0].line, 2);
});

test('local paths are checked on disk, as pip checks them', () => {
  const dir = workspace({ 'r.txt': './missing-pkg\n-e ./here\n./dist/x-1.0-py3-none-any.whl\n./bare\n', 'here/pyproject.toml': '', 'bare/README': '' });
  const r = run(['check', 'r.txt', '--format', 'json'], dir);
  const out = JSON.parse(r.stdout);
  // ./here is a project (pyproject.toml); ./bare exists but pip cannot install a folder without setup.py or pyproject.toml.
  assert.deepEqual(out.map((d: any) => [d.code, d.line]), [['path-not-found', 1], ['path-not-found', 3], ['not-a-project', 4]]);
  assert.equal(r.status, 1);
});

test('check of a missing file is an error; --version and --help answer', () => {
  const dir = workspace({});
  assert.equal(run(['check', 'nope.txt'], dir).status, 1);
  assert.match(run(['--version'], dir).stdout, /^\d+\.\d+\.\d+\n$/);
  const help = run(['--help'], dir);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /check \[FILES\.\.\.\]/);
});

test('paths on requirement lines resolve from where check runs (or --root), -r targets from the file: a monorepo', () => {
  const dir = workspace({
    'services/api/test-requirements.txt': '-e libs/core\n-r ../../common.txt\nrequests\n',
    'common.txt': 'attrs\n',
    'libs/core/pyproject.toml': '',
  });
  // From the root, as tox or CI runs pip there: clean.
  const fromRoot = run(['check', 'services/api/test-requirements.txt'], dir);
  assert.equal(fromRoot.stdout, '');
  assert.equal(fromRoot.status, 0);
  // From the service's folder pip would not find libs/core: an error that says where it looked.
  const api = path.join(dir, 'services/api');
  const fromThere = run(['check', 'test-requirements.txt', '--format', 'json'], api);
  assert.deepEqual(JSON.parse(fromThere.stdout).map((d: any) => [d.code, d.line, d.severity]), [['path-not-found', 1, 'error']]);
  assert.match(JSON.parse(fromThere.stdout)[0].message, new RegExp(`looked for ${path.join(api, 'libs/core').replace(/[/\\]/g, '.')}`));
  assert.equal(fromThere.status, 1);
  // --root names where pip will run.
  const rooted = run(['check', 'test-requirements.txt', '--root', dir], api);
  assert.equal(rooted.stdout, '');
  assert.equal(rooted.status, 0);
});
