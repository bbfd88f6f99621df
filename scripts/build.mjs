// Bundles the server (CJS, one file, fast start) and the `./syntax` library export (ESM).
import { copyFileSync, mkdirSync } from 'node:fs';
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: false, logLevel: 'warning' };

await Promise.all([
  build({ ...common, entryPoints: ['server/src/main.ts'], outfile: 'server/dist/main.cjs', format: 'cjs', minify: true, keepNames: true,
    // popular.ts falls back to import.meta.url only when run from source; the bundle uses __dirname.
    logOverride: { 'empty-import-meta': 'silent' } }),
  build({ ...common, entryPoints: ['server/src/syntax/index.ts'], outfile: 'server/dist/syntax.mjs', format: 'esm' }),
]);

// Data the server reads at run time, next to the bundle.
mkdirSync('server/dist', { recursive: true });
copyFileSync('server/src/index/popularity.tsv', 'server/dist/popularity.tsv');
