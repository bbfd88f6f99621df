// The file-kind seam (issue 25): each kind told by name, each read by its own reader into requirement lines whose
// ranges lie inside the strings (or comment lines) they are written in; nothing else of the file becomes a line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kindOf, readDocument } from '../../server/src/syntax/kinds.ts';
import { scanToml } from '../../server/src/syntax/toml.ts';
import type { ParsedDocument, Range } from '../../server/src/syntax/types.ts';

const slice = (doc: ParsedDocument, r: Range) => {
  const lines = doc.text.split('\n');
  return r.start.line === r.end.line ? lines[r.start.line].slice(r.start.character, r.end.character) : undefined;
};

test('kinds by file name', () => {
  const kinds = [
    'pyproject.toml',
    '/a/PyProject.toml',
    'pylock.toml',
    'pylock.dev.toml',
    'tool.py',
    'requirements.txt',
    'dev.in',
    'other.toml',
    'pylock.a.b.toml',
  ].map(kindOf);
  assert.deepEqual(kinds, ['pyproject', 'pyproject', 'pylock', 'pylock', 'script', 'requirements', 'requirements', 'pyproject', 'pyproject']);
});

test('pyproject.toml: every dependency array, each string a line whose nodes are inside it; nothing else', () => {
  const text = [
    '[build-system]',
    'requires = ["setuptools>=61", \'wheel\']',
    '[project]',
    'name = "x=1"',
    'dependencies = [',
    '  "requests[socks]>=2.31 ; python_version >= \'3.8\'",',
    ']',
    'optional-dependencies.docs = ["sphinx==7.*"]',
    '[dependency-groups]',
    'dev = ["pytest", {include-group = "lint"}]',
    'lint = ["ruff"]',
    '[tool.uv]',
    'override-dependencies = ["idna<4"]',
    '[tool.other]',
    'dependencies = ["not=ours"]',
  ].join('\n');
  const doc = readDocument('pyproject', text);
  assert.equal(doc.kind, 'pyproject');
  assert.deepEqual(
    doc.lines.map((l) => [l.project, l.host?.table, l.host?.installed, slice(doc, l.range)]),
    [
      ['setuptools', 'build-system.requires', false, 'setuptools>=61'],
      ['wheel', 'build-system.requires', false, 'wheel'],
      ['requests', 'project.dependencies', true, "requests[socks]>=2.31 ; python_version >= '3.8'"],
      ['sphinx', 'project.optional-dependencies.docs', false, 'sphinx==7.*'],
      ['pytest', 'dependency-groups.dev', false, 'pytest'],
      ['ruff', 'dependency-groups.lint', false, 'ruff'],
      ['idna', 'tool.uv.override-dependencies', false, 'idna<4'],
    ],
  );
  const r = doc.lines[2].requirement!;
  assert.equal(slice(doc, r.name!.range), 'requests');
  assert.equal(slice(doc, r.extras!.items[0].range), 'socks');
  assert.equal(slice(doc, r.specifier!.range), '>=2.31');
  assert.equal(slice(doc, r.marker!.range)?.trim(), "python_version >= '3.8'");
  assert.deepEqual(doc.diagnostics, []);
});

test('pyproject.toml: escapes stand for their text, a half-typed string reads to the end of its line, pip-only forms are errors', () => {
  const text = 'dependencies = [\n  "requests\\u003e=2",\n  "flask==\n]\n[project]\ndependencies = ["-r other.txt", "./pkg", "", "attrs # why"]\n';
  const doc = readDocument('pyproject', text);
  const escaped = doc.lines.find((l) => l.project === 'requests');
  assert.equal(escaped, undefined, 'a top-level dependencies key is not [project]');
  const project = doc.lines.filter((l) => l.host?.table === 'project.dependencies');
  assert.deepEqual(
    doc.diagnostics.map((d) => [d.code, slice(doc, d.range)]),
    [
      ['requirements-file-only', '-r other.txt'],
      ['requirements-file-only', './pkg'],
      ['requirements-file-only', ''],
      ['requirements-file-only', '# why'],
    ],
  );
  assert.equal(project.length, 4);
  const inProject = readDocument('pyproject', '[project]\ndependencies = [\n  "requests\\u003e=2",\n  "flask==\n]\n');
  const [req, flask] = inProject.lines;
  assert.equal(req.text, 'requests>=2');
  assert.equal(req.written, 'requests\\u003e=2');
  assert.equal(slice(inProject, req.requirement!.name!.range), 'requests');
  assert.equal(slice(inProject, req.requirement!.specifier!.range), '\\u003e=2');
  assert.equal(flask.text, 'flask==');
  assert.equal(slice(inProject, flask.range), 'flask==');
});

