// Known vulnerabilities: the pure diagnostic, hover and fix rules; the client against the loopback index's JSON API
// and the loopback OSV stand-in (batching, disk cache, withdrawn advisories, offline and 500 faults).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createVulnerabilityClient } from '../../server/src/index/vulnerabilities.ts';
import { vulnerabilityTarget } from '../../server/src/index/vulnerabilityTarget.ts';
import { lowestFixAll, nearestFixRelease, vulnerabilityDiagnostics, vulnerabilityHoverSection } from '../../server/src/service/vulnerabilities.ts';
import { parse } from '../../server/src/syntax/parse.ts';
import { ADVISORIES } from '../fixtures/advisories.ts';
import { startIndexServer, VULNERABLE_PROJECTS } from '../fixtures/indexServer.ts';
import { startOsvStandIn } from '../fixtures/osvServer.ts';
import type { Advisory, ProjectFact } from '../../server/src/shared/facts.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rls-vuln-'));
const noNetrc = { NETRC: '/nonexistent/netrc' };

const PYSEC: Advisory = {
  id: 'PYSEC-2023-74',
  aliases: ['CVE-2023-32681', 'GHSA-j8r2-6x86-q33q'],
  summary: 'Proxy-Authorization leak',
  fixedIn: ['2.31.0'],
  link: 'https://osv.dev/vulnerability/PYSEC-2023-74',
};
const GHSA: Advisory = {
  id: 'GHSA-9wx4-h78v-vm56',
  aliases: ['CVE-2024-35195'],
  summary: 'Session verify=False sticks',
  fixedIn: ['2.32.0'],
  link: 'https://osv.dev/vulnerability/GHSA-9wx4-h78v-vm56',
};
const requestsProject: ProjectFact = {
  name: 'requests',
  extras: [],
  versions: [
    { version: '2.33.0rc1', prerelease: true },
    { version: '2.32.4', prerelease: false, requiresPython: '>=3.8' },
    { version: '2.32.3', prerelease: false, requiresPython: '>=3.8' },
    { version: '2.32.0', prerelease: false, yanked: 'conflicts' },
    { version: '2.31.0', prerelease: false },
    { version: '2.30.0', prerelease: false },
  ],
};

function check(text: string, advisories: Record<string, Advisory[]>, extra: { installed?: Record<string, string>; ignore?: string[] } = {}) {
  return vulnerabilityDiagnostics('file:///r.txt', parse(text), {
    advisories: (n, v) => advisories[`${n}==${v}`],
    installed: (n) => extra.installed?.[n],
    ignore: extra.ignore,
  });
}

test('requests==2.30.0: both ids with their CVE aliases, and the lowest release fixing both', () => {
  const [d, ...rest] = check('requests==2.30.0\n', { 'requests==2.30.0': [PYSEC, GHSA] });
  assert.equal(rest.length, 0);
  assert.equal(d.code, 'vulnerable');
  assert.equal(d.severity, 2);
  assert.equal(
    d.message,
    'requests 2.30.0 has 2 known vulnerabilities (PYSEC-2023-74 / CVE-2023-32681, GHSA-9wx4-h78v-vm56 / CVE-2024-35195); 2.32.0 fixes both.',
  );
  assert.deepEqual(JSON.parse(JSON.stringify(d.range)), { start: { line: 0, character: 8 }, end: { line: 0, character: 16 } });
  assert.equal(d.codeDescription?.href, 'https://osv.dev/vulnerability/PYSEC-2023-74');
  assert.deepEqual(
    d.relatedInformation?.map((r) => r.message),
    [
      'PYSEC-2023-74 / CVE-2023-32681: Proxy-Authorization leak (fixed in 2.31.0)',
      'GHSA-9wx4-h78v-vm56 / CVE-2024-35195: Session verify=False sticks (fixed in 2.32.0)',
    ],
  );
});

test('one advisory: its summary in the message; === pins count; unpinned lines use the installed version and say so', () => {
  assert.equal(
    check('requests===2.31.0\n', { 'requests==2.31.0': [GHSA] })[0].message,
    'requests 2.31.0 has a known vulnerability (GHSA-9wx4-h78v-vm56 / CVE-2024-35195: Session verify=False sticks); 2.32.0 fixes it.',
  );
  const [d] = check('requests>=2\n', { 'requests==2.31.0': [GHSA] }, { installed: { requests: '2.31.0' } });
  assert.match(d.message, /^requests 2\.31\.0 \(installed\) has a known vulnerability/);
  assert.deepEqual(check('requests>=2\n', { 'requests==2.31.0': [GHSA] }), [], 'nothing installed, nothing pinned: nothing to check');
  assert.deepEqual(check('requests==2.*\n', { 'requests==2.*': [GHSA] }), [], 'a wildcard is not a pin');
});

