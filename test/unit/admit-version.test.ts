// "Admit the installed X" changes only the clauses that exclude X (issue 15: it used to drop `<3`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../server/src/syntax/index.ts';
import { admitVersion } from '../../server/src/service/admitVersion.ts';

const check = (line: string, installed: string) => admitVersion(parse(line).lines[0].requirement!.specifier!, installed);

test('only the excluding clause changes; spacing and the other bounds stay', () => {
  assert.equal(check('requests>=2.33,<3', '2.32.3'), '>=2.32.3,<3');
  assert.equal(check('requests >= 2.33, < 3', '2.32.3'), '>=2.32.3, < 3');
  assert.equal(check('requests>=2,<2.30', '2.32.3'), '>=2,<=2.32.3');
  assert.equal(check('requests==2.31.0', '2.32.3'), '==2.32.3');
  assert.equal(check('requests>=2,!=2.32.3,<3', '2.32.3'), '>=2,<3');
  assert.equal(check('requests!=2.32.3,>=2', '2.32.3'), '>=2');
  assert.equal(check('requests~=2.33', '2.32.3'), '>=2.32.3,<3');
  assert.equal(check('requests~=1.4', '2.0'), '>=1.4,<=2.0');
  assert.equal(check('requests>=2', '2.32.3'), undefined, 'already admitted');
  assert.equal(check('requests!=2.32.3', '2.32.3'), undefined, 'nothing would be left');
});
