// `check` and known vulnerabilities, run as CI runs it: text, JSON and SARIF (validated against the SARIF 2.1.0
// schema shipped on the npm registry, a draft-04 schema, hence ajv-draft-04), failing only with --fail-on; the loopback index and the OSV stand-in answer.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { indexedEnv, testEnv, TestClient } from './client.ts';
import { ADVISORIES } from '../fixtures/advisories.ts';
import { startIndexServer, VULNERABLE_PROJECTS, type IndexServer } from '../fixtures/indexServer.ts';
import { startOsvStandIn, type OsvStandIn } from '../fixtures/osvServer.ts';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server/bin/requirements-language-server.cjs');
const require = createRequire(import.meta.url);
// A CommonJS package whose default export is the class.
const Ajv: typeof import('ajv-draft-04').default = require('ajv-draft-04').default;
const SARIF_SCHEMA = JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));

let server: IndexServer;
let osv: OsvStandIn;
let dir: string;
before(async () => {
  server = await startIndexServer(VULNERABLE_PROJECTS, { advisories: ADVISORIES });
  osv = await startOsvStandIn();
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rls-check-vuln-')));
  fs.writeFileSync(path.join(dir, 'requirements.txt'), 'requests==2.30.0\nflask==3.0.0\n-r dev.txt\n');
  fs.writeFileSync(path.join(dir, 'dev.txt'), 'jinja2==3.1.2\nclick\n');
});
after(async () => {
  await server.stop();
  await osv.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The bin in a child process (asynchronously: the index on 127.0.0.1 lives in this process). */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const REQUESTS = 'requests 2.30.0 has 2 known vulnerabilities (PYSEC-2023-74 / CVE-2023-32681, GHSA-9wx4-h78v-vm56 / CVE-2024-35195); 2.32.0 fixes both.';

test('text: the same code and message as the editor; exit 0 unless --fail-on vulnerable', async () => {
  const env = indexedEnv(server.url);
  const r = await run(['check', 'requirements.txt'], env);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), [
    'dev.txt:1:7: warning vulnerable jinja2 3.1.2 has a known vulnerability (GHSA-h5c8-rqwp-cp95 / CVE-2024-22195: Jinja vulnerable to HTML attribute injection when passing user input as keys to xmlattr filter); 3.1.3 fixes it.',
    `requirements.txt:1:9: warning vulnerable ${REQUESTS}`,
  ]);
  const failing = await run(['check', 'requirements.txt', '--fail-on', 'vulnerable'], env);
  assert.equal(failing.status, 1);
  assert.equal(failing.stdout, r.stdout);
  const ignored = await run(
    [
      'check',
      'requirements.txt',
      '--fail-on=vulnerable',
      '--ignore-vuln',
      'GHSA-h5c8-rqwp-cp95',
      '--ignore-vuln',
      'PYSEC-2023-74',
      '--ignore-vuln=CVE-2024-35195',
    ],
    env,
  );
  assert.equal(ignored.status, 0);
  assert.equal(ignored.stdout, '');
  const skipped = await run(['check', 'requirements.txt', '--no-vulnerabilities', '--fail-on', 'vulnerable'], env);
  assert.equal(skipped.status, 0);
  assert.equal(skipped.stdout, '');
});

test('JSON, and OSV as the source', async () => {
  const r = await run(['check', 'requirements.txt', '--format', 'json', '--vulnerability-source', 'osv', '--osv-url', osv.url], testEnv());
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(
    out.map((d: any) => [path.basename(d.file), d.line, d.column, d.severity, d.code]),
    [
      ['dev.txt', 1, 7, 'warning', 'vulnerable'],
      ['requirements.txt', 1, 9, 'warning', 'vulnerable'],
    ],
  );
  assert.equal(out[1].message, REQUESTS);
  assert.deepEqual(
    osv.requests.filter((q) => q.path === '/v1/querybatch').map((q) => q.queries),
    [3],
    'one batch for every pin of every file',
  );
});

