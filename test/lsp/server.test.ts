// End-to-end: the built server over stdio, driven as an editor drives it.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TestClient, type Diag } from './client.ts';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'rls-lsp-'));
}

const codes = (d: Diag[]) => d.map((x) => x.code).sort();

describe('push diagnostics client', () => {
  let client: TestClient;
  let init: any;
  let dir: string;
  before(async () => {
    dir = tempDir();
    ({ client, initializeResult: init } = await TestClient.start({ rootUri: pathToFileURL(dir).toString() }));
  });
  after(async () => {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('initialize announces the features and incremental sync, and no pull diagnostics', () => {
    const caps = init.capabilities;
    assert.equal(caps.textDocumentSync.change, 2);
    assert.equal(caps.documentSymbolProvider, true);
    assert.equal(caps.hoverProvider, true);
    assert.ok(caps.semanticTokensProvider.legend.tokenTypes.includes('namespace'));
    assert.equal(caps.diagnosticProvider, undefined);
    assert.equal(init.serverInfo.name, 'requirements-language-server');
  });

  test('a broken line gets a precise diagnostic with a stable code; the other lines still parse', async () => {
    const uri = client.open(path.join(dir, 'requirements.txt'), 'requests==2.31.0\nfoo==\ndjango>=4\n');
    const diags = await client.waitForDiagnostics(uri, (d) => d.length > 0);
    assert.equal(diags.length, 1);
    assert.equal(diags[0].code, 'missing-version');
    assert.equal(diags[0].message, "'foo==' needs a version after '=='");
    assert.deepEqual(diags[0].range, { start: { line: 1, character: 3 }, end: { line: 1, character: 5 } });
    const symbols = await client.request('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(
      symbols.map((s: any) => [s.name, s.detail, s.kind]),
      [
        ['requests', '==2.31.0', 4],
        ['foo', '==', 4],
        ['django', '>=4', 4],
      ],
    );
  });

  test('an incremental edit republishes diagnostics', async () => {
    const uri = client.open(path.join(dir, 'edit.txt'), 'requests==\n');
    await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'missing-version'));
    client.change(uri, [{ range: { start: { line: 0, character: 10 }, end: { line: 0, character: 10 } }, text: '2.0' }]);
    const after = await client.waitForDiagnostics(uri, (d) => d.length === 0);
    assert.deepEqual(after, []);
  });

  test('-r targets: missing file, cycle, duplicates across an include', async () => {
    fs.writeFileSync(path.join(dir, 'base.txt'), 'Django==5.0\nrequests>=2\n');
    fs.writeFileSync(path.join(dir, 'a.txt'), '-r b.txt\n');
    fs.writeFileSync(path.join(dir, 'b.txt'), '-r a.txt\n');
    const text = '-r base.txt\n-r missing.txt\n-r a.txt\ndjango<6\nflask\nFlask>=2\n';
    const uri = client.open(path.join(dir, 'dev.txt'), text);
    const diags = await client.waitForDiagnostics(uri, (d) => d.length >= 4);
    assert.deepEqual(codes(diags), ['duplicate-requirement', 'duplicate-requirement', 'include-cycle', 'include-not-found']);
    const missing = diags.find((d) => d.code === 'include-not-found')!;
    assert.equal(missing.range.start.line, 1);
    assert.match(missing.message, /missing\.txt/);
    const cycle = diags.find((d) => d.code === 'include-cycle')!;
    assert.match(cycle.message, /dev\.txt → a\.txt → b\.txt → a\.txt/);
    const across = diags.find((d) => d.code === 'duplicate-requirement' && d.range.start.line === 3)!;
    assert.match(across.message, /base\.txt/);
    assert.ok(across.relatedInformation![0].location.uri.endsWith('/base.txt'));
    const within = diags.find((d) => d.code === 'duplicate-requirement' && d.range.start.line === 5)!;
    assert.match(within.message, /line 5/);
  });

  test('changing an open included file re-diagnoses the file that includes it', async () => {
    const inc = path.join(dir, 'inc.txt');
    fs.writeFileSync(inc, 'numpy\n');
    const rootUri = client.open(path.join(dir, 'root.txt'), '-r inc.txt\nnumpy==1.26\n');
    await client.waitForDiagnostics(rootUri, (d) => d.some((x) => x.code === 'duplicate-requirement'));
    const incUri = client.open(inc, 'numpy\n');
    client.change(incUri, [{ text: 'scipy\n' }]);
    const after = await client.waitForDiagnostics(rootUri, (d) => d.length === 0);
    assert.deepEqual(after, []);
  });

  test('links, folding, semantic tokens and hover', async () => {
    fs.writeFileSync(path.join(dir, 'other.txt'), '');
    const text = '# a comment\n# block\n-r other.txt\n--index-url https://user:secret@example.org/simple\nrequests>=2 ; python_version >= "3.8"\n';
    const uri = client.open(path.join(dir, 'features.txt'), text);
    const links = await client.request('textDocument/documentLink', { textDocument: { uri } });
    assert.equal(links[0].target, pathToFileURL(path.join(dir, 'other.txt')).toString());
    assert.equal(links[1].target, 'https://example.org/simple');
    assert.ok(!JSON.stringify(links).includes('secret'));
    const folds = await client.request('textDocument/foldingRange', { textDocument: { uri } });
    assert.deepEqual(folds[0], { startLine: 0, endLine: 1, kind: 'comment' });
    const tokens = await client.request('textDocument/semanticTokens/full', { textDocument: { uri } });
    assert.ok(tokens.data.length >= 5 * 8);
    // the first token is the comment at 0:0 of length 11 (type index 7 = comment)
    assert.deepEqual(tokens.data.slice(0, 5), [0, 0, 11, 7, 0]);
    const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 1 } });
    assert.match(hover.contents.value, /--requirement/);
    const none = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 3 } });
    assert.equal(none, null);
    const hashUri = client.open(path.join(dir, 'hashes.txt'), `foo==1.0 --hash=sha256:${'a'.repeat(64)}\n`);
    const hashHover = await client.request('textDocument/hover', { textDocument: { uri: hashUri }, position: { line: 0, character: 30 } });
    assert.match(hashHover.contents.value, /The sha256 digest pip checks the downloaded file against/);
  });

  test('completion without an index: options, operators, markers and include paths', async () => {
    fs.mkdirSync(path.join(dir, 'reqs'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'reqs', 'dev.txt'), '');
    fs.writeFileSync(path.join(dir, 'reqs', 'notes.md'), '');
    const text = '--ind\nrequests \ndjango; python_version \n-r reqs/\nflask==1.0 --h\n';
    const uri = client.open(path.join(dir, 'complete.txt'), text);
    const at = async (line: number, character: number) =>
      (await client.request('textDocument/completion', { textDocument: { uri }, position: { line, character } })).items.map((i: any) => i.label);
    assert.ok((await at(0, 5)).includes('--index-url'));
    assert.deepEqual((await at(1, 9)).slice(0, 3), ['==', '>=', '~=']);
    assert.ok((await at(2, 23)).includes('>='));
    assert.deepEqual(await at(3, 8), ['dev.txt']);
    assert.deepEqual(await at(4, 14), ['--global-option', '--config-settings', '--hash']);
  });

  test('a 1 MB line and 200,000 lines: the server answers, with bounded results', async () => {
    const big = Array.from({ length: 200_000 }, (_, i) => `pkg${i}==1.${i}`).join('\n') + '\n' + 'x' + '=='.repeat(500_000);
    const uri = client.open(path.join(dir, 'huge.txt'), big);
    await client.waitForDiagnostics(uri, () => true, 60000);
    const symbols = await client.request('textDocument/documentSymbol', { textDocument: { uri } });
    assert.equal(symbols.length, 5000);
    const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 5, character: 5 } });
    assert.match(hover.contents.value, /exactly this version/);
  });

  test('hover on a pin shows the specifier in words and why it is here (pip-compile # via chains)', async () => {
    const file = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../fixtures/provenance/split/requirements.txt');
    const uri = client.open(file, fs.readFileSync(file, 'utf8'));
    const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 8, character: 2 } });
    const value: string = hover.contents.value;
    assert.match(value, /\*\*asgiref\*\*/);
    assert.match(value, /Wants exactly 3\.8\.1\./);
    assert.match(value, /asgiref 3\.8\.1 ← django 5\.0\.6 ← \[requirements\.in:2\]\(file:\/\/\/.*\/requirements\.in#L2\)/);
    assert.match(value, /Pulls in\*\* typing-extensions/);
    const inFile = path.join(path.dirname(file), 'requirements.in');
    const inUri = client.open(inFile, fs.readFileSync(inFile, 'utf8'));
    const compat = await client.request('textDocument/hover', { textDocument: { uri: inUri }, position: { line: 1, character: 1 } });
    assert.match(compat.contents.value, /Wants 5\.0 or newer\./);
  });

  test('definition, references and resolved-version hints between .in and .txt', async () => {
    const folder = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../fixtures/provenance/split');
    const txt = path.join(folder, 'requirements.txt');
    const uri = client.open(txt, fs.readFileSync(txt, 'utf8'));
    const inUri = pathToFileURL(path.join(folder, 'requirements.in')).toString();
    const def = async (line: number, character: number) =>
      (await client.request('textDocument/definition', { textDocument: { uri }, position: { line, character } })).map((l: any) => [
        l.uri.split('/').pop(),
        l.range.start.line,
      ]);
    assert.deepEqual(await def(18, 1), [['requirements.in', 1]], 'a top-level pin goes to its .in line');
    assert.deepEqual(await def(12, 1), [['base.in', 0]], 'through a nested -r');
    assert.deepEqual(await def(8, 1), [['requirements.txt', 18]], 'a transitive pin goes to its parent');
    assert.deepEqual(await def(9, 12), [['requirements.txt', 18]], 'a name in # via goes to that pin');
    const refs = await client.request('textDocument/references', {
      textDocument: { uri },
      position: { line: 18, character: 1 },
      context: { includeDeclaration: false },
    });
    assert.deepEqual(
      refs.map((l: any) => [l.uri.split('/').pop(), l.range.start.line]),
      [
        ['requirements.txt', 9],
        ['requirements.txt', 29],
        ['requirements.in', 1],
      ],
    );
    const hints = await client.request('textDocument/inlayHint', {
      textDocument: { uri: inUri },
      range: { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } },
    });
    assert.deepEqual(
      hints.map((h: any) => [h.position.line, h.label]),
      [
        [1, '→ 5.0.6'],
        [3, '→ 2.32.3'],
      ],
    );
  });

  test('garbage never kills the server', async () => {
    const junk = Array.from({ length: 2000 }, (_, i) => String.fromCharCode(...Array.from({ length: 40 }, (_, j) => (i * 31 + j * 7) % 0x2fff))).join('\n');
    const uri = client.open(path.join(dir, 'junk.txt'), junk);
    await client.waitForDiagnostics(uri, () => true);
    const symbols = await client.request('textDocument/documentSymbol', { textDocument: { uri } });
    assert.ok(Array.isArray(symbols));
    const hover = await client.request('textDocument/hover', { textDocument: { uri: 'file:///not/open.txt' }, position: { line: 99, character: 99 } });
    assert.equal(hover, null);
    assert.equal(client.exited, false);
  });
});

