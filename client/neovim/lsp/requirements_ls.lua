---@brief
---
--- Language server for Python requirements files (requirements*.txt, requirements*.in,
--- constraints*.txt): diagnostics, completion, hover, links to included files. Also the requirement
--- strings of pyproject.toml, pylock.toml and PEP 723 scripts (toml and python buffers of those only).
---
--- Install the server (Node.js 20.9 or newer), from a checkout of its repository:
--- ```sh
--- npm ci && npm run build && npm install -g ./server
--- ```
---
--- Neovim 0.11+ needs nothing else:
--- ```lua
--- vim.lsp.enable('requirements_ls')
--- ```
---
--- Settings go under the `requirements` section, e.g.
--- ```lua
--- vim.lsp.config('requirements_ls', {
---   settings = { requirements = { diagnostics = { enable = true }, logLevel = 'info' } },
--- })
--- ```

---@type vim.lsp.Config
return {
  cmd = { 'requirements-language-server', '--stdio' },
  filetypes = { 'requirements', 'toml', 'python' },
  root_markers = { '.venv', 'pyproject.toml', '.git' },
  -- Other toml and python buffers are not ours: no root, no client.
  root_dir = function(bufnr, on_dir)
    local ok, ls = pcall(require, 'requirements_ls')
    if ok and not ls.holds_requirements(bufnr) then
      return
    end
    on_dir(vim.fs.root(bufnr, { '.venv', 'pyproject.toml', '.git' }) or vim.fs.dirname(vim.api.nvim_buf_get_name(bufnr)))
  end,
  settings = { requirements = {} },
  -- The plugin's diagnostics sorted by severity (its error shows before a hint on the same line), when the plugin is there.
  on_init = function(client)
    local found, plugin = pcall(require, 'requirements_ls')
    if found then
      plugin.sort_by_severity(client)
    end
  end,
}
