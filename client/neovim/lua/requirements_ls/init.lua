-- Starts requirements-language-server for `requirements` buffers, on every Neovim from 0.7 on.
--
-- 0.11+: vim.lsp.config + vim.lsp.enable (so `lsp/requirements_ls.lua` and the user's own
-- vim.lsp.config('requirements_ls', …) merge as they do for any server);
-- 0.8–0.10: a FileType autocmd calling vim.lsp.start, which reuses a client per root;
-- 0.7: the same autocmd with vim.lsp.start_client + vim.lsp.buf_attach_client, one client per root.

local M = {}

M.name = 'requirements_ls'

M.defaults = {
  cmd = { 'requirements-language-server', '--stdio' },
  -- toml and python buffers only where they hold requirements: pyproject.toml, pylock.toml, a PEP 723 script.
  filetypes = { 'requirements', 'toml', 'python' },
  root_markers = { '.venv', 'pyproject.toml', '.git' },
  -- The `requirements` settings section (see :help requirements_ls-settings).
  settings = {},
  -- 0.7–0.9 only (0.10+ has its own defaults, left alone): on attach set 'omnifunc' and 'tagfunc' and the
  -- buffer-local maps K, gd, gr, <leader>ca, [d, ]d. false: set nothing (for users with their own LspAttach).
  keymaps = true,
  -- Show $/progress (a compile's tool output, the project list download) in the message area.
  progress = true,
  -- Sort this server's diagnostics by severity, in its own namespaces only: the sign and the virtual text of a
  -- line show its error, not a hint beside it. false: leave the namespace to vim.diagnostic.config's global value.
  severity_sort = true,
}

--- The options given to the last setup() merged over the defaults; nil before setup().
M.config = nil

local uv = vim.uv or vim.loop
local has = function(feature)
  return vim.fn.has(feature) == 1
end

--- The nearest folder above `path` (a file or folder) holding any of `markers`;
--- the file's own folder when none does. Nearest wins over marker order, so a
--- `pyproject.toml` in a sub-project beats a `.git` further up.
function M.root_dir(path, markers)
  markers = markers or (M.config or M.defaults).root_markers
  local start
  if path == nil or path == '' then
    start = vim.fn.getcwd()
  else
    local stat = uv.fs_stat(path)
    start = (stat and stat.type == 'directory') and vim.fn.fnamemodify(path, ':p') or vim.fn.fnamemodify(path, ':p:h')
  end
  start = start:gsub('[/\\]+$', '')
  if start == '' then
    start = '/'
  end
  local dir = start
  while true do
    for _, marker in ipairs(markers) do
      if uv.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir or parent == '' then
      return start
    end
    dir = parent
  end
end

--- Answers workspace/configuration from the client's `settings`, and only for our own section:
--- 0.7 has no such answer unless the capability is advertised and a handler given.
local function configuration_handler(_, result, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local settings = (client and client.config.settings) or {}
  local response = {}
  for i, item in ipairs((result and result.items) or {}) do
    local value = vim.NIL
    local section = item.section
    if section == 'requirements' or (type(section) == 'string' and section:sub(1, 13) == 'requirements.') then
      value = settings
      for part in vim.gsplit(section, '.', true) do
        value = type(value) == 'table' and value[part] or nil
      end
      if value == nil then
        value = vim.NIL
      end
    end
    response[i] = value
  end
  return response
end

--- The text of one $/progress notification, or nil when there is nothing to say.
--- `titles` remembers each token's title from its `begin` (the later messages carry none).
function M.progress_text(titles, token, value)
  if type(value) ~= 'table' then
    return nil
  end
  if value.kind == 'begin' then
    titles[token] = value.title
  end
  local title = titles[token] or ''
  local text
  if value.kind == 'end' then
    titles[token] = nil
    -- An end says how it went only in its message: "done" could follow a failure (the outcome, a
    -- window/showMessage, was shown just before and stays in view).
    if not value.message or value.message == '' then
      return nil
    end
    text = title .. ': ' .. value.message
  elseif value.message and value.message ~= '' then
    text = title .. ': ' .. value.message
  else
    text = title .. '…'
  end
  if value.percentage then
    text = ('%s (%d%%)'):format(text, value.percentage)
  end
  return 'requirements_ls: ' .. text
end

local progress_titles = {}

--- $/progress: Neovim's own handler first (statusline plugins read what it records), then one line in the
--- message area, cut to fit so it never asks for Enter. Off with setup({ progress = false }).
local function progress_handler(err, result, ctx, config)
  local default = vim.lsp.handlers['$/progress']
  if default then
    default(err, result, ctx, config)
  end
  if not result or (M.config or M.defaults).progress == false then
    return
  end
  local key = tostring(ctx and ctx.client_id) .. ':' .. tostring(result.token)
  local text = M.progress_text(progress_titles, key, result.value)
  if text then
    local room = math.max(20, (vim.v.echospace or (vim.o.columns - 12)) - 1)
    if vim.fn.strdisplaywidth(text) > room then
      text = vim.fn.strcharpart(text, 0, room - 1) .. '…'
    end
    vim.api.nvim_echo({ { text } }, false, {})
  end
end

--- Markdown links as their text: before 0.10 the hover float shows `[requirements.in:1](file:///…#L1)` as it is
--- written (nothing conceals it, and the link cannot be followed there anyway).
function M.link_text(markdown)
  return (markdown:gsub('%[([^%]\n]+)%]%(([^)%s]+)%)', '%1'))
end

--- textDocument/hover before 0.10: Neovim's own handler, over text whose links read as their text.
local function hover_handler(err, result, ctx, config)
  local contents = result and result.contents
  if type(contents) == 'table' and type(contents.value) == 'string' then
    result = vim.tbl_extend('force', result, { contents = vim.tbl_extend('force', contents, { value = M.link_text(contents.value) }) })
  end
  return vim.lsp.handlers['textDocument/hover'](err, result, ctx, config)
end

M.handlers = { ['workspace/configuration'] = configuration_handler, ['$/progress'] = progress_handler }
if not has('nvim-0.10') then
  M.handlers['textDocument/hover'] = hover_handler
end

--- The maps nvim-lspconfig's README suggests, which 0.10+ (mostly) has by default.
local buffer_maps = {
  { 'K', function() vim.lsp.buf.hover() end, 'Hover (requirements_ls)' },
  { 'gd', function() vim.lsp.buf.definition() end, 'Go to definition (requirements_ls)' },
  { 'gr', function() vim.lsp.buf.references() end, 'References (requirements_ls)' },
  { '<leader>ca', function() vim.lsp.buf.code_action() end, 'Code actions (requirements_ls)' },
  { '[d', function() vim.diagnostic.goto_prev() end, 'Previous diagnostic' },
  { ']d', function() vim.diagnostic.goto_next() end, 'Next diagnostic' },
}

--- On 0.7–0.9, what 0.10+ does for every LSP buffer: completion with <C-x><C-o>, tags through the server,
--- and the usual maps; a buffer-local map the user already made is kept.
local function buffer_defaults(bufnr, config)
  if has('nvim-0.10') or config.keymaps == false then
    return
  end
  vim.bo[bufnr].omnifunc = 'v:lua.vim.lsp.omnifunc'
  vim.bo[bufnr].tagfunc = 'v:lua.vim.lsp.tagfunc'
  for _, map in ipairs(buffer_maps) do
    local existing = vim.fn.maparg(map[1], 'n', false, true)
    if not (type(existing) == 'table' and existing.buffer == 1) then
      vim.keymap.set('n', map[1], map[2], { buffer = bufnr, silent = true, desc = map[3] })
    end
  end
end

--- Sorts the client's diagnostics by severity (0.7–0.9 do not by default, and even 0.10+ only when the user's
--- global vim.diagnostic.config says so): set on its push namespace, and on 0.10+ its pull one.
function M.sort_by_severity(client)
  local namespace = vim.lsp.diagnostic and vim.lsp.diagnostic.get_namespace
  if not (client and namespace) then
    return
  end
  vim.diagnostic.config({ severity_sort = true }, namespace(client.id))
  if has('nvim-0.10') then
    pcall(function()
      vim.diagnostic.config({ severity_sort = true }, namespace(client.id, true))
    end)
  end
end

local function capabilities(extra)
  local caps = vim.lsp.protocol.make_client_capabilities()
  caps = vim.tbl_deep_extend('force', caps, { workspace = { configuration = true } })
  return vim.tbl_deep_extend('force', caps, extra or {})
end

--- The client configuration shared by every code path (everything but root_dir).
local function client_config(config)
  local settings = config.settings or {}
  return {
    name = M.name,
    cmd = config.cmd,
    -- The server reads `initializationOptions` as the settings, then asks for the section.
    init_options = settings,
    settings = { requirements = settings },
    capabilities = capabilities(config.capabilities),
    handlers = vim.tbl_extend('force', M.handlers, config.handlers or {}),
    on_attach = function(client, bufnr)
      buffer_defaults(bufnr, config)
      if config.on_attach then
        config.on_attach(client, bufnr)
      end
    end,
    on_init = function(client, result)
      if config.severity_sort ~= false then
        M.sort_by_severity(client)
      end
      if config.on_init then
        return config.on_init(client, result)
      end
    end,
  }
end

--- Whether a buffer holds requirements: a requirements file, pyproject.toml, pylock.toml
--- (pylock.NAME.toml), or a Python script with a PEP 723 `# /// script` block.
function M.holds_requirements(bufnr)
  local ft = vim.bo[bufnr].filetype
  local base = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':t'):lower()
  if ft == 'toml' then
    return base == 'pyproject.toml' or base == 'pylock.toml' or base:match('^pylock%.[^.]+%.toml$') ~= nil
  end
  if ft == 'python' then
    for _, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
      if line == '# /// script' then
        return true
      end
    end
    return false
  end
  return true
