// The Neovim plugin in a real terminal: Neovim's own UI inside tmux, as a user sees it. Diagnostics show as
// virtual text, `K` (the plugin's map on 0.7–0.9, Neovim's own from 0.10) opens the hover, and the screen
// becomes the README's picture (test-output/neovim.png, through Chromium; scripts/refresh-docs-images.sh).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testEnv } from '../lsp/client.ts';
import { ansiToHtml } from './ansiHtml.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NVIM = process.env.NVIM_BIN || 'nvim';
const OUTPUT = path.join(REPO, 'test-output');
const COLUMNS = 96;
const ROWS = 16;

test('Neovim in tmux: diagnostics as virtual text, K opens the hover; the screen is saved as a picture', { timeout: 120_000 }, async () => {
  for (const tool of ['tmux', NVIM]) {
    assert.equal(
      spawnSync(tool, ['-V'], { stdio: 'ignore' }).error,
      undefined,
      `${tool} is missing: run scripts/install-test-deps.sh (apt-get install -y neovim tmux)`,
    );
  }
  assert.ok(fs.existsSync(path.join(REPO, 'server/dist/main.cjs')), 'run `npm run build` first');
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rls-tui-')));
  const workspace = path.join(dir, 'project');
  fs.mkdirSync(workspace);
  fs.writeFileSync(path.join(workspace, 'requirements.txt'), '# web app\nrequests>=2.31\ndjango=5.0\nflask==\nnumpy ; python_versoin < "3.12"\n-r base.txt\n');
  fs.writeFileSync(path.join(workspace, 'base.txt'), 'six\n');
  fs.writeFileSync(
    path.join(dir, 'init.lua'),
    [
      `vim.opt.runtimepath:prepend(${JSON.stringify(path.join(REPO, 'client/neovim'))})`,
      'vim.o.swapfile = false',
      // A user's ordinary look: line numbers, and a dark float instead of 0.7's pink default.
      'vim.o.number = true',
      "vim.cmd('highlight SignColumn ctermbg=NONE | highlight LineNr ctermfg=242 | highlight NormalFloat ctermbg=237 ctermfg=252')",
      "require('requirements_ls').setup({",
      `  cmd = { ${JSON.stringify(process.execPath)}, ${JSON.stringify(path.join(REPO, 'server/bin/requirements-language-server.cjs'))}, '--stdio' },`,
      '  settings = { diagnostics = { environment = false } },',
      '})',
    ].join('\n'),
  );
  // No index and none of this machine's pip configuration: nothing leaves 127.0.0.0/8.
  const env: NodeJS.ProcessEnv = {
    ...testEnv(),
    HOME: dir,
    XDG_CONFIG_HOME: path.join(dir, 'config'),
    XDG_DATA_HOME: path.join(dir, 'data'),
    XDG_STATE_HOME: path.join(dir, 'state'),
    TERM: 'xterm-256color',
  };
  for (const name of ['VIRTUAL_ENV', 'NVIM', 'NVIM_LISTEN_ADDRESS', 'VIMINIT', 'MYVIMRC', 'TMUX']) delete env[name];
  const socket = `rls-tui-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { env, encoding: 'utf8' });
  const screen = (escapes = false) => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 'rls');
  /** Polls the screen until `pattern` shows (at most 30 s of tries); returns the last screen either way. */
  const waitFor = async (pattern: RegExp) => {
    let text = '';
    for (let i = 0; i < 150; i++) {
      text = screen();
      if (pattern.test(text)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    return text;
  };
  try {
    tmux(
      'new-session',
      '-d',
      '-x',
      String(COLUMNS),
      '-y',
      String(ROWS),
      '-s',
      'rls',
      '-c',
      workspace,
      `${NVIM} -u ${path.join(dir, 'init.lua')} requirements.txt`,
    );
    const diagnosed = await waitFor(/needs a version after '=='/);
    assert.match(diagnosed, /django=5\.0 .*'=' is not a version operator/);
    assert.match(diagnosed, /flask== .*'flask==' needs a version after '=='/);
    assert.match(diagnosed, /python_versoin.*'python_versoin' is not a marker variable/);
    // On `-r` (the last line), as a user: move there and press K.
    tmux('send-keys', '-t', 'rls', 'G', 'K');
    const hovered = await waitFor(/Install from the given requirements file/);
    assert.match(hovered, /--requirement \(-r\): Install from the given requirements file/);
    fs.mkdirSync(OUTPUT, { recursive: true });
    const html = path.join(dir, 'neovim.html');
    fs.writeFileSync(html, ansiToHtml(screen(true), COLUMNS, 'Neovim with requirements-language-server'));
    // Chromium takes the picture in a network namespace of its own: a local file, and nothing can leave.
    const chromium = spawnSync(
      'unshare',
      [
        '-n',
        '--',
        'chromium',
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--hide-scrollbars',
        '--no-first-run',
        '--disable-background-networking',
        `--user-data-dir=${path.join(dir, 'chromium')}`,
        `--window-size=${Math.ceil(COLUMNS * 8.45) + 24},${ROWS * 18 + 20}`,
        `--screenshot=${path.join(OUTPUT, 'neovim.png')}`,
        `file://${html}`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(chromium.status, 0, `chromium: ${chromium.stderr}`);
    assert.ok(fs.statSync(path.join(OUTPUT, 'neovim.png')).size > 1000);
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-server'], { env });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
