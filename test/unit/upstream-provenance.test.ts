// Provenance on the second held-out corpus of issue 26: what `uv pip compile` and pip-compile print in their own test
// suites, with the input files their tests wrote (test/data/upstream/compiled.json, extracted by extract-compiled.py).
// For every pin with a `# via` annotation: the hover names each entry of it, and go-to-definition on the pin lands
// on the line that asks for it (the parent pin, or the source file's line naming it).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLanguageService } from '../../server/src/service/index.ts';
import { parse } from '../../server/src/syntax/index.ts';
import { normalizeName } from '../../server/src/syntax/names.ts';
import type { LogicalLine } from '../../server/src/syntax/types.ts';
import { workspaceOf } from '../../server/src/workspace/index.ts';
import { splitVia, readViaEntry, type ViaEntry } from '../../server/src/workspace/viaSources.ts';

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../data/upstream/compiled.json');
interface CompiledCase {
  id: string;
  note: string;
  tool: 'uv' | 'pip-tools';
  files: Record<string, string>;
  output: string;
  /** Where the compiled file is, for one a repository keeps; else it is written where the command ran. */
  output_path?: string;
}
const corpus: { sources: Record<string, string>; cases: CompiledCase[] } = JSON.parse(fs.readFileSync(DATA, 'utf8'));
const read = (p: string) => (fs.existsSync(p) && fs.statSync(p).isFile() ? fs.readFileSync(p, 'utf8') : undefined);
const ZERO = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** The `# via` entries written under (or beside) requirement line `i`, read here without the server's reader. */
function viaOf(lines: readonly LogicalLine[], i: number): string[] {
  const inline = /#\s*via\s+(.*)$/.exec(lines[i].comment?.text ?? '');
  if (inline) return splitVia(inline[1]).map((p) => p.text);
  const next = lines[i + 1];
  if (next?.kind !== 'comment') return [];
  const one = /^\s*#\s*via\s+(.+)$/.exec(next.text);
  if (one) return splitVia(one[1]).map((p) => p.text);
  if (!/^\s*#\s*via\s*$/.test(next.text)) return [];
  const out: string[] = [];
  for (let j = i + 2; j < lines.length && lines[j].kind === 'comment'; j++) {
    const m = /^\s*#\s{2,}(\S.*)$/.exec(lines[j].text);
    if (!m) break;
    out.push(m[1].trim());
  }
  return out;
}

/** What the hover must show to name an entry: its package, its file, or its project file with the part of it. */
function naming(v: ViaEntry): string[] {
  switch (v.kind) {
    case 'package':
      return [v.name];
    case 'file':
      return [path.basename(v.path)];
    case 'url':
      return [v.url];
    case 'stdin':
      return ['standard input'];
    case 'project':
      return [v.project ?? '', path.basename(v.path), v.group ?? '', v.build ? 'build' : ''].filter(Boolean);
    case 'workspace':
      return ['workspace'];
    default:
      return [v.text];
  }
}

/** The folder the command ran in: `--directory` moves it (uv). */
function ranIn(dir: string, output: string): string {
  const m = /^#\s+uv pip compile .*--directory[ =](\S+)/m.exec(output);
  return m ? path.join(dir, m[1]) : dir;
}

/** The 1-based lines of `file` (and, for a requirements file, the files it includes) that ask for `name`/`written`. */
function askingLines(file: string, name: string | undefined, written: string, seen = new Set<string>()): string[] {
  const text = read(file);
  if (text === undefined || seen.has(file)) return [];
  seen.add(file);
  const out: string[] = [];
  const toml = file.endsWith('.toml');
  text.split(/\r?\n/).forEach((line, k) => {
    const at = `${file}:${k + 1}`;
    if (toml) {
      // A quoted requirement (PEP 621, dependency groups, build-system.requires) or a Poetry key.
      const quoted = [...line.matchAll(/["']\s*([A-Za-z0-9][A-Za-z0-9._-]*)/g)].map((m) => normalizeName(m[1]));
      const key = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*=/.exec(line);
      if (
        name &&
        (quoted.includes(name) || (key && normalizeName(key[1]) === name && !/^\s*(name|version|requires|build-backend|requires-python)\s*=/.test(line)))
      )
        out.push(at);
      return;
    }
    const include = /^\s*(?:-r|--requirement)\s*=?\s*(\S+)/.exec(line);
    if (include) out.push(...askingLines(path.resolve(path.dirname(file), include[1]), name, written, seen));
    const first = /^\s*(?:(?:-e|--editable)\s*=?\s*)?([^\s;#]+)/.exec(line)?.[1] ?? '';
    const lead = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(first)?.[0];
    if ((name && lead && normalizeName(lead) === name && !first.includes('/')) || (!name && first && sameTarget(first, written, path.dirname(file))))
      out.push(at);
    else if (name && new RegExp(`#egg=${name.replace(/-/g, '[-_.]')}\\b`, 'i').test(line)) out.push(at);
  });
  return out;
}

/** A path or URL as written in a source and as the compiled file writes it: the same place once resolved. */
function sameTarget(a: string, b: string, folder: string): boolean {
  const place = (s: string) => {
    s = s
      .replace(/\[.*\]$/, '')
      .replace(/^file:\/\/(localhost)?/, '')
      .replace(/#.*$/, '');
    return /^[a-z+]+:/.test(s) ? s : path.resolve(folder, s).replace(/\/+$/, '');
  };
  return place(a) === place(b);
}

interface Tally {
  entries: number;
  named: number;
  pins: number;
  landed: number;
  misses: string[];
}

function measure(c: CompiledCase, tally: Tally): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-compiled-'));
  const fill = (s: string) => s.replaceAll('[TEMP_DIR]', dir);
  try {
    for (const [rel, text] of Object.entries(c.files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), fill(text));
    }
    const output = fill(c.output);
    const folder = ranIn(dir, output);
    const name = fs.existsSync(path.join(folder, 'requirements.txt')) ? 'compiled.txt' : 'requirements.txt';
    const file = c.output_path ? path.join(dir, c.output_path) : path.join(folder, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, output);
    measureFile(dir, file, `${c.id} ${c.note}`, tally);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Measures the compiled file `file` (its sources laid out around it, `dir` the root). */
function measureFile(dir: string, file: string, label: string, tally: Tally): void {
  {
    const output = read(file)!;
    const folder = ranIn(dir, output);
    const doc = parse(output, { env: { PROJECT_ROOT: dir } });
    const service = createLanguageService({ exists: (p) => fs.existsSync(p) });
    const ctx = workspaceOf(read, { PROJECT_ROOT: dir }).contextWith(file, doc);
    const pinLines = new Map<string, number[]>();
    doc.lines.forEach((l) => l.project && pinLines.set(l.project, [...(pinLines.get(l.project) ?? []), l.firstLine]));
    doc.lines.forEach((line, i) => {
      const r = line.requirement;
      if (line.kind !== 'requirement' || !r) return;
      const via = viaOf(doc.lines, i).map((t) => readViaEntry(t, ZERO));
      if (via.length === 0) return;
      const at = (r.name ?? r.path ?? r.url)?.range.start;
      if (!at) return;
      const where = `${label} line ${line.firstLine + 1} ${line.text.trim().slice(0, 60)}`;
      const hover = service.hover(ctx, at);
      const shown = (hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '').replace(/\\(.)/g, '$1');
      for (const v of via) {
        tally.entries++;
        if (naming(v).every((s) => shown.includes(s))) tally.named++;
        else tally.misses.push(`hover ${where}: ${v.text}`);
      }
      // Where each entry asks for the pin: a parent's line here, or the source's line (when the oracle finds one).
      const expected: string[][] = [];
      const key = r.name?.normalized;
      const written = (r.path ?? r.url)?.text ?? '';
      for (const v of via) {
        if (v.kind === 'package') {
          const lines = pinLines.get(v.normalized);
          if (lines) expected.push(lines.map((n) => `${file}:${n + 1}`));
        } else if (v.kind === 'file' || v.kind === 'project') {
          const src = path.resolve(folder, v.path);
          const lines = askingLines(src, key, written);
          if (lines.length) expected.push(lines);
        }
      }
      if (expected.length === 0) return;
      tally.pins++;
      const got = new Set(service.definition(ctx, at).map((l) => `${fileURLToPath(l.uri)}:${l.range.start.line + 1}`));
      const missing = expected.filter((alternatives) => !alternatives.some((a) => got.has(a)));
      if (missing.length === 0) tally.landed++;
      else
        tally.misses.push(
          `definition ${where}: wanted ${missing.map((m) => m[0].replace(dir, '')).join(', ')}, got ${[...got].map((g) => g.replace(dir, '')).join(', ')}`,
        );
    });
  }
}

const pct = (a: number, b: number) => ((100 * a) / b).toFixed(1);

test("real repositories' compiled files (test/data/real): the same measure", (t) => {
  const REAL = path.resolve(path.dirname(DATA), '../real');
  const tally: Tally = { entries: 0, named: 0, pins: 0, landed: 0, misses: [] };
  let files = 0;
  for (const repo of fs.readdirSync(REAL).filter((d) => fs.statSync(path.join(REAL, d)).isDirectory())) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-real-compiled-'));
    try {
      const dir = path.join(tmp, repo);
      fs.cpSync(path.join(REAL, repo), dir, { recursive: true });
      for (const rel of fs.readdirSync(dir, { recursive: true }).map(String)) {
        const file = path.join(dir, rel);
        if (!/\.txt$/.test(rel) || !/autogenerated by (pip-compile|uv)/.test(read(file) ?? '')) continue;
        files++;
        measureFile(dir, file, `${repo}/${rel}`, tally);
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  t.diagnostic(
    `real: ${files} compiled files; hover names ${tally.named}/${tally.entries} entries (${pct(tally.named, tally.entries)}%); definition lands for ${tally.landed}/${tally.pins} pins (${pct(tally.landed, tally.pins)}%)`,
  );
  for (const m of tally.misses.slice(0, 40)) t.diagnostic(m);
  assert.ok(files >= 50);
  assert.ok(tally.named / tally.entries >= 0.98, `${pct(tally.named, tally.entries)}% of entries named`);
  assert.ok(tally.landed / tally.pins >= 0.99, `${pct(tally.landed, tally.pins)}% of pins land`);
});

for (const tool of ['uv', 'pip-tools'] as const) {
  test(`${tool}'s compiled outputs: the hover names ≥ 98% of # via entries, definition lands for ≥ 99% of pins`, (t) => {
    const cases = corpus.cases.filter((c) => c.tool === tool);
    const tally: Tally = { entries: 0, named: 0, pins: 0, landed: 0, misses: [] };
    for (const c of cases) measure(c, tally);
    t.diagnostic(
      `${tool}: ${cases.length} outputs; hover names ${tally.named}/${tally.entries} entries (${pct(tally.named, tally.entries)}%); definition lands for ${tally.landed}/${tally.pins} pins (${pct(tally.landed, tally.pins)}%)`,
    );
    for (const m of tally.misses.slice(0, 40)) t.diagnostic(m);
    assert.ok(cases.length >= (tool === 'uv' ? 300 : 10));
    assert.ok(tally.named / tally.entries >= 0.98, `${pct(tally.named, tally.entries)}% of entries named`);
    assert.ok(tally.landed / tally.pins >= 0.99, `${pct(tally.landed, tally.pins)}% of pins land`);
  });
}
