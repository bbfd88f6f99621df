#!/usr/bin/env node
// Entry point for `npx requirements-language-server`: the bundled CLI (LSP over --stdio, or `check`).
require('../dist/main.cjs');
