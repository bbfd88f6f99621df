// `check` and known vulnerabilities, run as CI runs it: text, JSON and SARIF (validated against the SARIF 2.1.0
// schema shipped on the npm registry, a draft-04 schema, hence ajv-draft-04), failing only with --fail-on; the loopback index and the OSV stand-in answer.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { indexedEnv, testEnv } from './client.ts';
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
  const ignored = await run(['check', 'requirements.txt', '--fail-on=vulnerable', '--ignore-vuln', 'GHSA-h5c8-rqwp-cp95', '--ignore-vuln', 'PYSEC-2023-74', '--ignore-vuln=CVE-2024-35195'], env);
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
  assert.deepEqual(out.map((d: any) => [path.basename(d.file), d.line, d.column, d.severity, d.code]), [
    ['dev.txt', 1, 7, 'warning', 'vulnerable'],
    ['requirements.txt', 1, 9, 'warning', 'vulnerable'],
  ]);
  assert.equal(out[1].message, REQUESTS);
  assert.deepEqual(osv.requests.filter((q) => q.path === '/v1/querybatch').map((q) => q.queries), [3], 'one batch for every pin of every file');
});

test('SARIF 2.1.0: valid against the schema, every diagnostic on its line, vulnerabilities included', async () => {
  fs.writeFileSync(path.join(dir, 'broken.txt'), 'requests==2.30.0\nflask==\n');
  const r = await run(['check', 'broken.txt', '--format', 'sarif'], indexedEnv(server.url));
  assert.equal(r.status, 1, 'the syntax error fails the run');
  const log = JSON.parse(r.stdout);
  const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true, unicodeRegExp: false }).compile(SARIF_SCHEMA);
  assert.equal(validate(log), true, JSON.stringify(validate.errors, null, 2));
  const results = log.runs[0].results;
  assert.deepEqual(results.map((x: any) => [x.ruleId, x.level, x.locations[0].physicalLocation.artifactLocation.uri, x.locations[0].physicalLocation.region.startLine]), [
    ['vulnerable', 'warning', 'broken.txt', 1],
    ['missing-version', 'error', 'broken.txt', 2],
  ]);
  assert.equal(results[0].message.text, REQUESTS);
  assert.deepEqual(log.runs[0].tool.driver.rules.map((x: any) => x.id).sort(), ['missing-version', 'vulnerable']);
  // A log that breaks the schema is caught: the validation is real.
  assert.equal(validate({ ...log, version: '2.0.0' }), false);
});

test('offline: told once on stderr, nothing invented, exit 0', async () => {
  const closed = await startOsvStandIn();
  await closed.stop();
  const r = await run(['check', 'requirements.txt', '--vulnerability-source=osv', `--osv-url=${closed.url}`, '--fail-on', 'vulnerable'], testEnv());
  assert.equal(r.status, 0);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.match(/Known vulnerabilities cannot be checked/g)?.length, 1, r.stderr);
});
