-- :checkhealth requirements_ls — the server command and its version, Node, and the Python environment.

local M = {}

-- vim.health.start/ok/… on 0.10+, vim.health.report_* on 0.8–0.9, require('health').report_* on 0.7.
local health = vim.health
if not health then
  local found, module = pcall(require, 'vim.health')
  health = found and module or require('health')
end
local start = health.start or health.report_start
local ok = health.ok or health.report_ok
local info = health.info or health.report_info
local warn = health.warn or health.report_warn
local fail = health.error or health.report_error

local uv = vim.uv or vim.loop

local function trim(s)
  return (s:gsub('^%s+', ''):gsub('%s+$', ''))
end

--- Runs an argument list (never a shell string); returns its trimmed output and whether it exited 0.
local function run(argv)
  local success, output = pcall(vim.fn.system, argv)
  if not success then
    return tostring(output), false
  end
  return trim(output or ''), vim.v.shell_error == 0
end

--- The configured command: setup()'s, else vim.lsp.config's on 0.11+, else the default.
local function server_cmd()
  local plugin = require('requirements_ls')
  if plugin.config then
    return plugin.config.cmd, 'setup()'
  end
  if vim.fn.has('nvim-0.11') == 1 and vim.lsp.config then
    local config = vim.lsp.config[plugin.name]
    if config and type(config.cmd) == 'table' then
      return config.cmd, "vim.lsp.config('" .. plugin.name .. "')"
    end
  end
  return plugin.defaults.cmd, 'default'
end

local function check_server(cmd)
  start('requirements-language-server')
  if type(cmd) ~= 'table' or #cmd == 0 then
    fail('The server command is not a list of arguments: ' .. vim.inspect(cmd))
    return nil
  end
  local exe = vim.fn.exepath(cmd[1])
  if vim.fn.executable(cmd[1]) ~= 1 then
    fail(cmd[1] .. ' is not on PATH (or not executable)', {
      'Install the server: npm ci && npm run build && npm install -g ./server (in its repository)',
      "Or give setup() the full command: cmd = { 'node', '/path/to/server/bin/requirements-language-server.cjs', '--stdio' }",
    })
    return nil
  end
  ok('found ' .. cmd[1] .. (exe ~= '' and exe ~= cmd[1] and (' at ' .. exe) or ''))

  -- The same command with --version in place of --stdio.
  local argv = {}
  for _, arg in ipairs(cmd) do
    if arg ~= '--stdio' then
      table.insert(argv, arg)
    end
  end
  table.insert(argv, '--version')
  local output, exited_zero = run(argv)
  if exited_zero and output:match('^%d+%.%d+') then
    ok('server version ' .. output)
  else
    fail('`' .. table.concat(argv, ' ') .. '` failed: ' .. output)
  end
  return exe
end

local function check_node(cmd)
  start('Node.js')
  -- A cmd that runs node itself names the node to ask; otherwise the server's shebang finds it on PATH.
  local node = 'node'
  if type(cmd) == 'table' and cmd[1] and vim.fn.fnamemodify(cmd[1], ':t'):match('^node') then
    node = cmd[1]
  end
  if vim.fn.executable(node) ~= 1 then
    fail('node is not on PATH', { 'The server needs Node.js 20.9 or newer' })
    return
  end
  local output, exited_zero = run({ node, '--version' })
  local major, minor = output:match('^v(%d+)%.(%d+)')
  if not exited_zero or not major then
    fail('`' .. node .. ' --version` failed: ' .. output)
  elseif tonumber(major) > 20 or (tonumber(major) == 20 and tonumber(minor) >= 9) then
    ok('Node.js ' .. output .. ' (' .. vim.fn.exepath(node) .. ')')
  else
    warn('Node.js ' .. output .. ' is older than the 20.9 the server needs')
  end
end

local function python_of(venv)
  for _, rel in ipairs({ '/bin/python', '/Scripts/python.exe' }) do
    if uv.fs_stat(venv .. rel) then
      return venv .. rel
    end
  end
  return nil
end

local function check_environment()
  start('Python environment')
  local plugin = require('requirements_ls')
  -- :checkhealth runs in its own buffer: look from the previous buffer if it is a requirements
  -- file, else from any open one, else from the current folder.
  local candidates = { vim.fn.bufnr('#') }
  vim.list_extend(candidates, vim.api.nvim_list_bufs())
  local bufname = ''
  for _, bufnr in ipairs(candidates) do
    if bufnr > 0 and vim.api.nvim_buf_is_loaded(bufnr) and vim.bo[bufnr].filetype == 'requirements' then
      bufname = vim.api.nvim_buf_get_name(bufnr)
      break
    end
  end
  local root = plugin.root_dir(bufname ~= '' and bufname or vim.fn.getcwd())
  info('root folder: ' .. root)

  local venv = vim.env.VIRTUAL_ENV
  local source = 'VIRTUAL_ENV'
  if venv == nil or venv == '' then
    venv, source = nil, nil
    local dir = root
    while dir and dir ~= '' do
      local stat = uv.fs_stat(dir .. '/.venv')
      if stat and stat.type == 'directory' then
        venv, source = dir .. '/.venv', '.venv near the root'
        break
      end
      local parent = vim.fn.fnamemodify(dir, ':h')
      if parent == dir then
        break
      end
      dir = parent
    end
  end
  if not venv then
    warn('no Python environment found (neither VIRTUAL_ENV nor a .venv near ' .. root .. '): installed versions are not checked', {
      'Activate one before starting Neovim, or create one: python3 -m venv .venv (or :RequirementsVenv)',
      'Or name one in the settings: settings = { venvPath = "/path/to/venv" }',
    })
    return
  end
  local python = python_of(venv)
  if python then
    ok('environment ' .. venv .. ' (from ' .. source .. '), python ' .. python)
  else
    warn('environment ' .. venv .. ' (from ' .. source .. ') has no bin/python')
  end
end

local function check_clients()
  start('Clients')
  local plugin = require('requirements_ls')
  local clients = plugin.clients()
  if #clients == 0 then
    info('no requirements_ls client is running (open a requirements file)')
  end
  for _, client in ipairs(clients) do
    info(('client %d: root %s'):format(client.id, tostring(client.config.root_dir)))
  end
end

function M.check()
  local cmd, origin = server_cmd()
  check_server(cmd)
  info('command (' .. origin .. '): ' .. table.concat(type(cmd) == 'table' and cmd or {}, ' '))
  check_node(cmd)
  check_environment()
  check_clients()
end

return M
