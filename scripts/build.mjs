// Bundles the server (CJS, fast start) and the `./syntax` library export (ESM).
// The package index (undici is more than half of the code) is its own bundle, packageIndex.cjs, loaded on
// first use: V8 then compiles only what `initialize` needs.
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: false, logLevel: 'warning' };
// popular.ts falls back to import.meta.url only when run from source; the bundles use __dirname.
// RLS_NO_MINIFY=1 keeps the bundles readable, so that a CPU or heap profile of the built server names functions.
const server = { ...common, format: 'cjs', minify: process.env.RLS_NO_MINIFY !== '1', keepNames: true, logOverride: { 'empty-import-meta': 'silent' } };

/** `import('…/packageIndex.js')` in index/views.ts, cli/vulnerabilities.ts and cli/compile.ts becomes a require of the separate bundle beside it. */
const lazyIndex = {
  name: 'lazy-index',
  setup(b) {
    const lazy = /(views|vulnerabilities|cli\/compile)\.ts$/;
    b.onResolve({ filter: /(^|\/)packageIndex\.js$/ }, (args) => (lazy.test(args.importer) ? { path: './packageIndex.cjs', external: true } : undefined));
  },
};

/** 'undici' in the index bundle is the three parts the fetcher uses (server/src/index/undiciParts.mjs says why). */
const undiciParts = {
  name: 'undici-parts',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: fileURLToPath(new URL('../server/src/index/undiciParts.mjs', import.meta.url)) }));
  },
};

await Promise.all([
  // `import()` of the separate bundle becomes a require (dynamic-import unsupported): Node's ESM loader would
  // first scan all of packageIndex.cjs for its exports (cjs-module-lexer, 100-190 ms on the event loop).
  build({ ...server, entryPoints: ['server/src/main.ts'], outfile: 'server/dist/main.cjs', plugins: [lazyIndex], supported: { 'dynamic-import': false } }),
  build({ ...server, entryPoints: ['server/src/index/packageIndex.ts'], outfile: 'server/dist/packageIndex.cjs', plugins: [undiciParts] }),
  // The project list's worker thread (index/listThread.ts starts it from beside packageIndex.cjs).
  build({ ...server, entryPoints: ['server/src/index/listWorker.ts'], outfile: 'server/dist/listWorker.cjs' }),
  build({ ...common, entryPoints: ['server/src/syntax/index.ts'], outfile: 'server/dist/syntax.mjs', format: 'esm' }),
]);

// Data the server reads at run time, next to the bundle.
mkdirSync('server/dist', { recursive: true });
copyFileSync('server/src/index/popularity.tsv', 'server/dist/popularity.tsv');
