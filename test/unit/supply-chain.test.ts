// The pure parts of issue 28's supply-chain facts: look-alike names against the real popularity table, which wheels
// an environment accepts (PEP 425/600/656 tags), licences and licence policies, release age, and osv-scanner.toml
// ignores. The server wires them to the index and the environment; these tests hold the rules.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLookAlikeIndex, oneEditApart } from '../../server/src/index/lookAlike.ts';
import { rankWords } from '../../server/src/service/supplyChainDiagnostics.ts';
import { platformTags, wheelFits, wheelTagsOf, describeEnvironment, type WheelEnvironment } from '../../server/src/service/supplyChain/wheelTags.ts';
import { licenceOf, licenceVerdict, spdxIdsOf } from '../../server/src/service/supplyChain/licence.ts';
import { ageWords, cooldownMessage, insideCooldown, uploadedAt } from '../../server/src/service/supplyChain/releaseAge.ts';
import { ignoreEntryText, ignoreOf, parseOsvIgnores } from '../../server/src/service/supplyChain/osvIgnores.ts';
import { normalizeName } from '../../server/src/syntax/names.ts';

const TABLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server/src/index/popularity.tsv');
const popular = fs
  .readFileSync(TABLE, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => normalizeName(l.split('\t')[0]));
const lookAlikes = createLookAlikeIndex(popular);

test('look-alikes: each kind of small edit of a popular name is found, and the target named', () => {
  const cases: [string, string][] = [
    ['numpi', 'numpy'], // one character for another
    ['reqeusts', 'requests'], // two swapped
    ['requestss', 'requests'], // one doubled
    ['reqests', 'requests'], // one missing
    ['python_dateutill', 'python-dateutil'], // separators do not matter, the extra l does
    ['rnatplotlib', 'matplotlib'], // rn for m
    ['opencv-python-headles', 'opencv-python-headless'],
  ];
  for (const [name, target] of cases) assert.equal(lookAlikes.lookAlikeOf(name)?.target, target, name);
  assert.equal(rankWords(lookAlikes.lookAlikeOf('numpi')!.rank), `the ${popular.indexOf('numpy') + 1}th most downloaded project`);
});

test('look-alikes: a popular project is never one, nor a name too short or too far', () => {
  // All in the table: real projects of their own, though one edit from a more popular one.
  for (const name of ['boto', 'pyaml', 'httpr', 'numpy', 'requests', 'pytest', 'flask', 'boto3']) assert.equal(lookAlikes.lookAlikeOf(name), undefined, name);
  assert.equal(lookAlikes.lookAlikeOf('sixx'), undefined, 'four characters');
  assert.equal(lookAlikes.lookAlikeOf('requ3stz'), undefined, 'two edits');
  assert.equal(lookAlikes.lookAlikeOf('x'.repeat(10_000)), undefined);
});

test('look-alikes: across the table, no popular name is flagged', () => {
  const flagged = popular.filter((n) => lookAlikes.lookAlikeOf(n));
  assert.deepEqual(flagged, []);
});

test('oneEditApart: the four edits, and not two', () => {
  assert.ok(oneEditApart('abcd', 'abxd'));
  assert.ok(oneEditApart('abcd', 'abdc'));
  assert.ok(oneEditApart('abcd', 'abd'));
  assert.ok(oneEditApart('abd', 'abcd'));
  assert.ok(!oneEditApart('abcd', 'abcd'));
  assert.ok(!oneEditApart('abcd', 'badc'));
  assert.ok(!oneEditApart('abc', 'bcd'));
});

const linux311: WheelEnvironment = { python: [3, 11], os: 'linux', arch: 'x86_64', libc: { kind: 'glibc', version: [2, 36] } };

