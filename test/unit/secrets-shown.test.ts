// Issue #29, finding 6: a `${VAR}`'s value is for reading the line as pip does, never shown. `check --format
// sarif` on `pkg3==${CI_SECRET}` and `-r ${CI_SECRET}.txt` printed the secret; the editor showed it in diagnostics,
// symbols, links and hovers. Every feature over lines that put a variable everywhere pip reads one, with facts that
// know the values (an index, an environment, advisories), is asked for everything it can say: none of it holds a
// value, in any case (a name's value is normalized before it is looked up).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLanguageService } from '../../server/src/service/index.ts';
import type { LanguageServiceFacts } from '../../server/src/service/facts.ts';
import { workspaceOf } from '../../server/src/workspace/index.ts';
import { fakeEnvironment, fakeIndex } from '../features/check.ts';

/** The values, and what the test looks for: each in any case. */
const ENV = {
  CI_SECRET: 'S3CRET-VALUE',
  SECRET_NAME: 'zzsecretname',
  SECRET_VERSION: '7.77.777',
  SECRET_URL: 'https://tok:S3CRETPW@h/x-1.0-py3-none-any.whl',
};
const LEAKS = /s3cret|zzsecretname|7\.77\.777|tok:/i;

const LINES = [
  'pkg3==${CI_SECRET}',
  'pkg3==${SECRET_VERSION}',
  '-r ${CI_SECRET}.txt',
  '-c ${CI_SECRET}/constraints.txt',
  '-r ${SECRET_NAME}.txt',
  '${SECRET_NAME}==1.0',
  '${CI_SECRET}',
  '${SECRET_NAME}[extra]>=1 ; python_version >= "3"',
  'pkg @ https://user:${CI_SECRET}@host/pkg-1.0-py3-none-any.whl',
  'pkg4 @ ${SECRET_URL}',
  '${SECRET_URL}',
  'git+https://${CI_SECRET}@github.com/org/repo.git#egg=repo',
  '-e git+https://h/${CI_SECRET}#egg=${SECRET_NAME}',
  '-e ${CI_SECRET}',
  './${CI_SECRET}/pkg',
  'https://h/${SECRET_NAME}-${SECRET_VERSION}-py3-none-any.whl',
  'pkg5; python_version == "${CI_SECRET}"',
  'pkg5b; ${CI_SECRET} == "3"',
  'pkg6==1.0 --hash=${CI_SECRET}',
  'pkg6b==1.0 --hash=sha256:${CI_SECRET}',
  '--index-url https://${CI_SECRET}@h/simple',
  '--extra-index-url https://h/${CI_SECRET}/simple',
  '--find-links ${CI_SECRET}',
  '--trusted-host ${CI_SECRET}',
  '--trusted-host h:${CI_SECRET}',
  '--use-feature ${CI_SECRET}',
  '--${CI_SECRET}',
  'pkg7 ${CI_SECRET}',
  'pkg8[${CI_SECRET}]>=1',
  'pkg9>=${CI_SECRET},<2',
  'pkg9<1',
  'pkg10~=${CI_SECRET}',
  'pkg10b~=${SECRET_VERSION}',
  'pkg11 (${CI_SECRET})',
  'pkg12=${CI_SECRET}',
  'pkg13>=1.0+${CI_SECRET}',
  'pkg14 --config-settings ${CI_SECRET}',
  'pkg15==1.0 ${CI_SECRET}',
  'pkg16==${SECRET_VERSION}',
  'pkg16==2.0',
  'pkg3==${SECRET_VERSION}',
  'pkg17==${SECRET_VERSION}',
];
const TEXT = LINES.join('\n') + '\n';

/** The included files the paths lead to, as if they were there: one with an error, to be reported on the -r line. */
const FILES: Record<string, string> = {
  '/p/requirements.txt': TEXT,
  '/p/S3CRET-VALUE.txt': 'foo==\n',
  '/p/zzsecretname.txt': '-r other.txt\nbar==\n',
  '/p/other.txt': 'baz==\n',
};

/**
 * Facts that know each value as a project (so that a feature that looked a value up would have something to say of
 * it), and advisories that name what they were asked about. No fact holds a value otherwise.
 */
