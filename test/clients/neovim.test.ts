// The Neovim plugin in a real headless Neovim: filetype, attach, diagnostics, completion, hover, :checkhealth.
//
// One Neovim run loads the plugin from the repo as a plugin manager would (fixtures/neovim/init.lua),
// opens a copy of fixtures/neovim/workspace, and writes what it saw to a JSON file
// (fixtures/neovim/driver.lua); each test below asserts one part of that record.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { testEnv } from '../lsp/client.ts';
import { frozenText, writeStaticVenv } from '../fixtures/flaskStandIns.ts';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PLUGIN = path.join(REPO, 'client/neovim');
const FIXTURES = path.join(REPO, 'test/clients/fixtures/neovim');
const SERVER = path.join(REPO, 'server/bin/requirements-language-server.cjs');
/** Another Neovim than the one on PATH, e.g. a newer build: NVIM_BIN=/path/to/nvim. */
const NVIM = process.env.NVIM_BIN || 'nvim';
const INSTALL_HINT = 'install it (Debian: apt-get install -y neovim, as .ci/run does) or point NVIM_BIN at a Neovim binary';

interface Diagnostic {
  line: number;
  code: string | null;
  message: string;
}
interface Result {
  nvim: string;
  /** Per driver step, the Lua error it hit. */
  errors: Record<string, string>;
  filetypes: Record<string, string>;
  clients: Record<string, { id: number; root: string } | null>;
  notes_clients: number;
  diagnostics: Diagnostic[];
  completion_option: string[];
  completion_operator: string[];
  hover: { kind?: string; value?: string } | string;
  completion_name: string[];
  completion_version: string[];
  provenance: { kind?: string; value?: string } | string;
  code_action_title: string;
  code_action_text: string;
  health: string[];
  info_command: boolean;
  configuration_capability: boolean;
  /** JSON, encoded when it was given. */
  configuration_answer: string;
  diagnostics_after_disable: number;
  lsp_config: { cmd: string[]; filetypes: string[]; root_markers: string[]; settings: Record<string, unknown>; on_init?: string } | null;
  help_tags: string[];
  commands_defined: boolean;
  progress: string[];
  buffer_defaults: { omnifunc: string; tagfunc: string; maps: Record<string, string | null> };
  k_float: string[];
  notes_k_mapped: boolean;
  notes_omnifunc: string;
  command_messages: string[];
  compiled: string[];
  compiled_buffer: string[];
  compiled_modified: boolean;
  compiled_on_disk_before_write: string[];
  compiled_after_undo: string[];
  notices: string[];
  severity_sort: boolean;
  hover_float: string[];
  top_sign: string;
  virtual_text: string;
  derive_hint: string;
  derive_action: string;
  derived_in: string[];
  freeze_commands: boolean;
  refrozen: string[];
}

