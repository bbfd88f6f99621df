// The linter: the layers of docs/architecture.md as import rules, and a few rules that catch real mistakes
// (console output in the server corrupts the LSP stream on stdout). Style is the formatter's job (prettier).
import tseslint from 'typescript-eslint';

const HOST = ['lsp', 'cli', 'server', 'main'];
const ADAPTERS = ['workspace', 'index', 'environment', 'compile'];
/** What each layer must not import (the first segment under server/src), as test/unit/layers.test.ts checks. */
const FORBIDDEN = {
  syntax: [...HOST, 'service', ...ADAPTERS],
  shared: [...HOST, 'service', ...ADAPTERS],
  workspace: [...HOST, 'service'],
  index: [...HOST, 'service'],
  environment: [...HOST, 'service'],
  compile: [...HOST, 'service'],
  service: HOST,
};
/** Modules that do I/O: syntax/ and service/ take facts instead. */
const IO = ['fs', 'fs/promises', 'net', 'http', 'https', 'child_process', 'worker_threads', 'dns'].flatMap((m) => [m, `node:${m}`]).concat('undici');

/** One block per layer and depth: a file n folders below server/src climbs n times to reach another layer. */
function layerBlocks() {
  const blocks = [];
  for (const [layer, forbidden] of Object.entries(FORBIDDEN)) {
    for (const depth of [1, 2, 3]) {
      const climb = '\\.\\./'.repeat(depth);
      blocks.push({
        files: [`server/src/${layer}/${'*/'.repeat(depth - 1)}*.ts`],
        rules: {
          'no-restricted-imports': [
            'error',
            {
              paths: layer === 'syntax' || layer === 'service' ? IO.map((name) => ({ name, message: `${layer}/ does no I/O: take a fact instead.` })) : [],
              patterns: [
                { regex: `^${climb}(${forbidden.join('|')})(\\.js)?(/|$)`, message: `${layer}/ must not import this layer (docs/architecture.md, Layers).` },
              ],
            },
          ],
        },
      });
    }
  }
  return blocks;
}

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.ci-cache/**', 'client/vscode/out/**'] },
  {
    files: ['server/src/**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      // stdout is the LSP stream: the server logs through the connection.
      'no-console': 'error',
      'no-var': 'error',
      'prefer-const': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-debugger': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // The CLI writes its report to stdout on purpose.
  { files: ['server/src/cli/**/*.ts'], rules: { 'no-console': 'off' } },
  ...layerBlocks(),
);