describe('pull diagnostics client', () => {
  test('a client that declares textDocument.diagnostic gets pulled diagnostics and no pushes', async () => {
    const dir = tempDir();
    const { client, initializeResult } = await TestClient.start({
      capabilities: { textDocument: { diagnostic: { dynamicRegistration: false } }, workspace: { diagnostics: { refreshSupport: true }, configuration: true } },
      configuration: null,
    });
    try {
      assert.equal(initializeResult.capabilities.diagnosticProvider.interFileDependencies, true);
      const uri = client.open(path.join(dir, 'requirements.txt'), 'foo=1.0\n--bogus\n');
      const report = await client.request('textDocument/diagnostic', { textDocument: { uri } });
      assert.equal(report.kind, 'full');
      assert.deepEqual(codes(report.items), ['invalid-operator', 'unknown-option']);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(client.diagnostics.has(uri), false, 'no publishDiagnostics to a pull client');
    } finally {
      await client.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a pull whose previous answer had the same diagnostics is answered 'unchanged'; after an edit that changes them, 'full'", async () => {
    const dir = tempDir();
    const { client } = await TestClient.start({ capabilities: { textDocument: { diagnostic: {} } } });
    try {
      const uri = client.open(path.join(dir, 'requirements.txt'), 'foo=1.0\n');
      const pull = (previousResultId?: string) =>
        client.request('textDocument/diagnostic', { textDocument: { uri }, ...(previousResultId ? { previousResultId } : {}) });
      const first = await pull();
      assert.equal(first.kind, 'full');
      assert.deepEqual(codes(first.items), ['invalid-operator']);
      assert.equal(typeof first.resultId, 'string');
      const again = await pull(first.resultId);
      assert.deepEqual(again, { kind: 'unchanged', resultId: first.resultId });
      // An edit that leaves the diagnostics as they were: still unchanged.
      client.change(uri, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '# a comment\n' }]);
      assert.equal((await pull(first.resultId)).kind, 'unchanged');
      client.change(uri, [{ range: { start: { line: 0, character: 3 }, end: { line: 0, character: 4 } }, text: '==' }]);
      const fixed = await pull(first.resultId);
      assert.equal(fixed.kind, 'full');
      assert.deepEqual(fixed.items, []);
      assert.notEqual(fixed.resultId, first.resultId);
      assert.equal((await pull('not-a-result-id')).kind, 'full', 'an id the server did not give gets the full answer');
    } finally {
      await client.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('null capabilities, rootUri and settings are fine, and diagnostics can be turned off', async () => {
    const { client } = await TestClient.start({ capabilities: null as any, rootUri: null, initializationOptions: { diagnostics: { enable: false } } });
    try {
      const uri = client.open('/tmp/rls-none/requirements.txt', 'foo==\n');
      const diags = await client.waitForDiagnostics(uri);
      assert.deepEqual(diags, []);
    } finally {
      await client.stop();
    }
  });
});

describe('cross-file and hash-mode diagnostics', () => {
  test('conflicting specifiers across a -c constraints file, with related information', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'constraints.txt'), 'django<4\n');
    const { client } = await TestClient.start();
    try {
      const uri = client.open(path.join(dir, 'requirements.txt'), '-c constraints.txt\ndjango>=5\nflask>=2,<3\nflask>=2.5\n');
      const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'conflicting-specifiers'));
      const conflicts = diags.filter((d) => d.code === 'conflicting-specifiers');
      assert.equal(conflicts.length, 1, JSON.stringify(diags));
      assert.equal(conflicts[0].range.start.line, 1);
      assert.match(conflicts[0].message, /'>=5' together with '<4' \(constraints\.txt\)/);
      assert.ok(conflicts[0].relatedInformation![0].location.uri.endsWith('/constraints.txt'));
    } finally {
      await client.stop();
    }
  });

  test('hash-checking mode: a requirement without --hash, and an unpinned one', async () => {
    const h = `--hash=sha256:${'a'.repeat(64)}`;
    const { client } = await TestClient.start();
    try {
      const uri = client.open('/tmp/rls-hash/requirements.txt', `flask==3.0 ${h}\nrequests==2.0\ndjango>=5 ${h}\n`);
      const diags = await client.waitForDiagnostics(uri, (d) => d.length >= 2);
      assert.deepEqual(
        diags.map((d) => [d.code, d.range.start.line]),
        [
          ['hash-mode', 1],
          ['hash-mode', 2],
        ],
      );
      assert.match(diags[0].message, /no --hash, but 2 other requirements have --hash/);
    } finally {
      await client.stop();
    }
  });
});

test('a file whose -r targets are read for the first time is checked once, after they land (not before and again after)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-once-'));
  const lines: string[] = [];
  for (let i = 0; i < 300; i++) {
    fs.writeFileSync(path.join(dir, `part-${i}.txt`), `pkg${i}==1.0\n`);
    lines.push(`-r part-${i}.txt`);
  }
  lines.push('pkg7==2.0'); // a duplicate of part-7.txt's line: only right once part-7.txt has been read
  const { client } = await TestClient.start();
  try {
    const uri = client.open(path.join(dir, 'requirements.txt'), lines.join('\n') + '\n');
    const first = await client.waitForDiagnostics(uri);
    assert.deepEqual(
      first.map((d) => d.code).sort(),
      ['conflicting-specifiers', 'duplicate-requirement'],
      'the first publish already knows what the includes say',
    );
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(client.publishCount.get(uri), 1, 'published once');
  } finally {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
