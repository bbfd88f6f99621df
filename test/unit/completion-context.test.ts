// What the cursor (|) is typing, for each kind of completion.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../server/src/syntax/index.ts';
import { completionContext } from '../../server/src/service/completionContext.ts';

/** `input` holds one `|` for the cursor; returns the context without its range, plus the replaced text. */
function check(input: string, expected: Record<string, unknown>): void {
  const at = input.indexOf('|');
  const text = input.slice(0, at) + input.slice(at + 1);
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  const character = before.length - before.lastIndexOf('\n') - 1;
  const ctx = completionContext(parse(text), { line, character }) as Record<string, any>;
  const { range, ...rest } = ctx;
  if (range) rest.replaces = text.split('\n')[range.start.line].slice(range.start.character, range.end.character);
  assert.deepEqual(rest, expected, input);
}

test('names', () => {
  check('req|', { kind: 'name', partial: 'req', replaces: 'req' });
  check('|', { kind: 'name', partial: '', replaces: '' });
  check('flask\nzope.int|', { kind: 'name', partial: 'zope.int', replaces: 'zope.int' });
});

test('versions after any operator, with or without spaces and parentheses', () => {
  check('requests==|', { kind: 'version', name: 'requests', operator: '==', partial: '', replaces: '' });
  check('requests>=2.3|', { kind: 'version', name: 'requests', operator: '>=', partial: '2.3', replaces: '2.3' });
  check('Django[argon2] ~= 4.|', { kind: 'version', name: 'Django', operator: '~=', partial: '4.', replaces: '4.' });
  check('django (>=4, <|', { kind: 'version', name: 'django', operator: '<', partial: '', replaces: '' });
  check('pkg===|', { kind: 'version', name: 'pkg', operator: '===', partial: '', replaces: '' });
});

test('extras, operators, options and paths', () => {
  check('requests[so|', { kind: 'extra', name: 'requests', partial: 'so', present: [], replaces: 'so' });
  check('requests[socks, |', { kind: 'extra', name: 'requests', partial: '', present: ['socks'], replaces: '' });
  check('requests |', { kind: 'operator', name: 'requests', replaces: '' });
  check('requests[socks]|', { kind: 'operator', name: 'requests', replaces: '' });
  check('--ind|', { kind: 'option', partial: '--ind', perRequirement: false, replaces: '--ind' });
  check('-|', { kind: 'option', partial: '-', perRequirement: false, replaces: '-' });
  check('foo==1.0 --h|', { kind: 'option', partial: '--h', perRequirement: true, replaces: '--h' });
  check('-r req/dev|', { kind: 'path', option: '-r', partial: 'req/dev', replaces: 'req/dev' });
  check('-c |', { kind: 'path', option: '-c', partial: '', replaces: '' });
});

test('markers', () => {
  check('django; |', { kind: 'markerVariable', partial: '', replaces: '' });
  check('django; python_v|', { kind: 'markerVariable', partial: 'python_v', replaces: 'python_v' });
  check('django; python_version |', { kind: 'markerOperator', variable: 'python_version', replaces: '' });
  check('django; python_version < |', { kind: 'markerValue', variable: 'python_version', partial: '', quote: '', replaces: '' });
  check('django; sys_platform == "li|', { kind: 'markerValue', variable: 'sys_platform', partial: 'li', quote: '"', replaces: '"li' });
  check('django; os_name == "nt" |', { kind: 'markerJoin', replaces: '' });
});

test('nothing inside comments and URLs', () => {
  check('# req|', { kind: 'none' });
  check('requests # why|', { kind: 'none' });
  check('https://example.com/p|', { kind: 'none' });
  check('name @ https://x/|', { kind: 'none' });
});
