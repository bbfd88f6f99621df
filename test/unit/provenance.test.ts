// Provenance from pip-compile's and uv's annotations, on fixtures written in their exact formats.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '../../server/src/syntax/index.ts';
import { buildProvenance, formatChain } from '../../server/src/workspace/provenance.ts';
import { documentsFrom } from '../../server/src/workspace/includes.ts';
import { readAnnotations } from '../../server/src/workspace/annotations.ts';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/provenance');
const read = (p: string) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined);

function provenanceOf(style: string) {
  const file = path.join(FIXTURES, style, 'requirements.txt');
  return { prov: buildProvenance(file, parse(read(file)!), documentsFrom(read), read), folder: path.dirname(file) };
}

const chainsOf = (style: string, name: string) => {
  const { prov, folder } = provenanceOf(style);
  return prov.chains(name).map((c) => formatChain(c, folder));
};

test('split style: transitive chains, one per # via entry, down to the .in line (nested -r included)', () => {
  assert.deepEqual(chainsOf('split', 'asgiref'), ['asgiref 3.8.1 ← django 5.0.6 ← requirements.in:2']);
  assert.deepEqual(chainsOf('split', 'django'), ['django 5.0.6 ← requirements.in:2']);
  assert.deepEqual(chainsOf('split', 'celery'), ['celery 5.4.0 ← base.in:1']);
  // One chain for each `# via` entry, in the order written; each the shortest way up from that parent.
  assert.deepEqual(chainsOf('split', 'vine'), [
    'vine 5.1.0 ← amqp 5.2.0 ← kombu 5.3.7 ← celery 5.4.0 ← base.in:1',
    'vine 5.1.0 ← celery 5.4.0 ← base.in:1',
    'vine 5.1.0 ← kombu 5.3.7 ← celery 5.4.0 ← base.in:1',
  ]);
  assert.deepEqual(chainsOf('split', 'typing-extensions'), [
    'typing-extensions 4.12.0 ← asgiref 3.8.1 ← django 5.0.6 ← requirements.in:2',
    'typing-extensions 4.12.0 ← kombu 5.3.7 ← celery 5.4.0 ← base.in:1',
  ]);
});

test('a -c constraints source is a chain of its own, named as a constraint', () => {
  assert.deepEqual(chainsOf('split', 'urllib3'), ['urllib3 2.2.1 ← -c constraints.txt:2', 'urllib3 2.2.1 ← requests 2.32.3 ← requirements.in:4']);
});

test('a stale pin whose .in no longer lists it says so', () => {
  assert.deepEqual(chainsOf('split', 'oldpkg'), ['oldpkg 1.0 ← requirements.in (no longer listed there)']);
});

test('line style and uv output read the same', () => {
  assert.deepEqual(chainsOf('line', 'typing-extensions'), [
    'typing-extensions 4.12.0 ← asgiref 3.8.1 ← django 5.0.6 ← requirements.in:2',
    'typing-extensions 4.12.0 ← kombu 5.3.7 ← celery 5.4.0 ← base.in:1',
  ]);
  assert.deepEqual(chainsOf('uv', 'sqlparse'), ['sqlparse 0.5.0 ← django 5.0.6 ← requirements.in:2']);
  const uv = readAnnotations(parse(read(path.join(FIXTURES, 'uv', 'requirements.txt'))!));
  assert.equal(uv.tool, 'uv');
  assert.deepEqual(uv.sources, ['requirements.in']);
});

test('what a package pulls in, and where each name in a # via comment is', () => {
  const { prov } = provenanceOf('split');
  assert.deepEqual(
    prov.dependenciesOf('django').map((p) => p.name),
    ['asgiref', 'sqlparse'],
  );
  const te = prov.compiled.pins.get('typing-extensions')!;
  assert.deepEqual(
    te.via.map((v) => [v.kind, v.text, v.range.start.line, v.range.start.character]),
    [
      ['package', 'asgiref', 32, 8],
      ['package', 'kombu', 33, 8],
    ],
  );
  const line = readAnnotations(parse(read(path.join(FIXTURES, 'line', 'requirements.txt'))!)).pins.get('vine')!;
  assert.deepEqual(
    line.via.map((v) => `${v.text}@${v.range.start.character}`),
    ['amqp@32', 'celery@38', 'kombu@46'],
  );
});