test('wheels: what CPython 3.11 on glibc 2.36 x86_64 accepts', () => {
  const fits = (file: string, env = linux311) => wheelFits(wheelTagsOf(file)!, env);
  assert.ok(fits('psycopg2_binary-2.9.9-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl'));
  assert.ok(fits('numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl'));
  assert.ok(fits('cryptography-42.0.5-cp39-abi3-manylinux_2_28_x86_64.whl'), 'the stable ABI of an older version');
  assert.ok(fits('requests-2.31.0-py3-none-any.whl'));
  assert.ok(fits('six-1.16.0-py2.py3-none-any.whl'));
  assert.ok(fits('orjson-3.9.15-cp311-cp311-manylinux1_x86_64.whl'), 'the legacy alias');
  assert.ok(!fits('psycopg2-2.9.9-cp311-cp311-win_amd64.whl'), 'Windows');
  assert.ok(!fits('numpy-1.26.4-cp312-cp312-manylinux_2_17_x86_64.whl'), 'another version');
  assert.ok(!fits('numpy-1.26.4-cp311-cp311-manylinux_2_39_x86_64.whl'), 'a newer glibc');
  assert.ok(!fits('numpy-1.26.4-cp311-cp311-musllinux_1_1_x86_64.whl'), 'musl');
  assert.ok(!fits('numpy-1.26.4-cp311-cp311-manylinux_2_17_aarch64.whl'), 'another machine');
  assert.ok(!fits('cryptography-42.0.5-cp312-abi3-manylinux_2_28_x86_64.whl'), 'abi3 built for a newer version');
  assert.ok(!fits('typing-3.7.4-py2-none-any.whl'), 'Python 2 only');
  assert.equal(wheelTagsOf('psycopg2-2.9.9.tar.gz'), undefined);
  assert.equal(describeEnvironment(linux311), 'CPython 3.11 on manylinux x86_64');
});

test('wheels: musl, macOS and Windows platform tags', () => {
  const musl = platformTags({ python: [3, 12], os: 'linux', arch: 'aarch64', libc: { kind: 'musl', version: [1, 2] } });
  assert.ok(musl.has('musllinux_1_1_aarch64') && !musl.has('manylinux_2_17_aarch64'));
  const mac = platformTags({ python: [3, 12], os: 'macos', arch: 'arm64', macos: [14, 0] });
  assert.ok(mac.has('macosx_11_0_arm64') && mac.has('macosx_14_0_universal2') && !mac.has('macosx_15_0_arm64') && !mac.has('macosx_14_0_x86_64'));
  const win = platformTags({ python: [3, 12], os: 'windows', arch: 'x64' });
  assert.ok(win.has('win_amd64') && !win.has('win32'));
});

test('licence: the expression first, then a short licence field, then the classifiers', () => {
  assert.deepEqual(licenceOf({ license_expression: 'MIT OR Apache-2.0', license: 'whatever' }), {
    text: 'MIT OR Apache-2.0',
    ids: ['MIT', 'Apache-2.0'],
    from: 'expression',
  });
  assert.deepEqual(licenceOf({ license: 'Apache-2.0', classifiers: ['License :: OSI Approved :: Apache Software License'] }), {
    text: 'Apache-2.0',
    ids: ['Apache-2.0'],
    from: 'license',
  });
  const fullText = 'Copyright 2020\n\nPermission is hereby granted, free of charge, to any person obtaining a copy...';
  assert.deepEqual(licenceOf({ license: fullText, classifiers: ['Programming Language :: Python', 'License :: OSI Approved :: MIT License'] }), {
    text: 'MIT License',
    ids: ['MIT'],
    from: 'classifiers',
  });
  assert.equal(licenceOf({ license: 'UNKNOWN', classifiers: [] }), undefined);
  assert.equal(licenceOf({ license: 'Dual License' })?.ids.length, 0, 'a name that is not SPDX is shown, not checked');
  assert.deepEqual(spdxIdsOf('(GPL-2.0-only WITH Classpath-exception-2.0) AND MIT'), ['GPL-2.0-only', 'MIT']);
});

