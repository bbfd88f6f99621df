// The `check` command and the bin, run as a user runs them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as net from 'node:net';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWheels, isolatedPipEnv } from '../fixtures/python.ts';
import { testEnv } from './client.ts';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server/bin/requirements-language-server.cjs');

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env });
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

test('check never prints a ${VAR} value, in text, JSON or SARIF (issue #29: a pull request would publish a CI secret)', () => {
  const dir = workspace({
    'requirements.txt':
      'pkg3==${CI_SECRET}\n-r ${CI_SECRET}.txt\n-r ${SHORT}.txt\npkg4==${SHORT}\n${SHORT}==1.0\npkg @ https://u:${SHORT}@h/p-1.0-py3-none-any.whl\n-e ${SHORT}\n',
    // The files the variables name: each with an error, reported on the -r line, and not on its own (its path holds the value).
    'S3CRET-VALUE.txt': 'foo==\n',
    'zq7x9.txt': 'bar==\n',
  });
  // A long value (a token) and a short one: the short one is under the length `check` looks for in its report at the
  // end, so the parser and the service must quote it as written themselves.
  const env = { ...process.env, CI_SECRET: 'S3CRET-VALUE', SHORT: 'zq7x9' };
  for (const format of ['text', 'json', 'sarif']) {
    const r = run(['check', 'requirements.txt', '--no-vulnerabilities', '--format', format], dir, env);
    assert.equal(r.status, 1, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /S3CRET|zq7x9/i, format);
    assert.match(r.stdout, /pip will stop in an included file: \$\{CI_SECRET\}\.txt:1: 'foo==' needs a version/, format);
    assert.match(r.stdout, /'\$\{SHORT\}' is not a valid version for '=='|\$\{SHORT\}\.txt:1: 'bar==' needs a version/, format);
  }
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
  assert.deepEqual(
    out.map((d: any) => [d.code, d.line]),
    [
      ['path-not-found', 1],
      ['path-not-found', 3],
      ['not-a-project', 4],
    ],
  );
  assert.equal(r.status, 1);
});

test('check of a missing file is an error; --version and --help answer', () => {
  const dir = workspace({});
  assert.equal(run(['check', 'nope.txt'], dir).status, 1);
  assert.match(run(['--version'], dir).stdout, /^\d+\.\d+\.\d+\n$/);
  const help = run(['--help'], dir);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /check \[PATH\.\.\.\]/);
  assert.match(help.stdout, /compile FILE\.in/);
});

test('every subcommand answers --help (and -h) on stdout with exit 0, never reading it as a file', () => {
  const dir = workspace({});
  for (const args of [
    ['check', '--help'],
    ['check', 'requirements.txt', '-h'],
    ['compile', '--help'],
    ['compile', 'x.in', '-h'],
    ['help', 'check'],
  ]) {
    const r = run(args, dir);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, new RegExp(`^Usage: requirements-language-server ${args.includes('compile') ? 'compile' : 'check'} `), args.join(' '));
    assert.doesNotMatch(r.stdout, /file-not-found/);
  }
  assert.match(
    run(['check', '--help'], dir).stdout,
    /not the virtual environment, and\s+asks the network one thing only: the known vulnerabilities/,
    'says what check reads and what it does not',
  );
  const unknown = run(['check', '--bogus'], dir);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /^Unknown option '--bogus' for check\./);
  assert.equal(unknown.stdout, '');
  const command = run(['frobnicate'], dir);
  assert.equal(command.status, 2);
  assert.match(command.stderr, /^Unknown command 'frobnicate'/);
});

