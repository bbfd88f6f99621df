// Bundles the server (CJS, one file, fast start) and the `./syntax` library export (ESM).
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: false, logLevel: 'warning' };

await Promise.all([
  build({ ...common, entryPoints: ['server/src/main.ts'], outfile: 'server/dist/main.cjs', format: 'cjs', minify: true, keepNames: true }),
  build({ ...common, entryPoints: ['server/src/syntax/index.ts'], outfile: 'server/dist/syntax.mjs', format: 'esm' }),
]);
