#!/usr/bin/env bash
# Re-takes the README's pictures: the tests that drive VS Code (code-server in Chromium) and Neovim (in tmux)
# save their screens in test-output/; this copies them into docs/images/. Needs what scripts/install-test-deps.sh
# installs. Commit docs/images/ afterwards (the .vsix also carries the VS Code pictures, from docs/images).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent
rm -f test-output/vscode-problems.png test-output/vscode-hover.png test-output/neovim.png
node --import tsx --test --test-concurrency=1 test/clients/vscode-e2e.test.ts test/clients/neovim-tui.test.ts
mkdir -p docs/images
for image in vscode-problems vscode-hover neovim; do
  cp "test-output/$image.png" "docs/images/$image.png"
  echo "docs/images/$image.png ($(stat -c %s "docs/images/$image.png") bytes)"
done
