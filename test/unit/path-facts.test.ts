// Path facts answer from memory and look paths up off the request path, on the real disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createPathFacts } from '../../server/src/workspace/pathFacts.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rls-path-facts-'));

test('a path not looked up yet is answered as existing (no false alarm) and looked up; then the answer is the disk', async () => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'setup.py'), '');
  const facts = createPathFacts();
  let notices = 0;
  facts.onDidChange(() => notices++);
  assert.equal(facts.exists(path.join(dir, 'missing')), true);
  assert.equal(facts.exists(path.join(dir, 'setup.py')), true);
  assert.ok(facts.reading(), 'the look-ups are on their way');
  await facts.reading();
  assert.equal(facts.reading(), undefined);
  assert.equal(facts.exists(path.join(dir, 'missing')), false);
  assert.equal(facts.exists(path.join(dir, 'setup.py')), true);
  await new Promise((r) => setImmediate(r));
  assert.equal(notices, 1, 'one notice: the missing path answered otherwise before');
});

test('a folder is listed off the request path; a change is seen after recheckMs, found in the background', async () => {
  const dir = tmp();
  fs.mkdirSync(path.join(dir, 'pkg'));
  fs.writeFileSync(path.join(dir, 'a.whl'), '');
  const facts = createPathFacts({ recheckMs: 300 });
  let notices = 0;
  facts.onDidChange(() => notices++);
  assert.deepEqual(facts.listDirectory(dir), []);
  await facts.reading();
  const names = (list: { name: string; directory: boolean }[]) => list.map((e) => `${e.name}${e.directory ? '/' : ''}`).sort();
  assert.deepEqual(names(facts.listDirectory(dir)), ['a.whl', 'pkg/']);
  assert.equal(facts.reading(), undefined, 'a fresh answer starts no look-up');
  fs.writeFileSync(path.join(dir, 'b.whl'), '');
  await new Promise((r) => setTimeout(r, 350));
  assert.deepEqual(names(facts.listDirectory(dir)), ['a.whl', 'pkg/'], 'the old answer meanwhile');
  assert.equal(facts.reading(), undefined, 'a re-check is not awaited by requests');
  for (let i = 0; i < 100 && names(facts.listDirectory(dir)).length < 3; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(names(facts.listDirectory(dir)), ['a.whl', 'b.whl', 'pkg/']);
  await new Promise((r) => setImmediate(r));
  assert.equal(notices, 0, 'listings serve completion: no diagnostics to redo');
  assert.deepEqual(facts.listDirectory(path.join(dir, 'nope')), []);
  await facts.reading();
  assert.deepEqual(facts.listDirectory(path.join(dir, 'nope')), [], 'a folder that cannot be listed has no entries');
});

test('a failing look-up answers what it answered meanwhile; past the bound the oldest facts are dropped, and asked again', async () => {
  let calls = 0;
  const facts = createPathFacts({
    maxEntries: 10,
    lookup: {
      // Stand-in for a disk whose look-ups fail (a permission error): no such disk can be made here as root.
      exists: async () => {
        calls++;
        throw new Error('EACCES');
      },
      listDirectory: async () => {
        throw new Error('EACCES');
      },
    },
  });
  for (let i = 0; i < 25; i++) assert.equal(facts.exists(`/x/${i}`), true);
  await facts.reading();
  assert.equal(calls, 25);
  assert.equal(facts.exists('/x/24'), true);
  assert.equal(calls, 25, 'a known fact is answered from memory');
  assert.equal(facts.exists('/x/0'), true);
  assert.equal(calls, 26, 'the oldest was dropped: asked again');
  assert.deepEqual(facts.listDirectory('/x'), []);
  await facts.reading();
});
