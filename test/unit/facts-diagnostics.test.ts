// Diagnostics from index and environment facts, given as plain data (the facts are parameters by design,
// as vscode-json-languageservice takes its schemas; the layers that gather them are tested on their own).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../server/src/syntax/index.ts';
import { indexDiagnostics, outdatedHints } from '../../server/src/service/indexDiagnostics.ts';
import { environmentDiagnostics } from '../../server/src/service/environmentDiagnostics.ts';
import type { EnvironmentFacts, IndexFacts, ProjectFact } from '../../server/src/shared/facts.ts';

const projects: Record<string, ProjectFact> = {
  requests: {
    name: 'requests',
    latest: '2.32.3',
    extras: ['socks', 'security'],
    versions: [
      { version: '2.33.0rc1', prerelease: true },
      { version: '2.32.3', prerelease: false },
      { version: '2.32.0', prerelease: false, yanked: 'conflicts with urllib3 1.x' },
      { version: '2.31.0', prerelease: false },
    ],
  },
};
const index: IndexFacts = {
  searchNames: () => ({ items: [], incomplete: false }),
  project: (n) => projects[n],
  knows: (n) => n in projects || n === 'django',
  suggest: (n) => (n === 'reqeusts' ? 'requests' : undefined),
};

const codesOf = (text: string) => indexDiagnostics(parse(text), index, { outdated: true }).map((d) => [d.code, d.message]);

test('index facts: unknown package with a suggestion, no matching version, yanked pin, outdated pin', () => {
  assert.deepEqual(codesOf('reqeusts\n'), [['unknown-package', "The index has no project 'reqeusts'; did you mean 'requests'?"]]);
  assert.deepEqual(codesOf('requests>=3\n'), [['no-matching-version', 'No release of requests matches >=3 (latest is 2.32.3).']]);
  assert.deepEqual(codesOf('requests==2.32.0\n'), [['yanked', 'requests 2.32.0 was yanked: conflicts with urllib3 1.x.']]);
  assert.deepEqual(codesOf('requests==2.31.0\n'), [['outdated', 'requests 2.32.3 is available (pinned to 2.31.0).']]);
  assert.deepEqual(codesOf('requests>=2.31\ndjango==5.0\n'), [], 'in range, and django not fetched yet: nothing');
  // Syntax first: a line still being typed, or broken, gets nothing from the index.
  assert.deepEqual(codesOf('requests==\nrequests>=\nrequests=2.0\nreqeusts=1\nrequests>=3,\n'), []);
  const hints = outdatedHints(parse('requests==2.31.0\nrequests>=2\n'), index);
  assert.deepEqual(
    hints.map((h) => [h.position.line, h.label]),
    [[0, '⟶ 2.32.3']],
  );
});

const env: EnvironmentFacts = {
  describe: '.venv (Python 3.11.7)',
  installed: (n) =>
    ({ django: { name: 'Django', version: '4.2.11', providesExtras: ['argon2', 'bcrypt'] }, six: { name: 'six', version: '1.16.0', providesExtras: [] } })[n],
  evaluateMarker: (e) => (e.type === 'compare' && e.right?.type === 'string' ? e.right.value !== 'win32' : undefined),
  broken: () => [{ dist: 'Django', requirement: 'asgiref<4,>=3.6.0', problem: 'missing', dependency: 'asgiref' }],
};

test('environment facts: not installed, version mismatch, extra not provided, pip check, markers respected', () => {
  const diags = environmentDiagnostics(parse('django[argon2,nope]>=5.0,<5.1\nflask\nsix==1.16.0\npywin32==306; sys_platform == "win32"\n'), env);
  assert.deepEqual(
    diags.map((d) => [d.code, d.range.start.line, d.message]),
    [
      ['version-mismatch', 0, 'Django 4.2.11 is installed; this file needs >=5.0,<5.1.'],
      ['extra-not-provided', 0, "Django 4.2.11 does not declare the extra 'nope' (it has: argon2, bcrypt)."],
      ['not-installed', 1, 'flask is not installed in .venv (Python 3.11.7).'],
      ['dependency-conflict', 0, 'Django requires asgiref<4,>=3.6.0, which is not installed (pip check would report it).'],
    ],
  );
});

test('dependency closure: a conflict lands on the first line that reaches its requirer, through a wrong version too; unrelated ones nowhere', async () => {
  const dists: Record<string, { name: string; version: string; requires: string[] }> = {
    app: { name: 'app', version: '1.0', requires: ['lib>=2'] },
    lib: { name: 'lib', version: '1.0', requires: ['core'] },
    lonely: { name: 'lonely', version: '1.0', requires: ['absent'] },
  };
  const facts: EnvironmentFacts = {
    describe: '.venv',
    installed: (n) => (dists[n] ? { name: dists[n].name, version: dists[n].version, providesExtras: [] } : undefined),
    evaluateMarker: () => true,
    broken: () => [{ dist: 'lonely', requirement: 'absent', problem: 'missing', dependency: 'absent' }],
    requiresDist: (n) => dists[n]?.requires,
  };
  const diags = environmentDiagnostics(parse('# header\nlib\napp\n'), facts);
  assert.deepEqual(
    diags.map((d) => [d.code, d.range.start.line, d.message]),
    [
      ['dependency-conflict', 1, 'lib requires core, which is not installed (pip check would report it).'],
      ['dependency-conflict', 2, 'app requires lib>=2, but lib 1.0 is installed (pip check would report it).'],
    ],
  );
  const { unrelatedConflicts } = await import('../../server/src/service/environmentDiagnostics.ts');
  assert.deepEqual(
    unrelatedConflicts(parse('app\n'), facts).map((b) => b.dist),
    ['lonely'],
  );
});
