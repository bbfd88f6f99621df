// Bundles the extension (vscode external) and copies the bundled server, its data and the grammar into dist/.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
mkdirSync(join(here, 'dist'), { recursive: true });
await build({ entryPoints: [join(here, 'src/extension.ts')], outfile: join(here, 'dist/extension.js'), bundle: true, platform: 'node', format: 'cjs', target: 'node18', external: ['vscode'], minify: true, logLevel: 'warning' });
copyFileSync(join(root, 'server/dist/main.cjs'), join(here, 'dist/server.cjs'));
copyFileSync(join(root, 'server/dist/popularity.tsv'), join(here, 'dist/popularity.tsv'));
copyFileSync(join(root, 'server/dist/packageIndex.cjs'), join(here, 'dist/packageIndex.cjs'));
copyFileSync(join(root, 'grammars/pip-requirements.tmLanguage.json'), join(here, 'dist/pip-requirements.tmLanguage.json'));