test('[dependency-groups]: an include of a missing group, and a cycle, are errors on the include', () => {
  const doc = readDocument(
    'pyproject',
    '[dependency-groups]\na = [{include-group = "b"}, {include-group = "nope"}]\nb = [{include-group = "A"}]\nc = [{ include-group = "b" }]\n',
  );
  assert.deepEqual(
    doc.diagnostics.map((d) => [d.code, d.range.start.line, slice(doc, d.range)]),
    [
      ['group-cycle', 1, '"b"'],
      ['unknown-group', 1, '"nope"'],
      ['group-cycle', 2, '"A"'],
    ],
  );
});

test('a script: its PEP 723 block only, ranges on the comment lines; no block, or an unclosed one, is nothing', () => {
  const text = '# /// script\n# requires-python = ">=3.11"\n# dependencies = [\n#   "rich=13",\n#\n#   \'httpx\',\n# ]\n# ///\nx = ["requests=1"]\n';
  const doc = readDocument('script', text);
  assert.deepEqual(
    doc.lines.map((l) => [l.project, l.range.start.line, slice(doc, l.range)]),
    [
      ['rich', 3, 'rich=13'],
      ['httpx', 5, 'httpx'],
    ],
  );
  assert.deepEqual(
    doc.diagnostics.map((d) => [d.code, slice(doc, d.range)]),
    [['invalid-operator', '=']],
  );
  assert.deepEqual(readDocument('script', 'x = ["requests=1"]\n# dependencies = ["a=1"]\n').lines, []);
  assert.deepEqual(readDocument('script', '# /// script\n# dependencies = ["a=1"]\nimport os\n').lines, []);
});

test('pylock.toml: each [[packages]] entry is name==version over its two strings', () => {
  const text = `lock-version = "1.0"\n[[packages]]\nname = "requests"\nversion = "2.30.0"\n[[packages.wheels]]\nname = "requests-2.30.0-py3-none-any.whl"\nhashes = { sha512 = "${'0'.repeat(128)}" }\n[[packages]]\nname = "idna"\n`;
  const doc = readDocument('pylock', text);
  assert.deepEqual(
    doc.lines.map((l) => [
      l.project,
      l.text,
      slice(doc, l.requirement!.name!.range),
      l.requirement!.specifier && slice(doc, l.requirement!.specifier.clauses[0].version!.range),
    ]),
    [
      ['requests', 'requests==2.30.0', 'requests', '2.30.0'],
      ['idna', 'idna', 'idna', undefined],
    ],
  );
  assert.deepEqual(doc.diagnostics, []);
  assert.deepEqual(
    readDocument('pylock', 'lock-version = "2.0"\n').diagnostics.map((d) => d.code),
    ['invalid-lock'],
  );
});

test('scanToml numbers the elements of an array of tables, and nests sub-tables under the last one', () => {
  const scan = scanToml('[[p]]\nname = "a"\n[[p.w]]\nname = "a.whl"\n[[p]]\nname = "b"\n[p.x]\nk = "v"\n');
  assert.deepEqual([...scan.strings.keys()], ['p.0.name', 'p.0.w.0.name', 'p.1.name', 'p.1.x.k']);
});

test('completion context: inside a requirement string only, no pip options, and a marker string in the other quote', async () => {
  const { completionContext } = await import('../../server/src/service/completionContext.ts');
  const text = '[project]\nname = "demo"\ndependencies = ["flask==", "-", "a; sys_platform == ", \'b; os_name == \']\n';
  const doc = readDocument('pyproject', text);
  const col = (needle: string, offset = needle.length) => ({ line: 2, character: text.split('\n')[2].indexOf(needle) + offset });
  assert.equal(completionContext(doc, col('flask==')).kind, 'version');
  assert.equal(completionContext(doc, col('"-"', 2)).kind, 'none');
  assert.equal(completionContext(doc, { line: 1, character: 3 }).kind, 'none');
  assert.equal(completionContext(doc, col('dependencies', 4)).kind, 'none');
  const dq = completionContext(doc, col('sys_platform == '));
  assert.equal(dq.kind === 'markerValue' && dq.preferQuote, "'");
  const sq = completionContext(doc, col('os_name == '));
  assert.equal(sq.kind === 'markerValue' && sq.preferQuote, '"');
});

test("a script's requires-python is read as a version specifier, its problems on the string", () => {
  const problems = (v: string) => {
    const doc = readDocument('script', `# /// script\n# requires-python = "${v}"\n# ///\n`);
    return doc.diagnostics.map((d) => [d.code, slice(doc, d.range)]);
  };
  assert.deepEqual(problems('>=3.11'), []);
  assert.deepEqual(problems('=3.11'), [['invalid-operator', '=']]);
  assert.deepEqual(problems('>=3.11.*'), [['invalid-version', '3.11.*']]);
  assert.deepEqual(readDocument('script', `# /// script\n# requires-python = "=3.11"\n# ///\n`).lines, []);
});

