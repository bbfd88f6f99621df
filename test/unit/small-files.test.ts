// pip's config files are read off the request path: a read answers from memory, a first read is under way
// in the background (and says so), a change on disk is found within the re-read interval and announced.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createSmallFiles } from '../../server/src/workspace/smallFiles.ts';

test('a first read answers undefined at once, then the content once it has landed; changes are announced', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-small-'));
  const conf = path.join(dir, 'pip.conf');
  fs.writeFileSync(conf, '[global]\nindex-url = http://127.0.0.1:1/simple\n');
  const files = createSmallFiles({ maxAgeMs: 50 });
  let changes = 0;
  files.onDidChange(() => changes++);
  assert.equal(files.read(conf), undefined, 'the disk is not read on the caller’s path');
  const reading = files.reading();
  assert.ok(reading, 'the first read is under way');
  await reading;
  assert.equal(files.reading(), undefined);
  // Announced once per turn of the event loop, with whatever else landed in it.
  await new Promise((r) => setImmediate(r));
  assert.match(files.read(conf)!, /127\.0\.0\.1:1/);
  assert.equal(changes, 1, 'the landing of a file that exists is a change');

  fs.writeFileSync(conf, '[global]\nindex-url = http://127.0.0.1:2/simple\n');
  await new Promise((r) => setTimeout(r, 80));
  assert.match(files.read(conf)!, /127\.0\.0\.1:1/, 'the old content until the background re-read lands');
  await new Promise((r) => setTimeout(r, 50));
  assert.match(files.read(conf)!, /127\.0\.0\.1:2/);
  await new Promise((r) => setImmediate(r));
  assert.equal(changes, 2);

  const missing = path.join(dir, 'none.conf');
  files.read(missing);
  await files.reading();
  assert.equal(files.read(missing), undefined);
  assert.equal(changes, 2, 'a missing file stays as it read: no change');
  fs.rmSync(dir, { recursive: true, force: true });
});
