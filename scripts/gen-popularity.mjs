// Generates server/src/index/popularity.tsv from ../shared/data/pypi-top15000.tsv:
// the most downloaded projects in rank order with their latest version and a short summary.
// They rank name completion, and serve it before (or without) the index's full project list.
// Run: node scripts/gen-popularity.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsv = readFileSync(join(root, '..', 'shared', 'data', 'pypi-top15000.tsv'), 'utf8');
const rows = tsv
  .split('\n')
  .slice(1)
  .filter(Boolean)
  .map((line) => line.split('\t'))
  .sort((a, b) => Number(a[0]) - Number(b[0]));
// One string, one project a line: name \t version \t summary. Summaries only for the top 5,000 and cut at
// 70 characters, to keep the bundle small (the index supplies the rest).
const body = rows
  .map(([, name, version, summary = ''], i) => [name, version ?? '', i < 5000 ? summary.replace(/\s+/g, ' ').trim().slice(0, 70) : ''].join('\t'))
  .join('\n');
// A data file beside the code (copied next to the bundle by the build), read on first use: compiling it
// into the bundle as a string cost every start-up ~10 ms.
const out = body + '\n';
writeFileSync(join(root, 'server', 'src', 'index', 'popularity.tsv'), out);
process.stdout.write(`wrote ${rows.length} projects, ${(out.length / 1024).toFixed(0)} KiB\n`);
