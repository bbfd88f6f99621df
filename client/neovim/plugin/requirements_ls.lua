-- Loaded at start-up: only defines :RequirementsLsInfo; setup() is the user's call (see :help requirements_ls).
if vim.g.loaded_requirements_ls then
  return
end
vim.g.loaded_requirements_ls = 1

vim.api.nvim_create_user_command('RequirementsLsInfo', function()
  vim.cmd('checkhealth requirements_ls')
end, { desc = 'Show the requirements-language-server set-up (:checkhealth requirements_ls)' })
