// Issue 29, finding 8, for text a compiled file writes: its `# via` sources go into the hover as text, never as a
// link, image or HTML of the file's choosing (a repository's requirements.txt is not ours).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { formatSource, type SourceLocation } from '../../server/src/workspace/provenance.ts';

// Rendered as editors render hovers (raw HTML allowed, autolinks on).
const MarkdownIt = createRequire(import.meta.url)('markdown-it') as new (options: object) => { render(text: string): string };
const html = (markdown: string) => new MarkdownIt({ html: true, linkify: true }).render(markdown);

const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
const at = (entry: unknown, more: Partial<SourceLocation> = {}): string => formatSource({ entry, exists: false, ...more } as SourceLocation, '/w', true);

test('a missing -r source written as an image or HTML stays text', () => {
  const shown = at({ kind: 'file', option: '-r', path: '![x](http://evil.example/pixel.png)<img src=x>', text: '', range });
  assert.doesNotMatch(html(shown), /<img|<a /);
  assert.match(shown, /not found/);
});

test('a URL source is a link only to a web page; javascript: and the like are text', () => {
  assert.equal(
    at({ kind: 'url', option: '-r', url: 'https://example.org/reqs.txt', text: '', range }),
    '-r [https://example.org/reqs.txt](https://example.org/reqs.txt)',
  );
  const script = at({ kind: 'url', option: '-r', url: 'javascript:alert(1)', text: '', range });
  assert.doesNotMatch(html(script), /<a /);
});

test('an unknown source cannot close its code span', () => {
  const shown = at({ kind: 'other', text: 'x` <img src=y> `' });
  assert.doesNotMatch(html(shown), /<img/);
});
