// Fuzzing the parser: it never throws, every range lies inside the document, and the tokens give the input back.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, losslessTokens, type ParsedDocument, type Range } from '../../server/src/syntax/index.ts';
import { computeLineStarts, lineContentEnd } from '../../server/src/syntax/lines.ts';
import { workspaceOf } from '../../server/src/workspace/index.ts';
import { createLanguageService } from '../../server/src/service/index.ts';
import { evaluateMarker } from '../../server/src/environment/markers.ts';

/** A small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'requests',
  'Django',
  'zope.interface',
  'a_b-c',
  '[',
  ']',
  ',',
  'security',
  '(',
  ')',
  '==',
  '>=',
  '<',
  '~=',
  '!=',
  '===',
  '=',
  '1.0',
  '2.*',
  '1!2.0rc1',
  '+local',
  ';',
  ' python_version',
  ' <',
  ' "3.8"',
  "'nt'",
  ' and',
  ' or',
  ' not in',
  ' extra',
  '@',
  ' https://x.example/p-1.0-py3-none-any.whl',
  'git+https://g/x@v1#egg=x',
  ' -r',
  ' -c',
  ' -e',
  ' --hash=sha256:',
  'ab'.repeat(32),
  ' --index-url',
  ' --pre',
  ' --bogus',
  ' ./path',
  ' ${VAR}',
  ' #',
  ' # comment',
  '\\\n',
  '\\',
  '\n',
  '\r\n',
  '\r',
  ' ',
  '\t',
  '"',
  "'",
  '\u0000',
  '\ufeff',
  '🐍',
  'é',
  '\u2028',
];

function check(doc: ParsedDocument, label: string): void {
  const text = doc.text;
  const starts = computeLineStarts(text);
  const inside = (r: Range) => {
    for (const p of [r.start, r.end]) {
      assert.ok(p.line >= 0 && p.line < starts.length, `${label}: line ${p.line} outside document`);
      const max = lineContentEnd(text, starts, p.line) - starts[p.line];
      assert.ok(p.character >= 0 && p.character <= max, `${label}: character ${p.character} outside line ${p.line} (length ${max})`);
    }
    assert.ok(r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character), `${label}: inverted range`);
  };
  let last = 0;
  for (const line of doc.lines) {
    inside(line.range);
    for (const t of line.tokens) {
      inside(t.range);
      assert.ok(t.start >= last, `${label}: tokens overlap or are out of order at ${t.start}`);
      assert.ok(t.end >= t.start && t.end <= text.length, `${label}: token offsets`);
      last = t.end;
    }
    for (const d of line.diagnostics) inside(d.range);
  }
  const back = losslessTokens(doc)
    .map((t) => text.slice(t.start, t.end))
    .join('');
  assert.equal(back, text, `${label}: not lossless`);
}

test('random lines built from the grammar pieces', () => {
  const random = rng(1234);
  for (let i = 0; i < 3000; i++) {
    const n = 1 + Math.floor(random() * 12);
    let text = '';
    for (let j = 0; j < n; j++) text += PIECES[Math.floor(random() * PIECES.length)];
    check(parse(text), `case ${i}: ${JSON.stringify(text)}`);
  }
});

test('random characters, including surrogate halves and control characters', () => {
  const random = rng(99);
  for (let i = 0; i < 500; i++) {
    const len = Math.floor(random() * 200);
    const codes = Array.from({ length: len }, () => (random() < 0.5 ? Math.floor(random() * 128) : Math.floor(random() * 0xffff)));
    const text = String.fromCharCode(...codes);
    check(parse(text), `random ${i}`);
  }
});

test('a 1 MB line, 200,000 lines, CRLF, a BOM and NUL bytes', () => {
  check(parse('a' + '=='.repeat(500_000)), '1 MB line');
  check(parse('requests[' + 'x,'.repeat(500_000)), '1 MB extras');
  const many = Array.from({ length: 200_000 }, (_, i) => (i % 3 === 0 ? `pkg${i}==1.${i}` : i % 3 === 1 ? `# c ${i}` : `-r f${i}.txt`)).join('\r\n');
  const doc = parse('\ufeff' + many);
  assert.equal(doc.lines.length, 200_000);
  check(doc, '200k lines');
  check(parse('\u0000requests\u0000==1.0\u0000'), 'NUL bytes');
});

test('deep nesting of parentheses, brackets and quotes never throws, in the parser or in any feature', () => {
  const service = createLanguageService({});
  const workspace = workspaceOf(() => undefined, {});
  const env = { python_version: '3.12', python_full_version: '3.12.1', sys_platform: 'linux', os_name: 'posix', platform_system: 'Linux' };
  const random = rng(7);
  const shapes = [
    (n: number) => `foo; ${'('.repeat(n)}python_version >= "3"${')'.repeat(n)}`,
    (n: number) => `foo; ${'('.repeat(n)}`,
    (n: number) => `foo; ${')'.repeat(n)}`,
    (n: number) => `foo; ${Array.from({ length: n }, () => 'python_version >= "3"').join(' and ')}`,
    (n: number) => `foo; ${Array.from({ length: n }, (_, i) => (i % 2 ? 'os_name == "nt"' : '(sys_platform == "x" or')).join(' and ')}`,
    (n: number) => `foo${'['.repeat(n)}x${']'.repeat(n)}`,
    (n: number) => `foo${'('.repeat(n)}>=1${')'.repeat(n)}`,
    (n: number) => `foo; python_version == ${'"'.repeat(n)}`,
    (n: number) => `foo; python_version == "${'\\'.repeat(n)}"`,
    (n: number) => `-e "git+https://g/x#egg=x;${'('.repeat(n)}"`,
    (n: number) => `git+https://g/x#egg=x[${'['.repeat(n)}`,
    (n: number) => `--hash=${"'".repeat(n)}`,
  ];
  for (const n of [1, 489, 490, 491, 5000, 100_000]) {
    for (const [k, shape] of shapes.entries()) {
      const text = shape(n);
      const label = `shape ${k}, depth ${n}`;
      const doc = parse(text);
      check(doc, label);
      const ctx = workspace.contextWith('/x/requirements.txt', doc);
      service.diagnostics(ctx);
      service.documentSymbols(doc);
      service.semanticTokens(doc);
      service.foldingRanges(doc);
      for (let i = 0; i < 5; i++) {
        const position = { line: 0, character: Math.floor(random() * (text.length + 1)) };
        service.hover(ctx, position);
        service.complete(ctx, position);
      }
      const marker = doc.lines[0].requirement?.marker?.expression;
      if (marker) evaluateMarker(marker, env, []);
    }
  }
  // Past pip's own depth the marker is given up on with one diagnostic, not one a level.
  const deep = parse(shapes[0](5000)).diagnostics;
  assert.deepEqual(
    deep.map((d) => d.code),
    ['marker-too-deep'],
  );
  assert.deepEqual(parse(shapes[0](490)).diagnostics, []);
});

test('a file with thousands of problems: the first 1,000 diagnostics and one that counts the rest', () => {
  const service = createLanguageService({});
  const workspace = workspaceOf(() => undefined, {});
  const doc = parse(Array.from({ length: 3000 }, (_, i) => (i % 2 ? `pkg${i}==` : `pkg${i} >= 1.0 ; python_version >`)).join('\n'));
  const out = service.diagnostics(workspace.contextWith('/x/requirements.txt', doc));
  assert.equal(out.length, 1001);
  const last = out[1000];
  assert.equal(last.code, 'more-diagnostics');
  assert.equal(last.severity, 1);
  assert.equal(last.message, '2,000 more problems in this file are not shown (only the first 1,000 are).');
  assert.equal(last.range.start.line, 1000);
});