test('check DIR checks the requirements files under it by the editors’ names; findings sorted by file, then line', () => {
  const dir = workspace({
    'requirements.txt': 'zeta\nfoo==\n-r requirements/dev.txt\n',
    'requirements/dev.txt': 'x=1\n',
    'requirements/prod.in': 'bar[\n',
    'api/constraints.txt': '--bogus\nbaz==\n',
    'api/test-requirements.txt': 'qux==\n',
    'api/notes.txt': 'not==a requirements file\n',
    '.venv/pyvenv.cfg': 'home = /usr/bin\n',
    '.venv/lib/requirements.txt': 'ignored==\n',
    'node_modules/pkg/requirements.txt': 'ignored==\n',
    'env/pyvenv.cfg': 'home = /usr/bin\n',
    'env/requirements.txt': 'ignored==\n',
  });
  const r = run(['check', '.'], dir);
  assert.equal(r.status, 1);
  const located = r.stdout
    .trim()
    .split('\n')
    .map((l) => l.split(' ').slice(0, 3).join(' '));
  assert.deepEqual(located, [
    'api/constraints.txt:1:1: error unknown-option',
    'api/constraints.txt:2:4: error missing-version',
    'api/test-requirements.txt:1:4: error missing-version',
    'requirements.txt:2:4: error missing-version',
    'requirements.txt:3:4: error include-has-errors',
    'requirements/dev.txt:1:2: error invalid-operator',
    'requirements/prod.in:1:4: error unclosed-extras',
  ]);
  assert.equal(run(['check'], dir).stdout, r.stdout, 'no PATH: the current folder');
  assert.equal(run(['check', 'api'], dir).stdout, r.stdout.split('\n').slice(0, 3).join('\n') + '\n');
  assert.equal(JSON.parse(run(['check', dir, '--format', 'json'], dir).stdout).length, 7);
  const empty = workspace({ 'notes.txt': 'hello\n' });
  const none = run(['check', '.'], empty);
  assert.equal(none.status, 2, 'nothing to check is not a pass');
  assert.match(none.stderr, /No requirements files under \./);
});

let sharedVenv: string | undefined;
/**
 * One venv for the compile tests, whose pip is the base interpreter's (--system-site-packages --without-pip:
 * the built-in resolver runs the environment's `python -m pip`; creating a venv with its own pip three times
 * cost minutes on a busy machine). Each test passes it with --venv.
 */
function venvWithPip(): string {
  if (!sharedVenv) {
    sharedVenv = path.join(fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rls-cli-venv-'))), '.venv');
    execFileSync('python3', ['-m', 'venv', '--system-site-packages', '--without-pip', sharedVenv], { stdio: 'pipe' });
  }
  return sharedVenv;
}

/** An .in file beside real wheels, the shared venv, and an isolated pip configuration. */
function compileWorkspace(input: string) {
  const dir = fs.realpathSync(workspace({ 'requirements.in': input }));
  buildWheels(path.join(dir, 'wheels'), [
    { name: 'alpha', version: '1.0', requires: ['shared>=1'] },
    { name: 'shared', version: '1.5' },
  ]);
  const home = path.join(dir, 'home');
  return { dir, env: isolatedPipEnv(home), venv: ['--venv', venvWithPip()] };
}

test('compile: what runs is said on stderr, pip’s own lines follow, the verdict goes to stdout', () => {
  const { dir, env, venv } = compileWorkspace('--no-index\n--find-links wheels\nalpha\n');
  const r = run(['compile', 'requirements.in', '--tool', 'builtin', ...venv], dir, env);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^Compiling requirements\.in with the built-in resolver \(environment .*\.venv\)…\n/);
  assert.match(r.stderr, /^ {2}Processing \.\/wheels\/alpha-1\.0-py3-none-any\.whl \(from -r requirements\.in \(line 3\)\)$/m, 'pip’s output, indented');
  assert.equal(r.stdout, 'Compiled requirements.in → requirements.txt with the built-in resolver: 2 pins.\n');
  assert.match(fs.readFileSync(path.join(dir, 'requirements.txt'), 'utf8'), /^alpha==1\.0\n/m);
});

test('compile -o - prints the compiled file on stdout, the summary on stderr, and leaves requirements.txt as it was', () => {
  const { dir, env, venv } = compileWorkspace('--no-index\n--find-links wheels\nalpha\n');
  fs.writeFileSync(path.join(dir, 'requirements.txt'), '# kept\n');
  for (const out of [['-o', '-'], ['--output-file=-']]) {
    const r = run(['compile', 'requirements.in', '--tool', 'builtin', ...venv, ...out], dir, env);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^alpha==1\.0\n {4}# via -r requirements\.in\nshared==1\.5\n {4}# via alpha\n$/m);
    assert.doesNotMatch(r.stdout, /^Compiled /m);
    assert.match(r.stderr, /Compiled requirements\.in → requirements\.txt with the built-in resolver: 2 pins\.\n$/);
    assert.equal(fs.readFileSync(path.join(dir, 'requirements.txt'), 'utf8'), '# kept\n');
  }
});

