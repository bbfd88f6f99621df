---@brief
---
--- Language server for Python requirements files (requirements*.txt, requirements*.in,
--- constraints*.txt): diagnostics, completion, hover, links to included files.
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
  filetypes = { 'requirements' },
  root_markers = { '.venv', 'pyproject.toml', '.git' },
  settings = { requirements = {} },
  -- The plugin's diagnostics sorted by severity (its error shows before a hint on the same line), when the plugin is there.
  on_init = function(client)
    local found, plugin = pcall(require, 'requirements_ls')
    if found then
      plugin.sort_by_severity(client)
    end
  end,
}