test('ignored ids (or aliases) and withdrawn advisories are left out; nothing known, nothing said', () => {
  assert.match(
    check('requests==2.30.0\n', { 'requests==2.30.0': [PYSEC, GHSA] }, { ignore: ['CVE-2023-32681'] })[0].message,
    /has a known vulnerability \(GHSA-9wx4/,
  );
  assert.deepEqual(check('requests==2.30.0\n', { 'requests==2.30.0': [PYSEC, GHSA] }, { ignore: ['pysec-2023-74', 'GHSA-9wx4-h78v-vm56'] }), []);
  assert.deepEqual(check('flask==3.0.0\n', { 'flask==3.0.0': [{ ...GHSA, withdrawn: true }] }), []);
  assert.deepEqual(check('flask==3.0.0\n', {}), []);
});

test('fix releases: lowest named release fixing all; nearest on the index skips yanked, pre-releases and Python misfits', () => {
  assert.equal(lowestFixAll([PYSEC, GHSA], '2.30.0'), '2.32.0');
  assert.equal(lowestFixAll([PYSEC], '2.30.0'), '2.31.0');
  assert.equal(lowestFixAll([{ ...GHSA, fixedIn: [] }], '2.30.0'), undefined);
  assert.equal(nearestFixRelease(requestsProject, '2.30.0', [PYSEC, GHSA]), '2.32.3');
  assert.equal(nearestFixRelease(requestsProject, '2.30.0', [PYSEC]), '2.31.0');
  assert.equal(nearestFixRelease(requestsProject, '2.30.0', [PYSEC, GHSA], '3.7.9'), undefined, 'every fixed release needs Python >= 3.8');
  assert.equal(check('requests==2.30.0\n', { 'requests==2.30.0': [{ ...GHSA, fixedIn: [] }] })[0].message.endsWith('; no fixed release is known.'), true);
});

test('hover section: each advisory with its id, aliases, summary, fixed-in and link', () => {
  assert.equal(
    vulnerabilityHoverSection('2.30.0', [PYSEC, GHSA], false),
    '**2 known vulnerabilities** in 2.30.0\n' +
      '- [PYSEC-2023-74](https://osv.dev/vulnerability/PYSEC-2023-74) (CVE-2023-32681, GHSA-j8r2-6x86-q33q): Proxy-Authorization leak — fixed in 2.31.0\n' +
      '- [GHSA-9wx4-h78v-vm56](https://osv.dev/vulnerability/GHSA-9wx4-h78v-vm56) (CVE-2024-35195): Session verify=False sticks — fixed in 2.32.0\n\n2.32.0 fixes both.',
  );
  assert.equal(vulnerabilityHoverSection('3.0.0', [], false), undefined);
});

test('the source: the index JSON API beside /simple, OSV when chosen, nothing for --no-index or off', () => {
  const config = { indexUrl: 'https://pypi.org/simple/', extraIndexUrls: [], noIndex: false, source: 'test' };
  assert.deepEqual(vulnerabilityTarget({ source: 'pypi', osvUrl: 'https://api.osv.dev' }, config), { kind: 'pypi', base: 'https://pypi.org' });
  assert.deepEqual(vulnerabilityTarget({ source: 'osv', osvUrl: 'https://osv.example/' }, config), { kind: 'osv', base: 'https://osv.example' });
  assert.equal(vulnerabilityTarget({ source: 'pypi', osvUrl: '' }, { ...config, noIndex: true }), undefined);
  assert.equal(vulnerabilityTarget({ source: 'off', osvUrl: '' }, config), undefined);
  assert.equal(vulnerabilityTarget({ source: 'pypi', osvUrl: '' }, { ...config, indexUrl: 'https://files.example/wheels/' }), undefined);
  assert.equal(vulnerabilityTarget({ source: 'pypi', osvUrl: '' }, { ...config, indexUrl: 'file:///opt/pypi/simple' }), undefined, 'a folder has no JSON API');
});

function client(cacheDir = tmp()) {
  const warnings: string[] = [];
  const offline: string[] = [];
  const c = createVulnerabilityClient({ cacheDir, env: noNetrc, timeoutMs: 2000, logger: { info: () => undefined, warn: (m) => warnings.push(m) } });
  c.onOffline((m) => offline.push(m));
  return { c, warnings, offline, cacheDir };
}

test('PyPI JSON API: /pypi/<name>/<version>/json vulnerabilities, withdrawn left out, answered from memory then from disk', async () => {
  const server = await startIndexServer(VULNERABLE_PROJECTS, { advisories: ADVISORIES });
  const target = { kind: 'pypi' as const, base: server.url };
  const { c, cacheDir } = client();
  try {
    assert.equal(c.advisories('requests', '2.30.0', target), undefined, 'unknown at first: a fetch starts');
    let changed = 0;
    c.onDidChange(() => changed++);
    await c.ensure(
      [
        { name: 'requests', version: '2.30.0' },
        { name: 'Flask', version: '3.0.0' },
        { name: 'jinja2', version: '3.1.2' },
        { name: 'requests', version: '9.9.9' },
      ],
      target,
    );
    assert.ok(changed >= 1);
    const found = c.advisories('requests', '2.30.0', target)!;
    assert.deepEqual(
      found.map((a) => a.id),
      ['PYSEC-2023-74', 'GHSA-9wx4-h78v-vm56'],
    );
    assert.deepEqual(found[0].fixedIn, ['2.31.0']);
    assert.match(found[0].summary!, /^Requests is a HTTP library\./, 'no summary: the first sentence of the details');
    assert.deepEqual(c.advisories('flask', '3.0.0', target), [], 'the withdrawn advisory is left out');
    assert.deepEqual(
      c.advisories('jinja2', '3.1.2', target)!.map((a) => [a.id, a.aliases, a.fixedIn]),
      [['GHSA-h5c8-rqwp-cp95', ['CVE-2024-22195'], ['3.1.3']]],
    );
    assert.deepEqual(c.advisories('requests', '9.9.9', target), [], 'no such release: nothing against it');
    assert.ok(server.requests.some((r) => r.path === '/pypi/requests/2.30.0/json'));
    await c.dispose();
    // A new session reads the disk cache: no request at all.
    const before = server.requests.length;
    const again = client(cacheDir).c;
    await again.ensure([{ name: 'requests', version: '2.30.0' }], target);
    assert.equal(again.advisories('requests', '2.30.0', target)!.length, 2);
    assert.equal(server.requests.length, before);
    await again.dispose();
  } finally {
    await c.dispose();
    await server.stop();
  }
});

test("OSV: one querybatch for many pins, details once per id, fixed versions from the package's ranges", async () => {
  const osv = await startOsvStandIn();
  const target = { kind: 'osv' as const, base: osv.url };
  const { c } = client();
  try {
    const pairs = [
      { name: 'requests', version: '2.30.0' },
      { name: 'requests', version: '2.31.0' },
      { name: 'jinja2', version: '3.1.2' },
      { name: 'flask', version: '3.0.0' },
    ];
    for (let i = 0; i < 40; i++) pairs.push({ name: `pkg${i}`, version: '1.0' });
    await c.ensure(pairs, target);
    assert.deepEqual(
      osv.requests.filter((r) => r.path === '/v1/querybatch').map((r) => r.queries),
      [44],
      'one batch',
    );
    const details = osv.requests
      .filter((r) => r.path.startsWith('/v1/vulns/'))
      .map((r) => r.path)
      .sort();
    assert.deepEqual(
      details,
      ['/v1/vulns/GHSA-9wx4-h78v-vm56', '/v1/vulns/GHSA-h5c8-rqwp-cp95', '/v1/vulns/GHSA-withdrawn-flask', '/v1/vulns/PYSEC-2023-74'],
      'each id once',
    );
    assert.deepEqual(
      c.advisories('requests', '2.30.0', target)!.map((a) => [a.id, a.fixedIn]),
      [
        ['PYSEC-2023-74', ['2.31.0']],
        ['GHSA-9wx4-h78v-vm56', ['2.32.0']],
      ],
    );
    assert.deepEqual(
      c.advisories('requests', '2.31.0', target)!.map((a) => a.id),
      ['GHSA-9wx4-h78v-vm56'],
    );
    assert.deepEqual(c.advisories('flask', '3.0.0', target), [], 'withdrawn');
    assert.deepEqual(c.advisories('pkg3', '1.0', target), []);
  } finally {
    await c.dispose();
    await osv.stop();
  }
});

test('a batch bigger than the batch size is split; the answers still line up', async () => {
  const osv = await startOsvStandIn();
  const target = { kind: 'osv' as const, base: osv.url };
  const c = createVulnerabilityClient({ cacheDir: tmp(), env: noNetrc, batchSize: 10, logger: { info: () => undefined, warn: () => undefined } });
  try {
    const pairs = Array.from({ length: 25 }, (_, i) => ({ name: `p${i}`, version: '1' }));
    pairs.push({ name: 'jinja2', version: '3.1.2' });
    await c.ensure(pairs, target);
    assert.deepEqual(
      osv.requests.filter((r) => r.path === '/v1/querybatch').map((r) => r.queries),
      [10, 10, 6],
    );
    assert.deepEqual(
      c.advisories('jinja2', '3.1.2', target)!.map((a) => a.id),
      ['GHSA-h5c8-rqwp-cp95'],
    );
  } finally {
    await c.dispose();
    await osv.stop();
  }
});

test('faults: a 500 is told once (the source is failing) and nothing is invented; offline is told once; a stale disk entry still answers', async () => {
  const server = await startIndexServer(VULNERABLE_PROJECTS, { advisories: ADVISORIES });
  const target = { kind: 'pypi' as const, base: server.url };
  const { c, warnings, offline } = client();
  try {
    server.faults.status = 500;
    await c.ensure(
      [
        { name: 'requests', version: '2.30.0' },
        { name: 'jinja2', version: '3.1.2' },
      ],
      target,
    );
    assert.equal(c.advisories('requests', '2.30.0', target), undefined);
    assert.equal(warnings.filter((w) => /HTTP 500/.test(w)).length, 1, 'one line for the source, not one per URL or retry');
    await c.ensure([{ name: 'requests', version: '2.30.0' }], target);
    assert.equal(warnings.filter((w) => /HTTP 500/.test(w)).length, 1, 'not repeated');
    const said = `Known vulnerabilities cannot be checked: the package index ${server.url} cannot be reached (HTTP 500); what is cached on disk is used.`;
    assert.deepEqual(offline, [said]);
  } finally {
    await c.dispose();
    await server.stop();
  }
  // Offline: the port is closed now. Told once, whatever the number of pins.
  const gone = client();
  await gone.c.ensure(
    [
      { name: 'requests', version: '2.30.0' },
      { name: 'jinja2', version: '3.1.2' },
    ],
    target,
  );
  await gone.c.ensure([{ name: 'flask', version: '3.0.0' }], target);
  assert.equal(gone.offline.length, 1);
  assert.match(gone.offline[0], /cannot be reached/);
  await gone.c.dispose();
});

test('an entry older than six hours is used while it is refreshed; the refresh replaces it', async () => {
  const server = await startIndexServer(VULNERABLE_PROJECTS, { advisories: ADVISORIES });
  const target = { kind: 'pypi' as const, base: server.url };
  const cacheDir = tmp();
  try {
    const first = createVulnerabilityClient({ cacheDir, env: noNetrc, ttlMs: 0, logger: { info: () => undefined, warn: () => undefined } });
    await first.ensure([{ name: 'requests', version: '2.31.0' }], target);
    await first.dispose();
    const count = () => server.requests.filter((r) => r.path === '/pypi/requests/2.31.0/json').length;
    assert.equal(count(), 1);
    server.faults.status = 500;
    const second = createVulnerabilityClient({ cacheDir, env: noNetrc, ttlMs: 0, logger: { info: () => undefined, warn: () => undefined } });
    await second.ensure([{ name: 'requests', version: '2.31.0' }], target);
    assert.equal(count(), 2, 'stale: asked again');
    assert.deepEqual(
      second.advisories('requests', '2.31.0', target)?.map((a) => a.id),
      ['GHSA-9wx4-h78v-vm56'],
      'the index failed: the stale entry answers',
    );
    await second.dispose();
  } finally {
    await server.stop();
  }
});

test('settings: every key has a default, and values of the wrong kind fall back to it', async () => {
  const { readSettings } = await import('../../server/src/settings.ts');
  assert.deepEqual(readSettings(null).vulnerabilities, { source: 'pypi', osvUrl: 'https://api.osv.dev', ignore: [], severity: 'warning' });
  assert.deepEqual(
    readSettings({ vulnerabilities: { source: 'osv', osvUrl: 'http://127.0.0.1:9/osv/', ignore: ['PYSEC-2023-74', 3, ''], severity: 'loud' } }).vulnerabilities,
    {
      source: 'osv',
      osvUrl: 'http://127.0.0.1:9/osv',
      ignore: ['PYSEC-2023-74'],
      severity: 'warning',
    },
  );
  assert.equal(readSettings({ vulnerabilities: { source: 'nvd', osvUrl: 'ftp://x' } }).vulnerabilities.source, 'pypi');
  assert.equal(readSettings({ vulnerabilities: { osvUrl: 'ftp://x' } }).vulnerabilities.osvUrl, 'https://api.osv.dev');
});

test('an index that answers 404 to every /pypi/<name>/<version>/json is said to lack the JSON API, once', async () => {
  const server = await startIndexServer(VULNERABLE_PROJECTS, { advisories: ADVISORIES, noJsonApi: true });
  const { c, warnings } = client();
  try {
    const target = { kind: 'pypi' as const, base: server.url };
    await c.ensure(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((name) => ({ name, version: '1.0' })),
      target,
    );
    assert.equal(warnings.filter((w) => /may not serve PyPI's JSON API/.test(w)).length, 1);
    assert.deepEqual(c.advisories('a', '1.0', target), []);
  } finally {
    await c.dispose();
    await server.stop();
  }
});

test('through the facade: a pin the index is known not to have (half typed) is not asked about; 2.30 is 2.30.0', async () => {
  const { createLanguageService } = await import('../../server/src/service/index.ts');
  const { workspaceOf } = await import('../../server/src/workspace/index.ts');
  const { parse } = await import('../../server/src/syntax/parse.ts');
  const workspace = workspaceOf(() => undefined);
  const asked: string[] = [];
  const service = createLanguageService({
    index: () => ({
      searchNames: () => ({ items: [], incomplete: false }),
      project: (n) => (n === 'requests' ? requestsProject : undefined),
      peek: (n) => (n === 'requests' ? requestsProject : undefined),
    }),
    vulnerabilities: () => ({
      advisories: (n, v) => {
        asked.push(`${n}==${v}`);
        return v.startsWith('2.30') ? [PYSEC, GHSA] : [];
      },
    }),
  });
  const diagnose = (text: string) => service.diagnostics(workspace.contextWith('/w/r.txt', parse(text))).filter((d) => d.code === 'vulnerable');
  assert.deepEqual(diagnose('requests==2.3\n'), []);
  assert.deepEqual(asked, [], 'no release 2.3: nothing asked');
  assert.equal(diagnose('requests==2.30\n').length, 1);
  assert.deepEqual(diagnose('unknown-to-the-index==1.0\n'), []);
  assert.deepEqual(asked, ['requests==2.30', 'unknown-to-the-index==1.0'], 'a project the index has not answered for is asked about');
  const hover = service.hover(workspace.contextWith('/w/r.txt', parse('requests==2.30.0\n')), { line: 0, character: 2 });
  assert.match((hover?.contents as { value: string }).value, /\*\*2 known vulnerabilities\*\* in 2\.30\.0/);
});

test('pending: a release whose advisories are on their way can be awaited (the brief wait of a first hover); none, nothing to await', async () => {
  const server = await startIndexServer(VULNERABLE_PROJECTS, { advisories: ADVISORIES });
  server.faults.advisoryDelayMs = 200;
  const target = { kind: 'pypi' as const, base: server.url };
  const { c } = client();
  try {
    assert.equal(c.pending('requests', '2.30.0', target), undefined, 'never asked: nothing on its way');
    assert.equal(c.advisories('requests', '2.30.0', target), undefined);
    const pending = c.pending('requests', '2.30.0', target);
    assert.ok(pending, 'asked: on its way');
    await pending;
    assert.equal(c.advisories('requests', '2.30.0', target)?.length, 2, 'landed when the wait ends');
    assert.equal(c.pending('requests', '2.30.0', target), undefined);
  } finally {
    await c.dispose();
    await server.stop();
  }
});

test('a release someone waits for (a first hover) is fetched next, not after the rest of its round', async () => {
  const server = await startIndexServer(VULNERABLE_PROJECTS, { advisories: ADVISORIES });
  server.faults.advisoryDelayMs = 15;
  const target = { kind: 'pypi' as const, base: server.url };
  const { c } = client();
  const asked = () => server.requests.filter((r) => r.path.startsWith('/pypi/')).map((r) => r.path);
  try {
    // A big file's round: 80 releases in file order, the one hovered last.
    for (let i = 0; i < 80; i++) c.advisories('requests', `1.0.${i}`, target);
    c.advisories('requests', '2.30.0', target);
    for (let waited = 0; asked().length < 8; waited += 5) {
      assert.ok(waited < 10_000, 'the round never started');
      await new Promise((r) => setTimeout(r, 5));
    }
    const started = asked().length;
    await c.pending('requests', '2.30.0', target);
    const at = asked().indexOf('/pypi/requests/2.30.0/json');
    assert.ok(at !== -1 && at <= started + 6, `asked as request ${at + 1} of ${asked().length}; the hover began waiting after ${started}`);
    assert.equal(c.advisories('requests', '2.30.0', target)?.length, 2);
    assert.ok(asked().length < 81, 'the wait ended before the round did');
  } finally {
    await c.dispose();
    await server.stop();
  }
});