test('compile: a failed resolution shows pip’s error once, the .in line it names, and a verdict with nothing dangling', () => {
  const { dir, env, venv } = compileWorkspace('--no-index\n--find-links wheels\nalpha\nmissing-thing>=2\n');
  const r = run(['compile', 'requirements.in', '--tool', 'builtin', ...venv], dir, env);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  const errors = r.stderr.split('\n').filter((l) => l.includes('No matching distribution found for missing-thing'));
  assert.equal(errors.length, 1, r.stderr);
  assert.match(r.stderr, /^requirements\.in:4:1: error compile-failed named in the error above$/m);
  assert.doesNotMatch(r.stderr, /:\s*$/m, `no line ends with a dangling colon:\n${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines[lines.length - 1], 'pip (built-in resolver) failed; requirements.txt was not changed.');
  assert.ok(!fs.existsSync(path.join(dir, 'requirements.txt')));
});

test('compile: against an index that does not answer, pip’s output shows while it waits (not silence until the end)', async () => {
  const { dir, env, venv } = compileWorkspace('alpha\n');
  // An index that accepts connections and never answers pip: it cannot finish while the index holds them. The
  // probe before a compile (a HEAD) is answered, so that the compile goes on to run pip.
  const sockets: net.Socket[] = [];
  const silent = net.createServer((s) => {
    sockets.push(s);
    s.on('data', (b: Buffer) => b.toString('latin1').startsWith('HEAD ') && s.write('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as net.AddressInfo).port;
  const child = spawn(process.execPath, [BIN, 'compile', 'requirements.in', '--tool', 'builtin', ...venv, '--index-url', `http://127.0.0.1:${port}/simple`], {
    cwd: dir,
    env: { ...env, PIP_TIMEOUT: '600', PIP_RETRIES: '0' },
  });
  let stderr = '';
  let exited = false;
  child.on('exit', () => (exited = true));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
        if (/^ {2}Looking in indexes: http:\/\/127\.0\.0\.1:\d+\/simple$/m.test(stderr)) resolve();
      });
      child.on('exit', () => reject(new Error(`exited before pip's output showed:\n${stderr}`)));
      // Not a timing assertion: a bound, so that output that never comes fails this test instead of hanging the file.
      setTimeout(() => reject(new Error(`no 'Looking in indexes' line from pip within 120 s:\n${stderr}`)), 120_000).unref();
    });
    assert.match(stderr, /^Compiling requirements\.in with the built-in resolver/);
    assert.equal(exited, false, 'the lines came while pip was still waiting on the index');
  } finally {
    child.kill('SIGTERM');
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

test('compile --tool pip-compile without pip-compile suggests --tool, not the editor setting', () => {
  const dir = workspace({ 'requirements.in': 'alpha\n' });
  const r = run(['compile', 'requirements.in', '--tool', 'pip-compile'], dir, {
    ...isolatedPipEnv(path.join(dir, 'home')),
    PATH: path.dirname(process.execPath),
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /pip-compile was not found/);
  assert.match(r.stderr, /use --tool auto/);
  assert.doesNotMatch(r.stderr, /requirements\.compile\.tool/);
});

test('npm pack of server/ installs with no registry (everything is bundled) and its bin runs', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-pack-'));
  try {
    const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_cache: path.join(dir, 'npm-cache') };
    const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: path.join(path.dirname(BIN), '..'), env, encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()!;
    // --offline with an empty cache: the install may take nothing from a registry.
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--prefix', path.join(dir, 'prefix'), path.join(dir, tarball)], {
      cwd: dir,
      env,
      stdio: 'pipe',
    });
    const bin = path.join(dir, 'prefix/node_modules/.bin/requirements-language-server');
    assert.match(execFileSync(bin, ['--version'], { encoding: 'utf8' }), /^\d+\.\d+\.\d+\n$/);
    // The bundles loaded later: the index module, and the worker thread that reads the project list off the event loop.
    for (const bundle of ['packageIndex.cjs', 'listWorker.cjs'])
      assert.ok(fs.existsSync(path.join(dir, 'prefix/node_modules/requirements-language-server/dist', bundle)), bundle);
    fs.writeFileSync(path.join(dir, 'requirements.txt'), 'foo==\n');
    const r = spawnSync(bin, ['check', 'requirements.txt'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^requirements\.txt:1:4: error missing-version/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the repository root packs with the built server, as pre-commit’s node hook installs it (npm pack, npm install -g)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-hook-'));
  try {
    const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_cache: path.join(dir, 'npm-cache') };
    // pre-commit runs `npm install` first, whose `prepare` builds; the suite has built already, so scripts are skipped here.
    const tarball = execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', dir], {
      cwd: path.resolve(path.dirname(BIN), '../..'),
      env,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop()!;
    execFileSync('npm', ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', path.join(dir, 'prefix'), path.join(dir, tarball)], {
      cwd: dir,
      env,
      stdio: 'pipe',
    });
    // The hook's entry with the file names pre-commit passes.
    fs.writeFileSync(path.join(dir, 'requirements.txt'), 'foo==\n');
    fs.writeFileSync(path.join(dir, 'dev-requirements.txt'), 'bar\n');
    const r = spawnSync(path.join(dir, 'prefix/bin/requirements-language-server'), ['check', 'requirements.txt', 'dev-requirements.txt'], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, "requirements.txt:1:4: error missing-version 'foo==' needs a version after '=='\n");
    const hooks = fs.readFileSync(path.resolve(path.dirname(BIN), '../../.pre-commit-hooks.yaml'), 'utf8');
    assert.match(hooks, /entry: requirements-language-server check\n/);
    assert.match(hooks, /language: node\n/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('paths on requirement lines resolve from where check runs (or --root), -r targets from the file: a monorepo', () => {
  const dir = workspace({
    'services/api/test-requirements.txt': '-e libs/core\n-r ../../common.txt\nrequests\n',
    'common.txt': 'attrs\n',
    'libs/core/pyproject.toml': '',
  });
  // From the root, as tox or CI runs pip there: clean.
  const fromRoot = run(['check', 'services/api/test-requirements.txt', '--no-vulnerabilities'], dir);
  assert.equal(fromRoot.stdout, '');
  assert.equal(fromRoot.status, 0);
  // From the service's folder pip would not find libs/core: an error that says where it looked.
  const api = path.join(dir, 'services/api');
  const fromThere = run(['check', 'test-requirements.txt', '--format', 'json', '--no-vulnerabilities'], api);
  assert.deepEqual(
    JSON.parse(fromThere.stdout).map((d: any) => [d.code, d.line, d.severity]),
    [['path-not-found', 1, 'error']],
  );
  assert.match(JSON.parse(fromThere.stdout)[0].message, new RegExp(`looked for ${path.join(api, 'libs/core').replace(/[/\\]/g, '.')}`));
  assert.equal(fromThere.status, 1);
  // --root names where pip will run.
  const rooted = run(['check', 'test-requirements.txt', '--root', dir, '--no-vulnerabilities'], api);
  assert.equal(rooted.stdout, '');
  assert.equal(rooted.status, 0);
});

test('check with a local index (file://) says it has no JSON API, not that it lacks a /simple layout', () => {
  const dir = workspace({ 'requirements.txt': 'requests==2.30.0\n' });
  const env: NodeJS.ProcessEnv = { ...testEnv({ PIP_INDEX_URL: `file://${dir}/wheels` }), XDG_CACHE_HOME: path.join(dir, 'cache') };
  delete env.PIP_NO_INDEX;
  const r = run(['check', 'requirements.txt'], dir, env);
  assert.match(r.stderr, /the index is a local folder \(file:\/\/.*\/wheels\), which has no JSON API; use --vulnerability-source osv/);
  assert.doesNotMatch(r.stderr, /simple layout/);
});

test('check reads pyproject.toml and pylock.toml in a folder, and a script when named: their requirement strings only (issue 25)', () => {
  const dir = workspace({
    'requirements.txt': 'attrs\n',
    'pyproject.toml': '[project]\nname = "x=1"\ndependencies = ["django=5.0", "requests"]\n[tool.other]\nkey = "value=2"\n',
    'tool.py': '# /// script\n# dependencies = ["rich=13"]\n# ///\nx = "requests=1"\n',
  });
  try {
    const all = run(['check', '.', '--format', 'json', '--no-vulnerabilities'], dir);
    assert.deepEqual(
      JSON.parse(all.stdout).map((d: any) => [path.basename(d.file), d.code, d.line, d.column]),
      [['pyproject.toml', 'invalid-operator', 3, 24]],
    );
    assert.equal(all.status, 1);
    const script = run(['check', 'tool.py', '--format', 'json', '--no-vulnerabilities'], dir);
    assert.deepEqual(
      JSON.parse(script.stdout).map((d: any) => [d.code, d.line]),
      [['invalid-operator', 2]],
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