test('SARIF 2.1.0: valid against the schema, every diagnostic on its line, vulnerabilities included', async () => {
  fs.writeFileSync(path.join(dir, 'broken.txt'), 'requests==2.30.0\nflask==\n');
  const r = await run(['check', 'broken.txt', '--format', 'sarif'], indexedEnv(server.url));
  assert.equal(r.status, 1, 'the syntax error fails the run');
  const log = JSON.parse(r.stdout);
  const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true, unicodeRegExp: false }).compile(SARIF_SCHEMA);
  assert.equal(validate(log), true, JSON.stringify(validate.errors, null, 2));
  const results = log.runs[0].results;
  assert.deepEqual(
    results.map((x: any) => [x.ruleId, x.level, x.locations[0].physicalLocation.artifactLocation.uri, x.locations[0].physicalLocation.region.startLine]),
    [
      ['vulnerable', 'warning', 'broken.txt', 1],
      ['missing-version', 'error', 'broken.txt', 2],
    ],
  );
  assert.equal(results[0].message.text, REQUESTS);
  assert.deepEqual(log.runs[0].tool.driver.rules.map((x: any) => x.id).sort(), ['missing-version', 'vulnerable']);
  // A log that breaks the schema is caught: the validation is real.
  assert.equal(validate({ ...log, version: '2.0.0' }), false);
});

test('a source that cannot be reached: told once on stderr, nothing invented; --fail-on vulnerable fails and names it (it passed before)', async () => {
  const closed = await startOsvStandIn();
  await closed.stop();
  const r = await run(['check', 'requirements.txt', '--vulnerability-source=osv', `--osv-url=${closed.url}`, '--fail-on', 'vulnerable'], testEnv());
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.match(/Known vulnerabilities cannot be checked/g)?.length, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`could not be checked: ${closed.url} cannot be reached \\(connection refused\\); --fail-on vulnerable fails\\.`));
});

test('check lists what the editor publishes, composed in one place: past the cap a vulnerable pin is counted, and --fail-on vulnerable still fails', async () => {
  // 1,000 warnings (each line still being typed: only its syntax diagnostic), then a vulnerable pin past the cap.
  const text = Array.from({ length: 1000 }, (_, i) => `package-${i}>=1,`).join('\n') + '\nrequests==2.30.0\n';
  fs.writeFileSync(path.join(dir, 'capped.txt'), text);
  const env = indexedEnv(server.url);
  const shown = (ds: { line: number; column: number; code: string; message: string }[]) => ds.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`).sort();
  const r = await run(['check', 'capped.txt', '--format', 'json', '--fail-on', 'vulnerable'], env);
  assert.equal(r.status, 1, 'the vulnerable pin is among the problems not shown: the gate fails');
  const fromCheck = JSON.parse(r.stdout);
  assert.equal(fromCheck.length, 1001);
  const { client } = await TestClient.start({
    env,
    rootUri: pathToFileURL(dir).toString(),
    initializationOptions: { diagnostics: { environment: false, outdated: false } },
  });
  try {
    const uri = client.open(path.join(dir, 'capped.txt'), text);
    const more = (ds: any[]) => ds.find((d) => d.code === 'more-diagnostics');
    const published = await client.waitForDiagnostics(uri, (ds) => more(ds)?.data?.codes?.includes('vulnerable'));
    assert.match(more(published).message, /^1 more problems in this file are not shown/);
    const fromEditor = published.map((d) => ({ line: d.range.start.line + 1, column: d.range.start.character + 1, code: String(d.code), message: d.message }));
    assert.deepEqual(shown(fromCheck), shown(fromEditor));
  } finally {
    await client.stop();
  }
});

/** A loopback port nothing listens on: a connection to it is refused. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** pins.txt: one vulnerable pin and 29 the index does not know. */
const writePins = () =>
  fs.writeFileSync(path.join(dir, 'pins.txt'), ['requests==2.30.0', ...Array.from({ length: 29 }, (_, i) => `package-${i}==1.${i}`)].join('\n') + '\n');

test('the index refuses connections: 30 pins, one message, all counted as unchecked; without --fail-on the run passes', async () => {
  const origin = `http://127.0.0.1:${await closedPort()}`;
  writePins();
  const env = indexedEnv(origin);
  const r = await run(['check', 'pins.txt'], env);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.deepEqual(r.stderr.trim().split('\n'), [
    `Known vulnerabilities cannot be checked: the package index ${origin} cannot be reached (connection refused); what is cached on disk is used.`,
    `Known vulnerabilities of 30 of 30 pinned releases could not be checked: ${origin} cannot be reached (connection refused).`,
  ]);
  const gated = await run(['check', 'pins.txt', '--fail-on', 'vulnerable', '--format', 'json'], env);
  assert.equal(gated.status, 1, 'nothing was looked up: the gate does not pass');
  assert.deepEqual(JSON.parse(gated.stdout), []);
  assert.match(gated.stderr, /--fail-on vulnerable fails\.\n$/);
});

