// One registry of diagnostic codes (server/src/syntax/diagnosticCodes.ts), kept by a test: no producer writes a
// code as a literal, every code the source names is registered, and the README's table lists exactly the
// registered codes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIAGNOSTIC_CODES, DiagnosticCode } from '../../server/src/syntax/diagnosticCodes.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = path.join(ROOT, 'server/src');
const REGISTRY = path.join(SRC, 'syntax/diagnosticCodes.ts');

function files(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** What a source file says about codes: literals given as a diagnostic's code, and codes it names otherwise. */
function codesIn(text: string): { literals: string[]; named: string[] } {
  const literals = [...text.matchAll(/\bcode:\s*['"`]([^'"`]*)['"`]/g)].map((m) => m[1]);
  const named = [
    // The parser's builder takes the code first: `b.report('invalid-marker', …)` (typed as a DiagnosticCode).
    ...text.matchAll(/\breport\(\s*'([a-z]+(?:-[a-z]+)*)'/g),
    // Readers of a diagnostic: `d.code === 'yanked'` (not `typeof error.code === 'string'`).
    ...text.matchAll(/(?<!typeof\s+[\w.?()]*)\.code\s*[!=]==?\s*'([a-z]+(?:-[a-z]+)*)'/g),
  ].map((m) => m[1]);
  return { literals, named };
}

test('no diagnostic code is written as a literal outside the registry, and every code named is registered', () => {
  const registered = new Set<string>(Object.values(DiagnosticCode));
  const literal: string[] = [];
  const unknown: string[] = [];
  for (const file of files(SRC)) {
    if (file === REGISTRY) continue;
    const { literals, named } = codesIn(fs.readFileSync(file, 'utf8'));
    const where = path.relative(SRC, file);
    for (const c of literals) literal.push(`${where}: code: '${c}'`);
    for (const c of named) if (!registered.has(c)) unknown.push(`${where}: '${c}'`);
  }
  assert.deepEqual(literal, [], 'use DiagnosticCode.X from syntax/diagnosticCodes.ts');
  assert.deepEqual(unknown, [], 'add the code to syntax/diagnosticCodes.ts (and the README table)');
});

test('the check sees a literal code and an unregistered one', () => {
  const { literals, named } = codesIn(
    "out.push({ range, code: 'brand-new', message });\nb.report('also-new', 'm', 0, 1);\nif (d.code === 'yanked') x();\nif (typeof e.code === 'string') y();",
  );
  assert.deepEqual(literals, ['brand-new']);
  assert.deepEqual(named, ['also-new', 'yanked']);
});

test('every registered code has its severity and description, and each constant its own code', () => {
  const values = Object.values(DiagnosticCode);
  assert.equal(new Set(values).size, values.length, 'two constants share a code');
  assert.deepEqual(Object.keys(DIAGNOSTIC_CODES).sort(), [...values].sort());
  for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) {
    assert.ok(['error', 'warning', 'information', 'hint'].includes(info.severity), code);
    assert.match(info.description, /^\S.{5,}$/, `${code}: one line`);
  }
});

test("the README's table of diagnostic codes lists exactly the registered codes", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Diagnostic codes'));
  const table = section.slice(0, section.indexOf('\n## ', 1));
  const listed = new Set<string>();
  for (const row of table.split('\n').filter((l) => l.startsWith('| `'))) {
    const first = row.split('|')[1];
    for (const m of first.matchAll(/`([a-z-]+)`/g)) listed.add(m[1]);
  }
  const published = Object.entries(DIAGNOSTIC_CODES)
    .filter(([, info]) => !info.internal)
    .map(([code]) => code);
  assert.deepEqual([...listed].sort(), published.sort());
});
