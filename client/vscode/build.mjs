// Bundles the extension (vscode external) and copies the bundled server, its data and the grammar into dist/.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
mkdirSync(join(here, 'dist'), { recursive: true });
await build({
  entryPoints: [join(here, 'src/extension.ts')],
  outfile: join(here, 'dist/extension.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: ['vscode'],
  minify: true,
  logLevel: 'warning',
});
copyFileSync(join(root, 'server/dist/main.cjs'), join(here, 'dist/server.cjs'));
copyFileSync(join(root, 'server/dist/popularity.tsv'), join(here, 'dist/popularity.tsv'));
copyFileSync(join(root, 'server/dist/packageIndex.cjs'), join(here, 'dist/packageIndex.cjs'));
copyFileSync(join(root, 'server/dist/listWorker.cjs'), join(here, 'dist/listWorker.cjs'));
copyFileSync(join(root, 'grammars/pip-requirements.tmLanguage.json'), join(here, 'dist/pip-requirements.tmLanguage.json'));
// The README's pictures (made by the end-to-end tests, kept in docs/images) travel inside the .vsix.
mkdirSync(join(here, 'dist/images'), { recursive: true });
for (const image of ['vscode-problems.png', 'vscode-hover.png']) {
  if (existsSync(join(root, 'docs/images', image))) copyFileSync(join(root, 'docs/images', image), join(here, 'dist/images', image));
}
