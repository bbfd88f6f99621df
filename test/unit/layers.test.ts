// The layers of docs/architecture.md, kept by a test: imports point down only (lsp/cli → service →
// workspace/index/environment/compile → syntax/shared), and syntax/ and service/ do no I/O.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server/src');
/** The host: the only code that may import anything. */
const HOST = ['lsp', 'cli', 'server.ts', 'main.ts'];
const ADAPTERS = ['workspace', 'index', 'environment', 'compile'];
/** What each layer must not import (by the first segment of the path under server/src). */
const FORBIDDEN: Record<string, string[]> = {
  syntax: [...HOST, 'service', ...ADAPTERS],
  shared: [...HOST, 'service', ...ADAPTERS],
  workspace: [...HOST, 'service'],
  index: [...HOST, 'service'],
  environment: [...HOST, 'service'],
  compile: [...HOST, 'service'],
  service: HOST,
};
/** Modules that do I/O: syntax/ and service/ take facts instead. */
const IO = /^(node:)?(fs|fs\/promises|net|http|https|child_process|worker_threads|dns)$|^undici$/;

function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** Every module a file imports, statically or with import(). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^import\s[^;]*?from\s|^export\s[^;]*?from\s|\bimport\()\s*'([^']+)'/gm)].map((m) => m[1]);
}

test('imports point down the layers, and syntax/ and service/ do no I/O', () => {
  const wrong: string[] = [];
  for (const file of files(SRC)) {
    const layer = path.relative(SRC, file).split(path.sep)[0];
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) {
        const target = path
          .relative(SRC, path.resolve(path.dirname(file), spec))
          .split(path.sep)[0]
          .replace(/\.js$/, '.ts');
        if (FORBIDDEN[layer]?.includes(target)) wrong.push(`${path.relative(SRC, file)} imports ${spec}`);
      } else if ((layer === 'syntax' || layer === 'service') && IO.test(spec)) wrong.push(`${path.relative(SRC, file)} does I/O through ${spec}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('the check sees a wrong import (a file that imports up is reported)', () => {
  const spec = "import type { FileContext } from '../service/index.js';";
  assert.deepEqual(importsOf(writeTemp(spec)), ['../service/index.js']);
});

function writeTemp(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'rls-layers-')), 'x.ts');
  fs.writeFileSync(file, text);
  return file;
}
