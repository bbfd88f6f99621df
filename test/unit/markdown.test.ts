// Issue #29, finding 8: what the index says (a summary, a project URL, an advisory's summary and link) goes into the
// hover and completion Markdown as text. Rendered by a real CommonMark renderer (markdown-it, a dev
// dependency) with raw HTML allowed and GFM's autolinks on, as editors render hovers: no image, no HTML and no link
// of the index's choosing; a link only to an http(s) page the server chose to link.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createLanguageService } from '../../server/src/service/index.ts';
import type { LanguageServiceFacts } from '../../server/src/service/facts.ts';
import { escapeMarkdown, inlineCode, safeLink } from '../../server/src/service/markdown.ts';
import { workspaceOf } from '../../server/src/workspace/index.ts';
import { fakeIndex } from '../features/check.ts';

type Renderer = { render(markdown: string): string; linkify: { set(options: object): void } };
const MarkdownIt = createRequire(import.meta.url)('markdown-it') as new (options: object) => Renderer;
// GFM's autolinks, as VS Code's renderer makes them: URLs with a scheme, `www.` and e-mail addresses.
const markdownIt = new MarkdownIt({ html: true, linkify: true });
markdownIt.linkify.set({ fuzzyLink: false });

const EVIL =
  '![x](http://evil/x.png) [click](javascript:alert(1)) <img src=x onerror=alert(1)> `code` **bold** &lt;b&gt; ' +
  'see http://evil.example/a www.evil.example me@evil.example\n# heading\n```\nfence';

/** What the Markdown renders to that acts: images, HTML elements other than the renderer's own, link targets. */
function active(markdown: string): { images: number; html: string[]; links: string[] } {
  const html = markdownIt.render(markdown);
  const links = [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);
  const own = new Set(['p', '/p', 'a', '/a', 'strong', '/strong', 'em', '/em', 'code', '/code', 'ul', '/ul', 'li', '/li', 'hr', 'br']);
  const elements = [...html.matchAll(/<(\/?[a-z0-9]+)/gi)].map((m) => m[1].toLowerCase()).filter((t) => !own.has(t));
  return { images: (html.match(/<img/g) ?? []).length, html: elements, links };
}

function assertInert(markdown: string, allowedLinks: string[] = []): void {
  const found = active(markdown);
  assert.equal(found.images, 0, `an image in ${markdown}`);
  assert.deepEqual(found.html, [], `HTML in ${markdown}`);
  for (const link of found.links) assert.ok(allowedLinks.includes(link) || /^https?:\/\/(pypi\.org|osv\.dev)\//.test(link), `a link to ${link} in ${markdown}`);
  assert.doesNotMatch(markdownIt.render(markdown), /javascript:alert\(1\)"|href="javascript/);
}

test('escapeMarkdown, inlineCode and safeLink render the text as itself', () => {
  assertInert(escapeMarkdown(EVIL));
  assert.equal(markdownIt.render(escapeMarkdown('a *b* [c](d)')).trim(), '<p>a *b* [c](d)</p>');
  assertInert(inlineCode('x` ![i](http://evil/i.png) `y'));
  assert.equal(safeLink('javascript:alert(1)'), 'javascript:alert(1)');
  assert.equal(safeLink('data:text/html,<b>x</b>'), 'data:text/html,\\<b>x\\</b>');
  assertInert(safeLink('data:text/html,<b>x</b>'));
  assertInert(safeLink('https://pypi.org/project/x/)](javascript:alert(1)'));
  assert.deepEqual(active(safeLink('https://u:pw@pypi.org/project/x/')).links, ['https://pypi.org/project/x/']);
});

const index = fakeIndex({ requests: { versions: ['2.31.0', '2.30.0'], summary: EVIL, projectUrl: 'javascript:alert(1)', latest: '2.31.0 <img src=x>' } });
const facts: LanguageServiceFacts = {
  index: () => index,
  vulnerabilities: () => ({
    advisories: () => [
      { id: 'PYSEC-1 <img src=x>', aliases: ['CVE-[x](javascript:alert(1))'], summary: EVIL, fixedIn: ['2.31.0'], link: 'javascript:alert(1)' },
      { id: 'PYSEC-2', aliases: [], summary: 'fine', fixedIn: ['2.31.0'], link: 'https://osv.dev/vulnerability/PYSEC-2' },
    ],
  }),
};

test('the hover of a requirement: the index summary, latest version, project URL and advisories are text', () => {
  const text = 'requests==2.30.0\n';
  const ctx = workspaceOf((p) => (p === '/p/r.txt' ? text : undefined)).contextOf('/p/r.txt')!;
  const hover = createLanguageService(facts).hover(ctx, { line: 0, character: 2 });
  const value = (hover?.contents as { value: string }).value;
  assert.match(value, /known vulnerabilities/, 'the advisories are in the hover');
  assertInert(value);
  assert.deepEqual(active(value).links, ['https://osv.dev/vulnerability/PYSEC-2'], 'the one http(s) advisory link stays a link');
  // The text is still there, to be read.
  assert.match(markdownIt.render(value), /\[click\]\(javascript:alert\(1\)\)/);
  // The diagnostic's link (clicked in the editor) is an http(s) page only.
  const vulnerable = createLanguageService(facts)
    .diagnostics(ctx)
    .find((d) => d.code === 'vulnerable');
  assert.equal(vulnerable?.codeDescription?.href, 'https://osv.dev/vulnerability/PYSEC-2');
});

test('completion resolve: the summary, latest version and project URL are text', () => {
  const ctx = workspaceOf((p) => (p === '/p/r.txt' ? 'req\n' : undefined)).contextOf('/p/r.txt')!;
  const item = createLanguageService(facts).resolveCompletion({ label: 'requests', data: { kind: 'name', name: 'requests' } }, ctx);
  const value = (item.documentation as { value: string }).value;
  assert.match(value, /img/, 'the summary is shown');
  assertInert(value);
  assert.deepEqual(active(value).links, []);
});
