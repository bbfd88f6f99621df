#!/usr/bin/env bash
# What the client tests drive, installed when missing (npm test runs this first): Debian's Neovim, and for the
# VS Code end-to-end test Chromium, Node 24 and code-server (scripts/e2e-vscode/install.sh, cached).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nvim >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends neovim >/dev/null
fi
bash scripts/e2e-vscode/install.sh >/dev/null