end

--- Only real files: no help, terminal, scratch or `fugitive://` buffers; toml and python ones holding requirements.
local function attachable(bufnr)
  if vim.bo[bufnr].buftype ~= '' then
    return false
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  return not name:match('^%a[%w+.-]*://') and M.holds_requirements(bufnr)
end

local clients_by_root = {} -- 0.7: root_dir -> client id
local warned_missing = false

--- Starts (or reuses) the client for the root of `bufnr` and attaches it. Returns the client id.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local config = M.config or M.defaults
  if not attachable(bufnr) then
    return nil
  end
  if type(config.cmd) == 'table' and vim.fn.executable(config.cmd[1]) ~= 1 then
    -- Once, not on every buffer (0.7 would raise an error in each FileType autocmd).
    if not warned_missing then
      warned_missing = true
      vim.notify(('requirements_ls: %s is not executable; see :checkhealth requirements_ls'):format(config.cmd[1]), vim.log.levels.WARN)
    end
    return nil
  end
  local root = M.root_dir(vim.api.nvim_buf_get_name(bufnr), config.root_markers)
  local client = client_config(config)
  client.root_dir = root
  if vim.lsp.start then
    return vim.lsp.start(client, { bufnr = bufnr })
  end
  local id = clients_by_root[root]
  -- get_client_by_id also finds a client still initializing, which client_is_stopped() would not.
  local existing = id and vim.lsp.get_client_by_id(id)
  if not existing or existing.is_stopped() then
    id = vim.lsp.start_client(client)
    clients_by_root[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

--- Clients of this server, on any version.
function M.clients(bufnr)
  local all = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or (bufnr and vim.lsp.buf_get_clients(bufnr) or vim.lsp.get_active_clients())
  local ours = {}
  for _, client in pairs(all) do
    if client.name == M.name then
      table.insert(ours, client)
    end
  end
  return ours
end

--- Runs one of the server's commands (requirements.compile, requirements.upgradePackage,
--- requirements.sync) on the current buffer's file. The server reports the outcome itself
--- (window/showMessage); `on_done(result)` gets its answer ({ ok, message, ... }).
--- `uri`: another file than the buffer's (:RequirementsFreeze {file}).
function M.execute(command, extra, on_done, uri)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = M.clients(bufnr)[1]
  if not client then
    vim.notify('requirements_ls: no server attached to this buffer', vim.log.levels.WARN)
    return
  end
  local arguments = { uri or vim.uri_from_bufnr(bufnr) }
  if extra ~= nil then
    table.insert(arguments, extra)
  end
  client.request('workspace/executeCommand', { command = command, arguments = arguments }, function(err, result)
    if err then
      vim.notify(('requirements_ls: %s failed: %s'):format(command, err.message or vim.inspect(err)), vim.log.levels.ERROR)
    end
    if on_done then
      on_done(result, err)
    end
  end, bufnr)
