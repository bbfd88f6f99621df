// The parser, as documentation: input lines and what they are read as.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parse, losslessTokens, normalizeName, type ParsedDocument } from '../../server/src/syntax/index.ts';

/** Tokens of the first logical line as `kind:text`. */
function tokens(text: string): string[] {
  return parse(text).lines[0].tokens.map((t) => `${t.kind}:${t.text}`);
}

function codes(text: string): string[] {
  return parse(text).diagnostics.map((d) => d.code);
}

/** Ranges are compact objects with getters; compare their JSON (LSP wire) shape. */
const plain = (x: unknown) => JSON.parse(JSON.stringify(x));

function joined(doc: ParsedDocument): string {
  return losslessTokens(doc)
    .map((t) => doc.text.slice(t.start, t.end))
    .join('');
}

describe('PEP 508 requirements', () => {
  test('name, extras, specifiers, marker and comment, each with its token', () => {
    assert.deepEqual(tokens('requests[security, socks]>=2.8.1,==2.8.* ; python_version < "2.7"  # why'), [
      'name:requests',
      'extrasOpen:[',
      'extra:security',
      'comma:,',
      'extra:socks',
      'extrasClose:]',
      'operator:>=',
      'version:2.8.1',
      'comma:,',
      'operator:==',
      'version:2.8.*',
      'semicolon:;',
      'markerVariable:python_version',
      'markerOperator:<',
      'markerString:"2.7"',
      'comment:# why',
    ]);
  });

  test('the requirement node holds the parts with normalized names', () => {
    const r = parse('Zope.Interface[Test_Extra] (>=5.0, <6) ; extra == "x" and os_name != "nt"').lines[0].requirement!;
    assert.equal(r.name!.text, 'Zope.Interface');
    assert.equal(r.name!.normalized, 'zope-interface');
    assert.deepEqual(
      r.extras!.items.map((e) => e.normalized),
      ['test-extra'],
    );
    assert.equal(r.specifier!.parenthesized, true);
    assert.deepEqual(
      r.specifier!.clauses.map((c) => [c.operator.text, c.version!.text]),
      [
        ['>=', '5.0'],
        ['<', '6'],
      ],
    );
    const m = r.marker!.expression!;
    assert.equal(m.type, 'and');
  });

  test('ranges are LSP positions in UTF-16 code units', () => {
    const doc = parse('# 🐍 snake\nrequests==2.0 # ü\n');
    const r = doc.lines[1].requirement!;
    assert.deepEqual(plain(r.name!.range), { start: { line: 1, character: 0 }, end: { line: 1, character: 8 } });
    assert.deepEqual(plain(r.specifier!.clauses[0].version!.range), { start: { line: 1, character: 10 }, end: { line: 1, character: 13 } });
    const doc2 = parse('# é\n𝔘==1\n');
    // '𝔘' is not a valid name character: the error starts at column 0 and spans 2 UTF-16 units
    assert.deepEqual(plain(doc2.diagnostics[0].range.start), { line: 1, character: 0 });
  });

  test('every operator, whitespace between operator and version, v prefix, epochs and local versions', () => {
    for (const line of ['a===foo-bar', 'a == 1.0', 'a~=1.4.5', 'a!=1.*', 'a<=v1.0', 'a>1!2.0', 'a<2.0rc1', 'a==1.0+local.7', 'a>=1.0.post1.dev3']) {
      assert.deepEqual(codes(line), [], line);
    }
  });

  test('name @ url, with a marker after it', () => {
    const r = parse('pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee9982d4bbb3c72346a6de940a148ea686 ; python_version > "3"').lines[0]
      .requirement!;
    assert.equal(r.name!.text, 'pip');
    assert.equal(r.url!.kind, 'archive');
    assert.equal(r.url!.hash!.algorithm, 'sha1');
    assert.ok(r.marker);
  });
});

