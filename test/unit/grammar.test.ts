// The TextMate grammar, tokenized by vscode-textmate with the real Oniguruma (WASM), on a fixture file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import vsctm from 'vscode-textmate';
import oniguruma from 'vscode-oniguruma';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const GRAMMAR = path.resolve(here, '../../grammars/pip-requirements.tmLanguage.json');
const SAMPLE = fs.readFileSync(path.resolve(here, '../fixtures/grammar/sample.txt'), 'utf8').split('\n');

async function tokenizeAll(lines: string[]) {
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (s: string[]) => new oniguruma.OnigScanner(s),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) => (scope === 'source.pip-requirements' ? vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, 'utf8'), GRAMMAR) : null),
  });
  const grammar = (await registry.loadGrammar('source.pip-requirements'))!;
  let state = vsctm.INITIAL;
  return lines.map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), start: t.startIndex, scopes: t.scopes }));
  });
}

const tokens = await tokenizeAll(SAMPLE);

/** The innermost scope of the token where `text` starts on line `line` (the nth occurrence). */
function scopeAt(line: number, text: string, nth = 0): string {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = SAMPLE[line].indexOf(text, at + 1);
  assert.ok(at >= 0, `'${text}' not on line ${line}`);
  const token = tokens[line].find((t) => t.start <= at && at < t.start + t.text.length)!;
  return token.scopes[token.scopes.length - 1];
}

test('comments, and a # inside a URL that is not one', () => {
  assert.equal(scopeAt(0, 'A requirements'), 'comment.line.number-sign.pip-requirements');
  assert.equal(scopeAt(4, 'trailing'), 'comment.line.number-sign.pip-requirements');
  assert.equal(scopeAt(7, 'sha256=abc'), 'markup.underline.link.url.pip-requirements');
});

test('options, their values in both forms, ${VAR}, an unknown option', () => {
  assert.equal(scopeAt(1, '--index-url'), 'keyword.other.option.pip-requirements');
  assert.equal(scopeAt(1, '${TOKEN}'), 'variable.other.environment.pip-requirements');
  assert.equal(scopeAt(1, 'pkgs.example'), 'string.unquoted.option-value.pip-requirements');
  assert.equal(scopeAt(2, '-r'), 'keyword.other.option.pip-requirements');
  assert.equal(scopeAt(2, 'base.txt'), 'string.unquoted.option-value.pip-requirements');
  assert.equal(scopeAt(3, '='), 'keyword.operator.assignment.pip-requirements');
  assert.equal(scopeAt(3, 'https'), 'string.unquoted.option-value.pip-requirements');
  assert.equal(scopeAt(10, '--bogus'), 'invalid.illegal.option.pip-requirements');
});

test('names, extras, operators, versions and markers', () => {
  assert.equal(scopeAt(4, 'requests'), 'entity.name.package.pip-requirements');
  assert.equal(scopeAt(4, 'security'), 'variable.parameter.extra.pip-requirements');
  assert.equal(scopeAt(4, '>='), 'keyword.operator.comparison.pip-requirements');
  assert.equal(scopeAt(4, '2.8.1'), 'constant.numeric.version.pip-requirements');
  assert.equal(scopeAt(4, '2.8.*'), 'constant.numeric.version.pip-requirements');
  assert.equal(scopeAt(4, 'python_version'), 'variable.language.marker.pip-requirements');
  assert.equal(scopeAt(4, '"2.7"'), 'string.quoted.marker.pip-requirements');
  assert.equal(scopeAt(4, 'and'), 'keyword.operator.logical.pip-requirements');
  assert.equal(scopeAt(4, "'nt'"), 'string.quoted.marker.pip-requirements');
  assert.equal(scopeAt(18, 'python_versoin'), 'invalid.illegal.marker-variable.pip-requirements');
});

test('a continuation line keeps its --hash scoped, with algorithm and digest', () => {
  assert.equal(scopeAt(5, '\\'), 'constant.character.escape.line-continuation.pip-requirements');
  assert.equal(scopeAt(6, '--hash'), 'keyword.other.option.pip-requirements');
  assert.equal(scopeAt(6, 'sha256'), 'support.type.hash-algorithm.pip-requirements');
  assert.equal(scopeAt(6, '0123'), 'constant.other.hash-digest.pip-requirements');
});

test('name @ url, a VCS editable, a local path', () => {
  assert.equal(scopeAt(7, 'name'), 'entity.name.package.pip-requirements');
  assert.equal(scopeAt(7, '@'), 'keyword.operator.url.pip-requirements');
  assert.equal(scopeAt(7, 'https'), 'markup.underline.link.url.pip-requirements');
  assert.equal(scopeAt(7, 'sys_platform'), 'variable.language.marker.pip-requirements');
  assert.equal(scopeAt(8, '-e'), 'keyword.other.option.pip-requirements');
  assert.equal(scopeAt(8, 'git+https'), 'markup.underline.link.url.pip-requirements');
  assert.equal(scopeAt(9, './local'), 'string.unquoted.path.pip-requirements');
});

test('# via annotations, with the package names inside them (split and line styles)', () => {
  assert.equal(scopeAt(12, 'via'), 'keyword.other.via.pip-requirements');
  assert.equal(scopeAt(12, 'django'), 'entity.name.package.via.pip-requirements');
  assert.equal(scopeAt(14, 'via'), 'keyword.other.via.pip-requirements');
  assert.equal(scopeAt(15, 'asgiref'), 'entity.name.package.via.pip-requirements');
  assert.equal(scopeAt(16, '-r'), 'keyword.other.option.pip-requirements');
  assert.equal(scopeAt(16, 'requirements.in'), 'string.unquoted.path.pip-requirements');
  assert.equal(scopeAt(17, 'vine'), 'entity.name.package.pip-requirements');
  assert.equal(scopeAt(17, 'celery'), 'entity.name.package.via.pip-requirements');
});