describe('Neovim plugin (client/neovim) in headless Neovim', () => {
  let dir: string;
  let workspace: string;
  let run: Result | Error;
  let serverVersion: string;
  let seconds = 0;

  let indexProcess: ChildProcess | undefined;
  let indexUrl = '';

  before(async () => {
    // The test index runs in its own process: this one blocks while Neovim runs.
    indexProcess = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'test/fixtures/indexServerMain.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
    indexUrl = await new Promise<string>((resolve, reject) => {
      indexProcess!.stdout!.once('data', (b: Buffer) => resolve(b.toString().trim()));
      indexProcess!.once('exit', (code) => reject(new Error(`test index exited (${code})`)));
    });
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rls-nvim-')));
    workspace = path.join(dir, 'workspace');
    fs.cpSync(path.join(FIXTURES, 'workspace'), workspace, { recursive: true });
    // A virtual environment next to pyproject.toml, for :checkhealth to find.
    fs.mkdirSync(path.join(workspace, 'proj/.venv/bin'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'proj/.venv/bin/python'), '');
    // A STAND-IN for pip-compile on PATH (pip-tools cannot be installed here): records its arguments, writes the output.
    fs.mkdirSync(path.join(dir, 'tools'));
    fs.writeFileSync(
      path.join(dir, 'tools/pip-compile'),
      [
        '#!/usr/bin/env python3',
        '# STAND-IN for pip-compile, written by test/clients/neovim.test.ts',
        'import json, os, sys',
        'open(os.environ["STANDIN_CALLS"], "a").write(json.dumps(sys.argv[1:]) + "\\n")',
        'open("requirements.txt", "w").write("#    pip-compile requirements.in\\nrequests==2.32.3\\n    # via -r requirements.in\\n")',
      ].join('\n'),
      { mode: 0o755 },
    );
    // pip freeze output beside a venv of stand-ins for Flask 3.0.3 and requests 2.32.3 (read statically, no interpreter).
    writeStaticVenv(path.join(workspace, 'freeze/.venv'));
    fs.writeFileSync(path.join(workspace, 'freeze/requirements.txt'), frozenText());
    serverVersion = spawnSync(process.execPath, [SERVER, '--version'], { encoding: 'utf8' }).stdout.trim();
    run = runNeovim();
  });

  after(() => {
    indexProcess?.stdin?.end();
    indexProcess?.kill();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  function runNeovim(): Result | Error {
    const version = spawnSync(NVIM, ['--version'], { encoding: 'utf8' });
    if (version.error || version.status !== 0) {
      return new Error(`Neovim is not available as '${NVIM}' (${version.error?.message ?? `exit ${version.status}`}): ${INSTALL_HINT}`);
    }
    if (!fs.existsSync(path.join(REPO, 'server/dist/main.cjs'))) return new Error('server/dist/main.cjs is missing: run `npm run build` first');
    const resultFile = path.join(dir, 'result.json');
    // The server started by Neovim inherits this: no package index and none of the machine's pip config
    // (so nothing leaves 127.0.0.0/8), and no inherited virtual environment.
    const env: NodeJS.ProcessEnv = {
      ...testEnv({ PIP_INDEX_URL: `${indexUrl}/simple`, NETRC: '/nonexistent', PIP_NO_INDEX: '' }),
      XDG_CONFIG_HOME: path.join(dir, 'xdg/config'),
      XDG_DATA_HOME: path.join(dir, 'xdg/data'),
      XDG_STATE_HOME: path.join(dir, 'xdg/state'),
      XDG_CACHE_HOME: path.join(dir, 'xdg/cache'),
      RLS_PLUGIN: PLUGIN,
      RLS_NODE: process.execPath,
      RLS_SERVER: SERVER,
      RLS_WORKSPACE: workspace,
      RLS_RESULT: resultFile,
      RLS_SCRATCH: path.join(dir, 'scratch'),
      PATH: `${path.join(dir, 'tools')}${path.delimiter}${process.env.PATH}`,
      STANDIN_CALLS: path.join(dir, 'calls.jsonl'),
    };
    // Not from an outer environment or an outer Neovim's terminal.
    for (const name of ['VIRTUAL_ENV', 'NVIM', 'NVIM_LISTEN_ADDRESS', 'VIMINIT', 'MYVIMRC']) delete env[name];
    const started = Date.now();
    const nvim = spawnSync(NVIM, ['--headless', '--clean', '-u', path.join(FIXTURES, 'init.lua'), '-c', `luafile ${path.join(FIXTURES, 'driver.lua')}`], {
      cwd: workspace,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      // The driver's own budget is 60 s (driver.lua); this only stops a Neovim that hangs past it.
      timeout: 120_000,
      killSignal: 'SIGKILL',
    });
    seconds = (Date.now() - started) / 1000;
    const output = `exit ${nvim.status ?? nvim.signal}; stdout: ${nvim.stdout}; stderr: ${nvim.stderr}`;
    if (nvim.error) return new Error(`Neovim did not finish: ${nvim.error.message}; ${output}`);
    if (!fs.existsSync(resultFile)) return new Error(`Neovim wrote no result: ${output}`);
    return JSON.parse(fs.readFileSync(resultFile, 'utf8')) as Result;
  }

  /** The recorded run; throws (so the test fails) when Neovim is missing, the run broke, or `step` failed. */
  function seen(step?: string): Result {
    if (run instanceof Error) throw run;
    const error = step && run.errors[step];
    if (error) throw new Error(`driver step '${step}' failed in Neovim ${run.nvim}: ${error}`);
    return run;
  }

  test('Neovim is installed and every driver step ran', () => {
    const result = seen();
    assert.deepEqual(Object.keys(result.errors), [], `driver steps failed (the run took ${seconds} s): ${JSON.stringify(result.errors)}`);
    assert.match(result.nvim, /^0\.\d+\.\d+$/);
  });

  test('filetype `requirements` for requirements, constraints and requirements/ files; plain .txt stays `text`', () => {
    assert.deepEqual(seen('filetypes').filetypes, {
      'proj/requirements-dev.txt': 'requirements',
      'proj/requirements.in': 'requirements',
      'proj/constraints.txt': 'requirements',
      'proj/foo-requirements.txt': 'requirements',
      'proj/requirements/prod.txt': 'requirements',
      'proj/requirements-new.txt': 'requirements',
      'proj/notes.txt': 'text',
      'loose/requirements.txt': 'requirements',
    });
  });

  test('the client attaches, one per root: the pyproject.toml folder, else the file’s folder', () => {
    const { clients, notes_clients } = seen('clients');
    const dev = clients['proj/requirements-dev.txt'];
    const input = clients['proj/requirements.in'];
    const nested = clients['proj/requirements/prod.txt'];
    const loose = clients['loose/requirements.txt'];
    assert.ok(dev && input && nested && loose, `not attached: ${JSON.stringify(clients)}`);
    assert.equal(dev.root, path.join(workspace, 'proj'));
    assert.equal(input.id, dev.id, 'files under one root share a client');
    assert.equal(nested.id, dev.id, 'proj/requirements/prod.txt is under the proj root too');
    assert.equal(loose.root, path.join(workspace, 'loose'));
    assert.notEqual(loose.id, dev.id);
    assert.equal(notes_clients, 0, 'no client for notes.txt');
  });

  test('diagnostics arrive for the broken lines, with their codes; no environment adds none, one notice says so', () => {
    const r = seen('diagnostics');
    // The fixture's .venv has no pyvenv.cfg, so there is no environment: that is no fault of the file.
    assert.deepEqual(
      r.diagnostics.map((d) => [d.line, d.code]),
      [
        [2, 'missing-version'],
        [3, 'unknown-option'],
      ],
    );
    // One notice a server: this root's for its first file, and the loose/ root's (a server of its own) for its one.
    const notices = r.notices.filter((m) => m.includes('No virtual environment found'));
    assert.deepEqual(
      notices.map((m) => m.split(',')[0]).sort(),
      ['No virtual environment found for requirements-dev.txt', 'No virtual environment found for requirements.txt'],
      JSON.stringify(r.notices),
    );
  });

  test('before 0.10 the hover float shows a link as its text, not as raw markdown', () => {
    const r = seen('hover_links');
    const [major, minor] = r.nvim.split('.').map(Number);
    const text = r.hover_float.join('\n');
    assert.match(text, /asgiref 3\.8\.1 ← django 5\.0\.6 ← requirements\.in:1/);
    if (major === 0 && minor < 10) assert.doesNotMatch(text, /\]\(file:/);
  });

  test("the plugin sorts its diagnostics by severity: a line's top sign and virtual text are its error's", () => {
    const r = seen('severity_sort');
    assert.equal(r.severity_sort, true);
    assert.equal(r.top_sign, 'DiagnosticSignError');
    assert.match(r.virtual_text, /the error/);
  });

  test('completion: `--ind|` offers --index-url, `requests |` offers ==', () => {
    const result = seen('completion');
    assert.ok(result.completion_option.includes('--index-url'), `got ${JSON.stringify(result.completion_option)}`);
    assert.ok(result.completion_operator.includes('=='), `got ${JSON.stringify(result.completion_operator)}`);
  });

  test('hover on -r explains the option', () => {
    const hover = seen('hover').hover;
    assert.ok(typeof hover === 'object' && typeof hover.value === 'string', `got ${JSON.stringify(hover)}`);
    assert.match(hover.value, /--requirement/);
    assert.match(hover.value, /Install from the given requirements file/);
  });

  test('completion from the test index: a name, then versions newest final first', () => {
    const r = seen('index_completion');
    assert.equal(r.completion_name[0], 'requests');
    assert.deepEqual(r.completion_version, ['3.0.0', '2.32.3', '2.31.0', '2.33.0rc1', '2.32.0']);
  });

  test('hover on a pip-compile pin shows why it is there', () => {
    const hover = seen('provenance').provenance;
    assert.ok(typeof hover === 'object' && typeof hover.value === 'string', `got ${JSON.stringify(hover)}`);
    assert.match(hover.value, /asgiref 3\.8\.1 ← django 5\.0\.6 ← \[requirements\.in:1\]\(file:\/\/\/.*requirements\.in#L1\)/);
  });

  test("a code action applies: '=' becomes '=='", () => {
    const r = seen('code_action');
    assert.equal(r.code_action_title, "Replace '=' with '=='");
    assert.equal(r.code_action_text, 'flask==2.0');
  });

  test(':RequirementsCompile and :RequirementsUpgrade run the tool through the server and show its answer', () => {
    const r = seen('commands');
    assert.equal(r.commands_defined, true);
    // requirements.txt is open: the first compile changes its buffer; the second finds it showing that already.
    assert.deepEqual(r.command_messages, [
      'Compiled requirements.in → requirements.txt with pip-compile: 1 pin. requirements.txt is open: changed in the editor (undo reverts it), not yet saved.',
      'Compiled requirements.in → requirements.txt with pip-compile: 1 pin.',
    ]);
    const compiled = ['#    pip-compile requirements.in', 'requests==2.32.3', '    # via -r requirements.in'];
    const older = ['#    pip-compile requirements.in', 'requests==2.0.0', '    # via -r requirements.in'];
    assert.deepEqual(r.compiled_buffer, compiled, 'the open buffer shows the new text, no :checktime needed');
    assert.equal(r.compiled_modified, true);
    assert.deepEqual(r.compiled_on_disk_before_write, older, 'the disk waits for the user to save');
    assert.deepEqual(r.compiled, compiled, ':write saves it, without a "changed since reading" question');
    assert.deepEqual(r.compiled_after_undo, older, 'one undo reverts the compile');
    const calls = fs
      .readFileSync(path.join(dir, 'calls.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(calls, [['requirements.in'], ['--upgrade-package', 'requests', 'requirements.in']]);
  });

  test('pip freeze output: the hint, "Derive requirements.in" gives Flask and requests, :RequirementsFreeze writes the pins back', () => {
    const r = seen('derive');
    assert.match(
      r.derive_hint,
      /^Looks like pip freeze output: 10 of 12 pins are only here because another pin requires them \(read from \.venv \(Python 3\.12\.1\)'s installed metadata\)/,
    );
    assert.equal(r.derive_action, 'Derive requirements.in (top-level packages)');
    assert.ok(Array.isArray(r.derived_in), 'requirements.in was not written');
    assert.deepEqual(
      r.derived_in.filter((l) => /^[A-Za-z]/.test(l)),
      ['Flask', 'requests'],
    );
    assert.equal(r.freeze_commands, true, ':RequirementsDeriveIn, :RequirementsFreeze and :RequirementsVenv are defined');
    assert.deepEqual(r.refrozen, frozenText().trimEnd().split('\n'));
  });

  test('after attach: omnifunc and tagfunc are the LSP ones, and K (hover), gd, gr, <leader>ca, [d, ]d are buffer-local maps on 0.7–0.9', () => {
    const r = seen('buffer_defaults');
    const [major, minor] = r.nvim.split('.').map(Number);
    assert.equal(r.buffer_defaults.omnifunc, 'v:lua.vim.lsp.omnifunc');
    if (major === 0 && minor < 10) {
      assert.equal(r.buffer_defaults.tagfunc, 'v:lua.vim.lsp.tagfunc');
      assert.deepEqual(r.buffer_defaults.maps, {
        K: 'Hover (requirements_ls)',
        gd: 'Go to definition (requirements_ls)',
        gr: 'References (requirements_ls)',
        '<leader>ca': 'Code actions (requirements_ls)',
        '[d': 'Previous diagnostic',
        ']d': 'Next diagnostic',
      });
    } else {
      // 0.10+ has its own defaults; the plugin adds no maps of its own.
      for (const desc of Object.values(r.buffer_defaults.maps)) assert.doesNotMatch(desc ?? '', /requirements_ls/);
    }
    assert.match(r.k_float.join('\n'), /--requirement/, 'K on -r opens the hover in a float');
    assert.equal(r.notes_k_mapped, false, 'no map in a buffer without the client');
    assert.equal(r.notes_omnifunc, '');
  });

  test(':RequirementsCompile shows the server’s $/progress in the message area', () => {
    const r = seen('commands');
    assert.ok(r.progress.includes('requirements_ls: Compiling requirements.in…'), JSON.stringify(r.progress));
    // Its end carries no outcome: nothing is echoed over the server's own message (no "done" after a failure).
    assert.ok(!r.progress.some((p) => /: done$/.test(p)), JSON.stringify(r.progress));
  });

  test(':checkhealth requirements_ls reports the server version, Node and the .venv; :RequirementsLsInfo exists', () => {
    const result = seen('health');
    const health = result.health.join('\n');
    assert.match(serverVersion, /^\d+\.\d+\.\d+/);
    // `- OK: …` up to 0.9, `- OK …` from 0.10.
    assert.ok(health.includes(`server version ${serverVersion}`) && /OK:? server version/.test(health), health);
    assert.ok(health.includes(`Node.js ${process.version}`), health);
    assert.ok(health.includes(path.join(workspace, 'proj/.venv')), health);
    assert.doesNotMatch(health, /ERROR/);
    assert.equal(result.info_command, true, 'plugin/ defines :RequirementsLsInfo');
  });

  test('settings: workspace/configuration is advertised and answered for `requirements` only, and the server obeys', () => {
    const result = seen('settings');
    assert.equal(result.configuration_capability, true);
    assert.deepEqual(JSON.parse(result.configuration_answer), [{ diagnostics: { enable: true }, logLevel: 'debug' }, { enable: true }, null]);
    assert.equal(result.diagnostics_after_disable, 0, 'diagnostics.enable = false, read back through workspace/configuration, clears them');
  });

  test('lsp/requirements_ls.lua has nvim-lspconfig’s shape for vim.lsp.enable()', () => {
    const config = seen('lsp_config').lsp_config;
    assert.ok(config, 'lsp/requirements_ls.lua is not on the runtimepath');
    assert.deepEqual(config.cmd, ['requirements-language-server', '--stdio']);
    assert.deepEqual(config.filetypes, ['requirements', 'toml', 'python']);
    assert.equal((config as { root_dir?: string }).root_dir, 'function', 'a root_dir that attaches only to pyproject.toml, pylock.toml and PEP 723 scripts');
    assert.deepEqual(config.root_markers, ['.venv', 'pyproject.toml', '.git']);
    assert.equal(config.on_init, 'function', 'it sorts diagnostics by severity too');
  });

  test('the help file builds its tags', () => {
    const tags = seen('help').help_tags;
    for (const tag of [
      'requirements_ls',
      'requirements_ls.setup()',
      'requirements_ls-settings',
      ':RequirementsLsInfo',
      ':RequirementsCompile',
      ':RequirementsInstall',
      'requirements_ls-commands',
      'requirements_ls-freeze',
      ':RequirementsDeriveIn',
      ':RequirementsFreeze',
      ':RequirementsVenv',
    ]) {
      assert.ok(tags.includes(tag), `missing *${tag}* in ${JSON.stringify(tags)}`);
    }
  });
});