describe('half-typed input gives partial nodes and a message that says how to fix it', () => {
  const cases: [string, string, string][] = [
    ['requests=', 'invalid-operator', "'=' is not a version operator: use '==' (requests==)"],
    ['requests==', 'missing-version', "'requests==' needs a version after '=='"],
    ['requests[', 'unclosed-extras', "Missing ']' to close the extras of 'requests'"],
    ['django; python_version <', 'invalid-marker', `Incomplete marker: add a value after '<', e.g. "3.9"`],
    ['-r ', 'missing-option-value', "'-r' needs a file after it"],
    ['foo 1.0', 'invalid-requirement', "Unexpected '1.0' after 'foo': a version needs an operator, e.g. foo==1.0"],
    ['foo>=1.0.*', 'invalid-version', "a '.*' wildcard is only allowed with '==' and '!=' (not '>=')"],
    ['foo~=1', 'invalid-version', "'1' is not a valid version for '~='; write a PEP 440 version such as foo~=1.0"],
    ['foo==latest', 'invalid-version', "'latest' is not a valid version for '=='; write a PEP 440 version such as foo==1.0"],
    ['foo; python_versoin > "3"', 'unknown-marker-variable', `'python_versoin' is not a marker variable; did you mean 'python_version'?`],
    ['--pre=yes', 'option-takes-no-value', "'--pre' takes no value: remove '=yes'"],
    ['--frobnicate', 'unknown-option', "pip does not know the option '--frobnicate' in a requirements file"],
    ['--hash=md5:abc', 'invalid-hash', "pip accepts only sha256, sha384, sha512 for --hash, not 'md5'"],
  ];
  for (const [input, code, message] of cases) {
    test(input, () => {
      const doc = parse(input);
      assert.equal(doc.diagnostics[0]?.code, code, JSON.stringify(doc.diagnostics));
      assert.equal(doc.diagnostics[0].message, message);
    });
  }

  test('partial nodes are there for completion', () => {
    const r1 = parse('requests==').lines[0].requirement!;
    assert.equal(r1.specifier!.clauses[0].operator.text, '==');
    assert.equal(r1.specifier!.clauses[0].version, undefined);
    const r2 = parse('requests[secu').lines[0].requirement!;
    assert.equal(r2.extras!.closed, false);
    assert.deepEqual(
      r2.extras!.items.map((e) => e.text),
      ['secu'],
    );
    const r3 = parse('django; python_version <').lines[0].requirement!;
    const m = r3.marker!.expression!;
    assert.ok(m.type === 'compare' && m.left?.type === 'variable' && m.op?.text === '<' && m.right === undefined);
    const o = parse('-r ').lines[0].options[0];
    assert.equal(o.canonical, '--requirement');
    assert.equal(o.value, undefined);
  });
});