test('pylock.toml is checked against PEP 751: files need hashes of the right length; markers and requires-python are read', () => {
  const text = [
    'lock-version = "1.0"',
    '[[packages]]',
    'name = "requests"',
    'version = "2.30.0"',
    'marker = "python_versio >= \'3.8\'"',
    'requires-python = ">=3.8"',
    'wheels = [{ name = "requests-2.30.0-py3-none-any.whl", hashes = { sha256 = "abc" } }]',
    'sdist = { name = "requests-2.30.0.tar.gz", url = "https://example.org/r.tar.gz" }',
    '[[packages]]',
    'name = "idna"',
    '[[packages.wheels]]',
    'name = "idna-3.4-py3-none-any.whl"',
    `hashes = { sha256 = "${'a'.repeat(64)}" }`,
  ].join('\n');
  const doc = readDocument('pylock', text);
  assert.deepEqual(
    doc.diagnostics.map((d) => [d.code, d.range.start.line, slice(doc, d.range)]),
    [
      ['unknown-marker-variable', 4, 'python_versio'],
      ['invalid-lock', 6, '"abc"'],
      ['invalid-lock', 7, '"requests-2.30.0.tar.gz"'],
    ],
  );
});

test('with no environment, a clean pyproject.toml gets no diagnostic (the status says it, as for requirements files: issue 27)', async () => {
  const { createLanguageService } = await import('../../server/src/service/index.ts');
  const { createContextProvider } = await import('../../server/src/workspace/context.ts');
  const { createWorkspaceStore } = await import('../../server/src/workspace/store.ts');
  const store = createWorkspaceStore({ disk: { sync: true, read: async () => undefined, readNow: () => undefined } as never });
  const contexts = createContextProvider(store);
  const service = createLanguageService({ environment: () => null });
  const text = '[project]\nname = "demo"\ndependencies = [\n  "attrs",\n]\n[project.optional-dependencies]\nx = ["six"]\n';
  store.setOpen('/w/pyproject.toml', 1, text);
  const ds = service.diagnostics(contexts.contextOf('/w/pyproject.toml')!);
  assert.deepEqual(ds, []);
  store.setOpen('/w/extra/pyproject.toml', 1, '[project.optional-dependencies]\nx = ["six"]\n');
  assert.deepEqual(service.diagnostics(contexts.contextOf('/w/extra/pyproject.toml')!), []);
});

test('the readers never throw, and every line they give lies inside the text, whatever is cut or pasted (seeded mutations)', () => {
  const samples: [Parameters<typeof readDocument>[0], string][] = [
    [
      'pyproject',
      '[project]\ndependencies = [\n  "requests[socks]>=2 ; python_version < \'3.9\'",\n  """flask\n>=3""",\n  \'a @ https://x/y.whl\',\n]\n[dependency-groups]\nd = ["b\\u0041", {include-group = "d"}]\n',
    ],
    ['script', '# /// script\n# requires-python = ">=3.8"\n# dependencies = ["rich=13", \'x\']\n# ///\nprint(1)\n'],
    ['pylock', 'lock-version = "1.0"\n[[packages]]\nname = "a"\nversion = "1"\nwheels = [{ name = "a-1-py3-none-any.whl", hashes = { sha256 = "00" } }]\n'],
  ];
  let seed = 25;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const pieces = ['"', "'", '"""', '[', ']', '{', '}', '=', ',', '\n', '\\', '\\u', '#', ' ', ';', '[[packages]]', '# ///', '\r\n', '\u2028', '\t'];
  for (const [kind, base] of samples) {
    for (let k = 0; k < 400; k++) {
      let text = base;
      for (let m = 0; m < 3; m++) {
        const at = random(text.length + 1);
        text = random(2) ? text.slice(0, at) + pieces[random(pieces.length)] + text.slice(at) : text.slice(0, at) + text.slice(at + random(6));
      }
      const doc = readDocument(kind, text);
      for (const line of doc.lines) {
        assert.ok(line.start >= 0 && line.end <= text.length && line.start <= line.end, JSON.stringify(text));
        void line.requirement?.name;
      }
    }
  }
});

test('lineAt finds a requirement written in a string only from inside the string', async () => {
  const { lineAt } = await import('../../server/src/syntax/query.ts');
  const doc = readDocument('pyproject', '[build-system]\nrequires = ["setuptools>=61", "wheel"]\n');
  assert.equal(lineAt(doc, 1, 2), undefined, 'on the key');
  assert.equal(lineAt(doc, 1, 14)?.project, 'setuptools');
  assert.equal(lineAt(doc, 1, 28), undefined, 'between the strings');
  assert.equal(lineAt(doc, 1, 33)?.project, 'wheel');
  assert.equal(lineAt(doc, 1)?.project, 'setuptools', 'without a character: the first on the line, as before');
});
