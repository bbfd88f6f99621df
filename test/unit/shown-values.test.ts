// `${NAME}` values that went into index URLs are shown as the name again (issue 29, finding 6).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rememberExpansion, unexpand } from '../../server/src/shared/shownValues.ts';

test('a value between literal pieces, at the end, and two in one URL are found and shown as written', () => {
  rememberExpansion('https://h/${TOKEN_A}/simple', 'https://h/AKIA-ONE/simple');
  rememberExpansion('https://${HOST_B}/x/${TOKEN_C}', 'https://mirror.corp/x/tok-three');
  assert.equal(unexpand('https://h/AKIA-ONE/pypi/requests/json cannot be reached'), 'https://h/${TOKEN_A}/pypi/requests/json cannot be reached');
  assert.equal(unexpand('mirror.corp answered tok-three'), '${HOST_B} answered ${TOKEN_C}');
});

test('short values and text that does not match what was written are left alone', () => {
  rememberExpansion('https://h/${V}/simple', 'https://h/1/simple');
  rememberExpansion('https://h/${W}/simple', 'https://other/zzzz/simple');
  assert.equal(unexpand('version 1 of https://other/zzzz/simple'), 'version 1 of https://other/zzzz/simple');
});