describe('comments, continuations, options', () => {
  test('# starts a comment only at the start or after whitespace', () => {
    assert.deepEqual(tokens('https://example.com/p-1.0.tar.gz#egg=p'), ['url:https://example.com/p-1.0.tar.gz#egg=p']);
    assert.deepEqual(tokens('foo==1.0 #comment'), ['name:foo', 'operator:==', 'version:1.0', 'comment:#comment']);
    assert.equal(parse('  # indented').lines[0].kind, 'comment');
    assert.equal(parse('   ').lines[0].kind, 'blank');
  });

  test('a backslash continues the line; ranges map to the physical lines', () => {
    const doc = parse('foo \\\n  >=1.0 \\\n  ; os_name == "nt"\nbar\n');
    assert.equal(doc.lines.length, 3); // the joined line, bar, and the empty last line
    const r = doc.lines[0].requirement!;
    assert.equal(doc.lines[0].firstLine, 0);
    assert.equal(doc.lines[0].lastLine, 2);
    assert.deepEqual(plain(r.specifier!.clauses[0].version!.range), { start: { line: 1, character: 4 }, end: { line: 1, character: 7 } });
    assert.deepEqual(plain(r.marker!.range.start), { line: 2, character: 3 });
    assert.equal(doc.lines[1].requirement!.name!.text, 'bar');
  });

  test('a comment line ends a continuation (pip does not join comment lines)', () => {
    const doc = parse('foo \\\n# note\nbar\n');
    assert.equal(doc.lines[0].requirement!.name!.text, 'foo');
    assert.equal(doc.lines[0].lastLine, 1);
    assert.equal(doc.lines[1].requirement!.name!.text, 'bar');
  });

  test('options in both forms, short and long, prefixes as optparse accepts them', () => {
    for (const [line, canonical, value] of [
      ['-r other.txt', '--requirement', 'other.txt'],
      ['-rother.txt', '--requirement', 'other.txt'],
      ['--requirement=other.txt', '--requirement', 'other.txt'],
      ['-c constraints.txt', '--constraint', 'constraints.txt'],
      ['-i https://x/simple', '--index-url', 'https://x/simple'],
      ['--extra-index-url https://y/simple', '--extra-index-url', 'https://y/simple'],
      ['--index https://x/simple', '--index-url', 'https://x/simple'],
      ['-f ./wheels', '--find-links', './wheels'],
      ['--only-binary :all:', '--only-binary', ':all:'],
      ['--no-binary=numpy,scipy', '--no-binary', 'numpy,scipy'],
      ['--trusted-host host:8080', '--trusted-host', 'host:8080'],
      ['--use-feature truststore', '--use-feature', 'truststore'],
    ] as const) {
      const o = parse(line).lines[0].options[0];
      assert.equal(o.canonical, canonical, line);
      assert.equal(o.value?.text, value, line);
      assert.deepEqual(codes(line), [], line);
    }
    for (const flag of ['--no-index', '--pre', '--prefer-binary', '--require-hashes']) assert.deepEqual(codes(flag), [], flag);
    assert.deepEqual(codes('--no'), ['ambiguous-option']);
  });

  test('per-requirement options; hashes attach to the requirement', () => {
    const h = 'a'.repeat(64);
    const doc = parse(`foo==1.0 --hash=sha256:${h} \\\n    --hash sha256:${'b'.repeat(64)} --config-settings key=value`);
    const line = doc.lines[0];
    assert.deepEqual(
      line.requirement!.hashes.map((x) => x.text),
      [`sha256:${h}`, `sha256:${'b'.repeat(64)}`],
    );
    assert.deepEqual(
      line.options.map((o) => o.canonical),
      ['--hash', '--hash', '--config-settings'],
    );
    assert.deepEqual(doc.diagnostics, []);
    assert.deepEqual(codes('foo -r other.txt'), ['ignored-option']);
  });

  test('editables, VCS URLs, archives, wheels and local paths', () => {
    const e = parse('-e git+https://github.com/pypa/pip@22.0#egg=pip[x]&subdirectory=src').lines[0].requirement!;
    assert.equal(e.editable, true);
    assert.equal(e.url!.kind, 'vcs');
    assert.equal(e.url!.vcs, 'git');
    assert.equal(e.url!.ref, '22.0');
    assert.equal(e.url!.subdirectory, 'src');
    assert.equal(e.name!.text, 'pip');
    assert.deepEqual(
      e.extras!.items.map((x) => x.text),
      ['x'],
    );
    const w = parse('https://files.example/packages/Flask_Login-0.6.3-py3-none-any.whl').lines[0].requirement!;
    assert.equal(w.name!.normalized, 'flask-login');
    const p = parse('./packages/mylib[extra1]').lines[0].requirement!;
    assert.equal(p.path!.text, './packages/mylib');
    assert.deepEqual(
      p.extras!.items.map((x) => x.text),
      ['extra1'],
    );
    assert.equal(parse('-e .').lines[0].requirement!.path!.text, '.');
    assert.deepEqual(codes('-e https://example.com/pkg.tar.gz'), ['invalid-editable']);
  });

  test('${VAR} references: pip form recorded, other forms warned about', () => {
    const doc = parse('--index-url https://${USER_NAME}:${TOKEN}@repo.example/simple\n');
    assert.deepEqual(
      doc.lines[0].variables.map((v) => v.name),
      ['USER_NAME', 'TOKEN'],
    );
    assert.deepEqual(codes('-r ${lower}/x.txt'), ['unexpanded-variable']);
  });

  test('names normalize as PEP 503 says', () => {
    assert.equal(normalizeName('Django'), 'django');
    assert.equal(normalizeName('zope.interface'), 'zope-interface');
    assert.equal(normalizeName('Foo__Bar-.baz'), 'foo-bar-baz');
  });
});

describe('lossless', () => {
  test('joining the tokens gives the input back, CRLF, BOM and continuations included', () => {
    for (const text of ['\ufeffrequests\r\nfoo \\\r\n ==1.0\r\n', 'a\rb\r\n\nc', '\\\\\n\\', 'x # y \\\nz', '', '\n\n', '\u0000\u0000']) {
      assert.equal(joined(parse(text)), text, JSON.stringify(text));
    }
  });
});

test('lineAt with a character: two of pip’s lines on one editor line (a form feed) are told apart', async () => {
  const { lineAt } = await import('../../server/src/syntax/query.ts');
  const doc = parse('a==1\fb==2\nc\n');
  assert.deepEqual(
    doc.lines.slice(0, 3).map((l) => [l.project, l.firstLine, l.range.start.character]),
    [
      ['a', 0, 0],
      ['b', 0, 5],
      ['c', 1, 0],
    ],
  );
  assert.equal(lineAt(doc, 0)?.project, 'a');
  assert.equal(lineAt(doc, 0, 3)?.project, 'a');
  assert.equal(lineAt(doc, 0, 5)?.project, 'b');
  assert.equal(lineAt(doc, 0, 8)?.project, 'b');
  assert.equal(lineAt(doc, 1, 0)?.project, 'c');
  // Features at a position use it: the hover over `b` is about b.
  const { createLanguageService } = await import('../../server/src/service/index.ts');
  const { workspaceOf } = await import('../../server/src/workspace/index.ts');
  const hover = createLanguageService({}).hover(workspaceOf(() => undefined).contextWith('/tmp/r.txt', doc), { line: 0, character: 6 });
  assert.match(JSON.stringify(hover), /\bb\b/);
  assert.doesNotMatch(JSON.stringify(hover?.contents), /\*\*a\*\*/);
});