end

--- setup({ cmd, settings, root_markers, filetypes, capabilities, on_attach, on_init, handlers, keymaps, progress, severity_sort })
function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  -- Lists replace rather than merge.
  for _, key in ipairs({ 'cmd', 'filetypes', 'root_markers' }) do
    if opts and opts[key] then
      M.config[key] = opts[key]
    end
  end
  local config = M.config

  if has('nvim-0.11') and vim.lsp.config and vim.lsp.enable then
    local client = client_config(config)
    client.name = nil
    client.filetypes = config.filetypes
    client.root_markers = config.root_markers
    -- 0.11.0 calls root_dir(bufnr, on_dir); a pre-release called root_dir(on_dir).
    client.root_dir = function(bufnr, on_dir)
      if type(bufnr) == 'function' then
        bufnr, on_dir = vim.api.nvim_get_current_buf(), bufnr
      end
      if attachable(bufnr) then
        on_dir(M.root_dir(vim.api.nvim_buf_get_name(bufnr), config.root_markers))
      end
    end
    vim.lsp.config(M.name, client)
    vim.lsp.enable(M.name)
    return
  end

  local group = vim.api.nvim_create_augroup('requirements_ls', { clear = true })
  local filetypes = {}
  for _, ft in ipairs(config.filetypes) do
    filetypes[ft] = true
  end
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
    desc = 'Start requirements-language-server',
  })
  -- Buffers already open when setup() runs (a lazy-loading plugin manager).
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and filetypes[vim.bo[bufnr].filetype] then
      M.attach(bufnr)
    end
  end
end

return M
