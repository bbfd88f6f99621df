-- Loaded at start-up: only defines the user commands; setup() is the user's call (see :help requirements_ls).
if vim.g.loaded_requirements_ls then
  return
end
vim.g.loaded_requirements_ls = 1

vim.api.nvim_create_user_command('RequirementsLsInfo', function()
  vim.cmd('checkhealth requirements_ls')
end, { desc = 'Show the requirements-language-server set-up (:checkhealth requirements_ls)' })

-- The server's commands on the current file (see :help requirements_ls-commands).
vim.api.nvim_create_user_command('RequirementsCompile', function(opts)
  require('requirements_ls').execute('requirements.compile', opts.bang and { upgrade = true } or nil)
end, { bang = true, desc = 'Compile the .in file to .txt (pip-compile, uv, or the built-in resolver); ! upgrades all' })

vim.api.nvim_create_user_command('RequirementsUpgrade', function(opts)
  local name = opts.args ~= '' and opts.args or nil
  require('requirements_ls').execute('requirements.upgradePackage', name)
end, { nargs = '?', desc = 'Recompile with --upgrade-package NAME (no NAME: upgrade all)' })

vim.api.nvim_create_user_command('RequirementsSync', function()
  require('requirements_ls').execute('requirements.sync')
end, { desc = 'Make the environment match the compiled file (pip-sync, uv pip sync, or pip)' })

vim.api.nvim_create_user_command('RequirementsInstall', function(opts)
  require('requirements_ls').execute('requirements.install', #opts.fargs > 0 and opts.fargs or nil)
end, { nargs = '*', desc = "pip install the given requirements (none: the whole file) into the file's environment" })

-- The pip freeze workflow (see :help requirements_ls-freeze).
vim.api.nvim_create_user_command('RequirementsDeriveIn', function(opts)
  require('requirements_ls').execute('requirements.deriveRequirementsIn', opts.args ~= '' and { bounds = opts.args } or nil)
end, {
  nargs = '?',
  complete = function()
    return { 'none', 'minimum', 'compatible' }
  end,
  desc = 'Write requirements.in beside this pip freeze file: its top-level packages (bounds: none, minimum, compatible)',
})

vim.api.nvim_create_user_command('RequirementsFreeze', function(opts)
  local uri = opts.args ~= '' and vim.uri_from_fname(vim.fn.fnamemodify(opts.args, ':p')) or nil
  require('requirements_ls').execute('requirements.freeze', opts.bang and { all = true } or nil, nil, uri)
end, { bang = true, nargs = '?', complete = 'file', desc = "Write the environment's installed distributions as pins into this file or {file}; ! includes pip, setuptools, wheel" })

vim.api.nvim_create_user_command('RequirementsVenv', function(opts)
  require('requirements_ls').execute('requirements.createVenv', opts.args ~= '' and { python = opts.args } or nil)
end, { nargs = '?', complete = 'shellcmd', desc = 'Create .venv beside this file (python -m venv), then offer to install the file into it' })
