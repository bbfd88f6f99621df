#!/usr/bin/env bash
# Installs what the VS Code end-to-end test drives (idempotent, cached): Debian's Chromium, Node 24 (code-server
# needs exactly 24), code-server 4.139.1 and playwright-core. Run by scripts/install-test-deps.sh (npm test's pretest).
set -euo pipefail
# Run from `npm test`, this script inherits the outer npm's npm_* variables; code-server's postinstall reads the
# Node version from npm_config_user_agent (Node 20 there) and refuses to install. Each inner npm starts clean.
for v in $(compgen -e | grep -i '^npm_'); do unset "$v"; done
VERSION=4.139.1
CACHE=${RLS_E2E_CACHE:-$HOME/.cache/rls-e2e/$VERSION}
mkdir -p "$CACHE"
if ! command -v chromium >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium libkrb5-dev build-essential >/dev/null
fi
if [[ ! -x "$CACHE/node24/node_modules/node/bin/node" ]]; then
  mkdir -p "$CACHE/node24" && cd "$CACHE/node24"
  [[ -f package.json ]] || echo '{"private":true}' > package.json
  npm install --no-audit --no-fund --loglevel=error node@24 >/dev/null
fi
NODE24_BIN="$CACHE/node24/node_modules/node/bin"
NODE24_DIR=$(ls -d "$CACHE"/node24/node_modules/node/node_modules/node-linux-* 2>/dev/null | head -1)
if [[ ! -x "$CACHE/code-server/node_modules/.bin/code-server" ]]; then
  mkdir -p "$CACHE/code-server" && cd "$CACHE/code-server"
  echo '{"private":true,"allowScripts":{"code-server":true,"argon2":true}}' > package.json
  PATH="$NODE24_BIN:$PATH" npm_config_nodedir="$NODE24_DIR" npm install --no-audit --no-fund --loglevel=error "code-server@$VERSION" >/dev/null
fi
if [[ ! -d "$CACHE/playwright/node_modules/playwright-core" ]]; then
  mkdir -p "$CACHE/playwright" && cd "$CACHE/playwright"
  [[ -f package.json ]] || echo '{"private":true}' > package.json
  npm install --no-audit --no-fund --loglevel=error playwright-core@1.65.1 >/dev/null
fi
echo "$CACHE"
