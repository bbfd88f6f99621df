// ${NAME} in requirement lines: expanded before parsing as pip does, ranges on the text as written.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { losslessTokens, parse } from '../../server/src/syntax/index.ts';
import { createLanguageService } from '../../server/src/service/index.ts';
import { workspaceOf } from '../../server/src/workspace/index.ts';

const HASH = `--hash=sha256:${'a'.repeat(64)}`;
const ENV = { FOO_VERSION: '1.2', PKG_NAME: 'requests', V1: '1', V2: '22', HASH_OPT: HASH };

function check(text: string, env: Record<string, string> | undefined) {
  const doc = parse(text, { env });
  assert.equal(
    losslessTokens(doc)
      .map((t) => text.slice(t.start, t.end))
      .join(''),
    text,
    'lossless',
  );
  const service = createLanguageService({});
  return { doc, line: doc.lines[0], service, ctx: workspaceOf(() => undefined, env).contextWith('/p/requirements.txt', doc) };
}

test('set variables are expanded: the requirement, its nodes and their ranges on the ${NAME} as written', () => {
  const a = check('foo==${FOO_VERSION}', ENV);
  assert.equal(a.line.kind, 'requirement');
  assert.equal(a.line.requirement!.name!.text, 'foo');
  assert.equal(a.line.requirement!.specifier!.clauses[0].version!.text, '1.2');
  assert.deepEqual(JSON.parse(JSON.stringify(a.line.requirement!.specifier!.clauses[0].version!.range)), {
    start: { line: 0, character: 5 },
    end: { line: 0, character: 19 },
  });
  assert.deepEqual(a.doc.diagnostics, []);

  // A name a variable gives is read (the node's text) but neither looked up nor shown: `project` is not set, and
  // the outline names it as written (values are never shown: they may be secrets).
  const b = check('${PKG_NAME}>=1.0', ENV);
  assert.equal(b.line.requirement!.name!.text, 'requests');
  assert.equal(b.line.requirement!.name!.written, '${PKG_NAME}');
  assert.equal(b.line.project, undefined);
  assert.deepEqual(JSON.parse(JSON.stringify(b.line.requirement!.name!.range)), { start: { line: 0, character: 0 }, end: { line: 0, character: 11 } });
  assert.deepEqual(JSON.parse(JSON.stringify(b.line.requirement!.specifier!.range)), { start: { line: 0, character: 11 }, end: { line: 0, character: 16 } });
  assert.deepEqual(
    b.service.documentSymbols(b.doc).map((s) => s.name),
    ['${PKG_NAME}'],
  );

  const c = check('foo==${V1}.${V2}', ENV);
  assert.equal(c.line.requirement!.specifier!.clauses[0].version!.text, '1.22');

  const d = check('foo==1.0 ${HASH_OPT}', ENV);
  assert.deepEqual(
    d.line.requirement!.hashes.map((h) => h.text),
    [HASH.slice('--hash='.length)],
  );
  assert.deepEqual(d.doc.diagnostics, []);

  // Continuations, and a variable whose value holds a '#': pip strips comments before it expands.
  assert.equal(check('foo \\\n==${FOO_VERSION}', ENV).line.requirement!.specifier!.text, '==1.2');
  assert.deepEqual(
    check('${SPEC}', { SPEC: 'requests # note' }).doc.diagnostics.map((x) => x.code),
    ['invalid-requirement'],
  );
  // Hover on the name of an expanded line names it as written.
  const hover = JSON.stringify(b.service.hover(b.ctx, { line: 0, character: 3 }));
  assert.match(hover, /PKG\\\\_NAME/);
  assert.doesNotMatch(hover, /requests/);
});

test('unset variables: pip reads them as written; one warning says what that makes of the line, and the name is kept', () => {
  const a = check('foo==${FOO_VERSION}', {});
  assert.equal(a.line.requirement!.name!.text, 'foo');
  assert.deepEqual(
    a.service.documentSymbols(a.doc).map((s) => s.name),
    ['foo'],
  );
  assert.deepEqual(
    a.doc.diagnostics.map((x) => [x.code, x.severity]),
    [['unset-variable', 'warning']],
  );
  assert.match(
    a.doc.diagnostics[0].message,
    /\$\{FOO_VERSION\} is not set here, so pip would read it as written, and then: '\$\{FOO_VERSION\}' is not a valid version/,
  );
  assert.deepEqual(JSON.parse(JSON.stringify(a.doc.diagnostics[0].range)), { start: { line: 0, character: 5 }, end: { line: 0, character: 19 } });

  const b = check('${PKG_NAME}>=1.0', undefined);
  assert.deepEqual(
    b.doc.diagnostics.map((x) => [x.code, x.severity]),
    [['unset-variable', 'warning']],
  );
  assert.match(b.doc.diagnostics[0].message, /Expected a package name/);

  const d = check('foo==1.0 ${HASH_OPT}', {});
  assert.equal(d.line.requirement!.name!.text, 'foo');
  assert.match(d.doc.diagnostics[0].message, /\$\{HASH_OPT\} is not set here/);

  // A URL reads fine literally: a hint, not a warning.
  const e = check('git+https://${GITHUB_TOKEN}@github.com/a/b#egg=b', {});
  assert.deepEqual(
    e.doc.diagnostics.map((x) => [x.code, x.severity]),
    [['unset-variable', 'hint']],
  );
  // Only ${UPPER_CASE} is pip's: ${lower} is neither expanded nor unset.
  assert.deepEqual(
    check('foo==${lower}', { lower: '1' })
      .doc.diagnostics.map((x) => x.code)
      .sort(),
    ['invalid-version', 'unexpanded-variable'],
  );
});
