#!/usr/bin/env bash
# What the client tests drive, installed when missing (npm test runs this first): Debian's Neovim and tmux (the
# Neovim tests, one of them in a real terminal), and for the VS Code end-to-end test Chromium, Node 24 and
# code-server (scripts/e2e-vscode/install.sh, cached under $RLS_E2E_CACHE, by default ~/.cache/rls-e2e).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nvim >/dev/null || ! command -v tmux >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends neovim tmux >/dev/null
fi
echo "client-test tools in $(bash scripts/e2e-vscode/install.sh)"
