// Issue #29, finding 7: credentials are masked in every form pip accepts. pip (urllib) takes the user information
// up to the last `@` before the host, so a password may hold a raw `@`: `https://bob:p@ssS3CRET-B@host` was logged
// as `https://****@ssS3CRET-B@…`. And the hover and the outline of `pkg @ https://user:pw@host/…` showed them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact } from '../../server/src/index/credentials.ts';
import { createLanguageService } from '../../server/src/service/index.ts';
import { webTarget } from '../../server/src/service/links.ts';
import { workspaceOf } from '../../server/src/workspace/index.ts';

test('redact: the user information to the last @ before the path, in every form pip reads', () => {
  const cases: [string, string][] = [
    ['https://bob:p@ssS3CRET-B@host/simple', 'https://****@host/simple'],
    ['https://user:pw@host/simple', 'https://****@host/simple'],
    ['https://TOKEN@host/simple', 'https://****@host/simple'],
    ['https://:pw@host', 'https://****@host'],
    ['https://user:@host', 'https://****@host'],
    ['https://us%40er:p%40ss@host/', 'https://****@host/'],
    ['https://a@b:c@d@[::1]:8080/simple', 'https://****@[::1]:8080/simple'],
    ['HTTPS://U:P@HOST/', 'HTTPS://****@HOST/'],
    ['git+https://tok:x-oauth@github.com/o/r.git@v1#egg=r', 'git+https://****@github.com/o/r.git@v1#egg=r'],
    ['http://u:p?x@host/', 'http://****@host/'],
    // Two URLs, and an @ in a path, a query or the text after a URL: only the user information is masked.
    ['see https://u:p@h1/a@b and http://t@h2/?q=c@d then mail me@example.org', 'see https://****@h1/a@b and http://****@h2/?q=c@d then mail me@example.org'],
    ['https://host/simple', 'https://host/simple'],
  ];
  for (const [text, expected] of cases) assert.equal(redact(text), expected, text);
});

test('a link target carries no user information at all, to the last @ too', () => {
  assert.equal(webTarget('https://bob:p@ssS3CRET-B@host/simple'), 'https://host/simple');
  assert.equal(webTarget('git+https://tok@github.com/o/r'), 'git+https://github.com/o/r');
});

test('the hover and the outline of a URL requirement mask the credentials written in it', () => {
  const text = [
    'pkg @ https://bob:p@ssS3CRET-B@host/pkg-1.0-py3-none-any.whl',
    'git+https://tok:S3CRET-C@github.com/o/r.git',
    '--index-url https://u:S3CRET-D@h/simple',
  ].join('\n');
  const ctx = workspaceOf((p) => (p === '/p/r.txt' ? text : undefined)).contextOf('/p/r.txt')!;
  const service = createLanguageService({});
  const symbols = JSON.stringify(service.documentSymbols(ctx.document));
  assert.doesNotMatch(symbols, /S3CRET|bob:|tok:/);
  assert.match(symbols, /@ https:\/\/\*\*\*\*@host\/pkg-1\.0-py3-none-any\.whl/);
  assert.match(symbols, /"name":"git\+https:\/\/\*\*\*\*@github\.com\/o\/r\.git"/);
  text.split('\n').forEach((line, n) => {
    for (let character = 0; character <= line.length; character++) {
      const hover = JSON.stringify(service.hover(ctx, { line: n, character }));
      assert.doesNotMatch(hover, /S3CRET|bob:|tok:/, `hover at ${n}:${character}`);
    }
  });
  assert.match(JSON.stringify(service.hover(ctx, { line: 1, character: 3 })), /\*\*\*\*@github\.com/);
});