test('licence policy: deny wins, an allow list admits an OR choice, unknown licences fail an allow list', () => {
  const apache = licenceOf({ license: 'Apache-2.0' });
  const gpl = licenceOf({ license_expression: 'GPL-3.0-only' });
  const dual = licenceOf({ license_expression: 'GPL-3.0-only OR MIT' });
  assert.deepEqual(licenceVerdict(apache, { allow: [], deny: [] }), { ok: true });
  assert.equal(licenceVerdict(gpl, { allow: [], deny: ['GPL-3.0-only'] }).ok, false);
  assert.match((licenceVerdict(gpl, { allow: [], deny: ['gpl-3.0-only'] }) as { why: string }).why, /denied/);
  assert.equal(licenceVerdict(dual, { allow: ['MIT'], deny: ['GPL-3.0-only'] }).ok, true, 'MIT can be chosen');
  assert.equal(licenceVerdict(apache, { allow: ['MIT'], deny: [] }).ok, false);
  assert.equal(licenceVerdict(licenceOf({ license_expression: 'MIT AND Apache-2.0' }), { allow: ['MIT'], deny: [] }).ok, false, 'AND needs both');
  assert.match((licenceVerdict(undefined, { allow: ['MIT'], deny: [] }) as { why: string }).why, /states no licence/);
});

test('release age: the first upload counts, inside or outside the cooldown, in words', () => {
  const now = new Date('2026-12-07T12:00:00Z');
  const up = uploadedAt(['2026-12-06T13:00:00Z', undefined, '2026-12-06T10:00:00Z', 'garbage']);
  assert.equal(up?.toISOString(), '2026-12-06T10:00:00.000Z');
  assert.ok(insideCooldown(up!, 7, now));
  assert.ok(!insideCooldown(up!, 0, now), 'a cooldown of 0 days is off');
  assert.ok(!insideCooldown(new Date('2026-11-01T00:00:00Z'), 7, now));
  assert.equal(cooldownMessage('flask', '3.2.0', up!, 7, now), 'flask 3.2.0 was released 1 day ago; cooldown 7 days (requirements.cooldownDays).');
  assert.equal(ageWords(new Date('2024-01-01T00:00:00Z'), now), '2 years ago');
  assert.equal(uploadedAt([]), undefined);
});

test('osv-scanner.toml: entries with dates and reasons, an expired one hides nothing, bad entries are named', () => {
  const text = [
    '[[IgnoredVulns]]',
    'id = "GHSA-h5c8-rqwp-cp95"',
    'ignoreUntil = 2099-01-01',
    'reason = "We never render untrusted templates"',
    '',
    '[[IgnoredVulns]]',
    'id = "PYSEC-2020-1"',
    'ignoreUntil = 2020-01-01T00:00:00Z',
    '',
    '[[IgnoredVulns]]',
    'reason = "no id"',
    '',
  ].join('\n');
  const { entries, problems } = parseOsvIgnores(text);
  assert.equal(entries.length, 2);
  assert.deepEqual(problems, ['entry 3 has no id']);
  const now = new Date('2026-12-07T00:00:00Z');
  assert.equal(ignoreOf(entries, ['CVE-2024-1', 'ghsa-h5c8-rqwp-cp95'], now)?.reason, 'We never render untrusted templates', 'by alias, any case');
  assert.equal(ignoreOf(entries, ['PYSEC-2020-1'], now), undefined, 'expired');
  assert.match(parseOsvIgnores('[[IgnoredVulns]\nid=').problems[0], /not valid TOML/);
  assert.deepEqual(parseOsvIgnores('IgnoredVulns = 3').problems, ['IgnoredVulns is not an array of tables ([[IgnoredVulns]])']);
  // The quick fix's entry reads back.
  const appended = text + ignoreEntryText('GHSA-xxxx', new Date('2027-03-01T00:00:00Z'), 'waiting for 3.1.5', text);
  assert.deepEqual(parseOsvIgnores(appended).entries.at(-1), {
    id: 'GHSA-xxxx',
    until: parseOsvIgnores(appended).entries.at(-1)!.until,
    reason: 'waiting for 3.1.5',
  });
  assert.equal(parseOsvIgnores(appended).entries.at(-1)!.until!.toISOString().slice(0, 10), '2027-03-01');
});
