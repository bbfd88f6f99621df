// The README's Neovim set-up without the plugin, run as written: each snippet goes into an init.lua of a
// headless Neovim (the one on PATH, 0.7.2 here; NVIM_BIN for another) that opens a requirements file;
// the server must attach and publish its diagnostics. A snippet for a newer Neovim than the one here is skipped.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testEnv } from '../lsp/client.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NVIM = process.env.NVIM_BIN || 'nvim';

/** The ```lua block after the paragraph that starts with `lead`. */
function snippet(lead: string): string {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const at = readme.indexOf(lead);
  assert.notEqual(at, -1, `README.md has no paragraph '${lead}'`);
  const block = /```lua\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(block, `no lua block after '${lead}'`);
  return block[1];
}

function nvimVersion(): [number, number] {
  const out = spawnSync(NVIM, ['--version'], { encoding: 'utf8' });
  assert.equal(out.status, 0, `Neovim is not available as '${NVIM}'`);
  const m = /NVIM v(\d+)\.(\d+)/.exec(out.stdout)!;
  return [Number(m[1]), Number(m[2])];
}

for (const [lead, minor] of [
  ['Without the plugin, on Neovim 0.7 ', 7],
  ['Without the plugin, on Neovim 0.8+', 8],
] as const) {
  test(`README: "${lead.trim()}" attaches the server and shows its diagnostics`, { timeout: 60_000 }, (t) => {
    const [major, have] = nvimVersion();
    if (major === 0 && have < minor) return t.skip(`Neovim 0.${have} here`);
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rls-readme-')));
    try {
      // `requirements-language-server` on PATH, as `npm install -g ./server` puts it there.
      fs.mkdirSync(path.join(dir, 'bin'));
      fs.writeFileSync(
        path.join(dir, 'bin/requirements-language-server'),
        `#!/bin/sh\nexec "${process.execPath}" "${path.join(REPO, 'server/bin/requirements-language-server.cjs')}" "$@"\n`,
        { mode: 0o755 },
      );
      fs.writeFileSync(path.join(dir, 'requirements.txt'), 'flask==\n');
      const result = path.join(dir, 'result.json');
      fs.writeFileSync(
        path.join(dir, 'init.lua'),
        `vim.cmd('filetype on')\n${snippet(lead)}\n` +
          `vim.api.nvim_create_autocmd('VimEnter', { callback = function()
  vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
  local d = vim.diagnostic.get(0)[1]
  vim.fn.writefile({ vim.fn.json_encode({ filetype = vim.bo.filetype, clients = #vim.lsp.get_active_clients(), code = d and d.code or vim.NIL }) }, ${JSON.stringify(result)})
  vim.cmd('qa!')
end })\n`,
      );
      const env: NodeJS.ProcessEnv = {
        ...testEnv(),
        HOME: dir,
        XDG_CONFIG_HOME: path.join(dir, 'config'),
        XDG_DATA_HOME: path.join(dir, 'data'),
        XDG_STATE_HOME: path.join(dir, 'state'),
        PATH: `${path.join(dir, 'bin')}${path.delimiter}${process.env.PATH}`,
      };
      for (const name of ['VIRTUAL_ENV', 'NVIM', 'NVIM_LISTEN_ADDRESS', 'VIMINIT', 'MYVIMRC']) delete env[name];
      const run = spawnSync(NVIM, ['--headless', '-u', path.join(dir, 'init.lua'), 'requirements.txt'], {
        cwd: dir,
        env,
        encoding: 'utf8',
        timeout: 40_000,
        killSignal: 'SIGKILL',
      });
      assert.ok(fs.existsSync(result), `Neovim wrote nothing: exit ${run.status ?? run.signal}; ${run.stdout} ${run.stderr}`);
      assert.deepEqual(JSON.parse(fs.readFileSync(result, 'utf8')), { filetype: 'requirements', clients: 1, code: 'missing-version' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