test('--offline: no host is asked; advisories from the disk cache (whatever their age), or not checked, and it says which', async () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-check-offline-'));
  try {
    const env = indexedEnv(server.url, { XDG_CACHE_HOME: cache });
    writePins();
    const warm = await run(['check', 'requirements.txt'], env);
    assert.equal(warm.status, 0, warm.stderr);
    const asked = server.requests.length;
    // A week old: past the six hours after which a run with the network asks again.
    const entries = path.join(cache, 'requirements-language-server');
    for (const f of fs.readdirSync(entries).filter((n) => n.endsWith('.json'))) {
      const entry = JSON.parse(fs.readFileSync(path.join(entries, f), 'utf8'));
      fs.writeFileSync(path.join(entries, f), JSON.stringify({ ...entry, fetchedAt: Date.now() - 7 * 24 * 3_600_000 }));
    }
    const offline = await run(['check', 'requirements.txt', '--offline', '--fail-on', 'vulnerable'], env);
    assert.equal(server.requests.length, asked, 'the index was not asked');
    assert.equal(offline.stdout, warm.stdout, 'the same findings, from the disk cache');
    assert.equal(offline.status, 1, 'a vulnerable pin found in the cache still fails the gate');
    assert.equal(offline.stderr, 'Offline (--offline): known vulnerabilities of all 3 pinned releases come from the disk cache, not refreshed.\n');
    // Some cached, some not: the vulnerable one found fails the gate; the others are said to be unchecked.
    const some = await run(['check', 'pins.txt', '--offline', '--fail-on', 'vulnerable'], env);
    assert.equal(some.status, 1);
    assert.match(some.stdout, /^pins\.txt:1:9: warning vulnerable requests 2\.30\.0 has 2 known vulnerabilities/);
    assert.equal(
      some.stderr,
      'Offline (--offline): known vulnerabilities of 1 of 30 pinned releases come from the disk cache, not refreshed; the other 29 were not checked; ' +
        '--fail-on vulnerable does not fail for those.\n',
    );
    // Nothing cached: not checked, said so, and the gate does not fail for missing data.
    fs.writeFileSync(path.join(dir, 'others.txt'), Array.from({ length: 5 }, (_, i) => `package-${i}==1.${i}\n`).join(''));
    const none = await run(['check', 'others.txt', '--offline', '--fail-on', 'vulnerable'], env);
    assert.equal(server.requests.length, asked, 'the index was not asked');
    assert.equal(none.status, 0, none.stderr);
    assert.equal(
      none.stderr,
      'Offline (--offline): known vulnerabilities were not checked: none of the 5 pinned releases is in the disk cache; ' +
        '--fail-on vulnerable does not fail for those.\n',
    );
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});