const index = fakeIndex({
  zzsecretname: { versions: ['1.0'], summary: 'zzsecretname summary', projectUrl: 'https://pypi.org/project/zzsecretname/' },
  's3cret-value': { versions: ['1.0'], summary: 'S3CRET-VALUE summary' },
  pkg3: { versions: ['2.0', '1.0'] },
  pkg10b: { versions: ['8.0'] },
  pkg16: { versions: ['2.0', '9.0'] },
});
const installed = { zzsecretname: { version: '0.1' }, pkg3: { version: '0.1' }, 's3cret-value': { version: '0.1' }, pkg16: { version: '2.0' } };
const environment = fakeEnvironment(installed);
/** What the advisory service was asked about: a question is sent over the network. */
const asked: string[] = [];
const FACTS: LanguageServiceFacts = {
  index: () => index,
  environment: () => environment,
  vulnerabilities: () => ({
    advisories: (name, version) => {
      asked.push(`${name}==${version}`);
      return [{ id: `PYSEC-${name}-${version}`, aliases: [], fixedIn: ['99.0'], summary: `${name} ${version}` }];
    },
  }),
  exists: () => false,
  listDirectory: () => [{ name: 'other.txt', directory: false }],
  outdated: () => ({ diagnostics: true, inlayHints: true }),
};

function context() {
  const workspace = workspaceOf((p) => FILES[p], ENV);
  const ctx = workspace.contextOf('/p/requirements.txt');
  assert.ok(ctx);
  return ctx;
}

function clean(what: string, value: unknown): void {
  const json = JSON.stringify(value) ?? '';
  const leak = LEAKS.exec(json);
  assert.equal(leak, null, `${what} shows a variable's value: …${leak ? json.slice(Math.max(0, leak.index - 120), leak.index + 40) : ''}…`);
}

test('diagnostics (messages, related information, data) quote every variable as written', () => {
  const ctx = context();
  // The values are read: the lines mean what pip reads (else this test would prove nothing).
  assert.equal(ctx.document.lines[0].text, 'pkg3==S3CRET-VALUE');
  assert.equal(ctx.document.lines[1].requirement!.specifier!.clauses[0].version!.text, '7.77.777');
  assert.ok(
    ctx.graph.files.some((f) => f.path === '/p/S3CRET-VALUE.txt'),
    'the include a variable names is read',
  );
  const service = createLanguageService(FACTS);
  const diagnostics = service.diagnostics(ctx);
  clean('diagnostics', diagnostics);
  // What the lines say is said, as written.
  // Nor is a value sent to the advisory service (pkg17 is one the index has not told about: it would be asked).
  clean('questions to the advisory service', asked);
  const messages = diagnostics.map((d) => d.message).join('\n');
  assert.match(messages, /'\$\{CI_SECRET\}' is not a valid version for '=='/);
  assert.match(messages, /pip will stop in an included file: \$\{CI_SECRET\}\.txt:1: 'foo==' needs a version/);
  assert.match(messages, /Cannot read '\$\{CI_SECRET\}\/constraints\.txt' \(looked for \/p\/\$\{CI_SECRET\}\/constraints\.txt\)/);
});

test('symbols, links, folding, semantic tokens, code lenses and inlay hints show no value', () => {
  const ctx = context();
  const service = createLanguageService(FACTS);
  const symbols = service.documentSymbols(ctx.document);
  clean('symbols', symbols);
  assert.ok(
    symbols.some((s) => s.name === '${SECRET_NAME}'),
    'a name a variable gives is shown as written',
  );
  clean('links', service.documentLinks(ctx));
  clean('inlay hints', service.inlayHints(ctx));
  clean('code lenses', service.codeLenses(ctx));
  clean('folding', service.foldingRanges(ctx.document));
});

test('hover, go to definition and completion (resolved) at every position of every line', () => {
  const ctx = context();
  const service = createLanguageService(FACTS);
  LINES.forEach((text, line) => {
    for (let character = 0; character <= text.length; character++) {
      const at = { line, character };
      clean(`hover at ${line}:${character} (${text})`, service.hover(ctx, at));
      clean(`definition at ${line}:${character} (${text})`, service.definition(ctx, at));
      // (Completion reads the text as written: it never showed a value, and must not start to.)
      const list = service.complete(ctx, at);
      clean(`completion at ${line}:${character} (${text})`, list);
      for (const item of list.items.slice(0, 3)) clean('completion resolve', service.resolveCompletion(item, ctx));
    }
  });
});

test('code actions for every diagnostic and at every line, resolved: titles, edits and commands', () => {
  const ctx = context();
  const service = createLanguageService(FACTS);
  const diagnostics = service.diagnostics(ctx);
  LINES.forEach((_, line) => {
    const range = { start: { line, character: 0 }, end: { line, character: 0 } };
    const actions = service.codeActions(ctx, { diagnostics: diagnostics.filter((d) => d.range.start.line === line) }, range);
    clean(`code actions at line ${line}`, actions);
    for (const action of actions) clean(`resolved ${action.title}`, service.resolveCodeAction(action, ctx));
  });
  // The whole file's source actions (sort, normalize, pin, upgrade, hashes, derive), resolved.
  const all = service.codeActions(ctx, { diagnostics, only: ['source'] });
  for (const action of all) clean(`resolved ${action.title}`, service.resolveCodeAction(action, ctx));
});
