// A realistic requirements file generated from the top-15000 PyPI projects, using every construct the parser knows.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SHARED_DATA = path.resolve(here, '../../shared/data');

export interface TopProject {
  rank: number;
  name: string;
  version: string;
  summary: string;
}

/** The popularity table committed in the repo (same projects, in rank order, without the rank column). */
const POPULARITY = path.resolve(here, '../server/src/index/popularity.tsv');

/** From ../shared/data when it is there; else from the repo's derived popularity table (a fresh CI clone). */
export function topProjects(): TopProject[] {
  const shared = path.join(SHARED_DATA, 'pypi-top15000.tsv');
  if (!fs.existsSync(shared)) {
    return fs
      .readFileSync(POPULARITY, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line, i) => {
        const [name, version, summary] = line.split('\t');
        return { rank: i + 1, name, version, summary: summary ?? '' };
      });
  }
  const text = fs.readFileSync(shared, 'utf8');
  return text
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => {
      const [rank, name, version, summary] = line.split('\t');
      return { rank: Number(rank), name, version, summary: summary ?? '' };
    });
}

const HASH = 'sha256:' + '0123456789abcdef'.repeat(4);

/** Lines of a realistic file; every 50th line is an option, include, URL or editable. */
export function realisticLines(count: number): string[] {
  const projects = topProjects();
  const lines: string[] = [
    '# Generated for benchmarks',
    '--index-url https://pypi.org/simple',
    '--extra-index-url https://${PRIVATE_TOKEN}@pkgs.example/simple',
    '',
  ];
  for (let i = 0; lines.length < count; i++) {
    const p = projects[i % projects.length];
    switch (i % 50) {
      case 7:
        lines.push(`${p.name}[security,socks]>=${p.version} ; python_version >= "3.8" and sys_platform != "win32"`);
        break;
      case 13:
        lines.push(`${p.name}==${p.version} \\`, `    --hash=${HASH} \\`, `    --hash=${HASH}`);
        break;
      case 17:
        lines.push(`${p.name}==${p.version}`, `    # via`, `    #   -r requirements.in`, `    #   ${projects[(i + 1) % projects.length].name}`);
        break;
      case 21:
        lines.push(`-e git+https://github.com/example/${p.name}@v${p.version}#egg=${p.name}`);
        break;
      case 23:
        lines.push(`${p.name} @ https://files.example/${p.name}-${p.version}-py3-none-any.whl`);
        break;
      case 29:
        lines.push(`-r extra-${i}.txt`, `-c constraints-${i}.txt`);
        break;
      case 31:
        lines.push(`${p.name}~=${p.version.split('.').slice(0, 2).join('.')}${p.version.includes('.') ? '' : '.0'}  # compatible release`);
        break;
      case 37:
        lines.push('', `# ${p.summary.replace(/\s+/g, ' ').slice(0, 60)}`);
        break;
      case 41:
        lines.push(`${p.name}>=1.0,<${Number(p.version.split('.')[0]) + 1}.0,!=1.5.*`);
        break;
      default:
        lines.push(`${p.name}==${p.version}`);
    }
  }
  return lines.slice(0, count);
}

const DATA = path.resolve(here, '../test/data');

/**
 * A text nobody here wrote: the requirements files of test/data/real and the upstream suites' cases and compiled
 * outputs (test/data/upstream), in a fixed shuffled order, cut to `count` lines at a logical line's end. Hashes
 * with continuations, markers, URLs and `# via` comments occur as often as those projects write them.
 */
export function heldOutLines(count: number): string[] {
  const texts: { key: string; text: string }[] = [];
  const real = path.join(DATA, 'real');
  for (const f of fs.readdirSync(real, { recursive: true }).map(String)) {
    const p = path.join(real, f);
    if (/\.(txt|in)$/.test(f) && fs.statSync(p).isFile()) texts.push({ key: f, text: fs.readFileSync(p, 'utf8') });
  }
  const upstream = path.join(DATA, 'upstream');
  for (const c of JSON.parse(fs.readFileSync(path.join(upstream, 'cases.json'), 'utf8')) as { id: string; text: string }[])
    texts.push({ key: c.id, text: c.text });
  for (const c of (JSON.parse(fs.readFileSync(path.join(upstream, 'compiled.json'), 'utf8')) as { cases: { id: string; output: string }[] }).cases) {
    texts.push({ key: c.id, text: c.output });
  }
  // A fixed order that mixes the sources (FNV-1a of the key).
  const fnv = (s: string) => [...s].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0, 2166136261);
  texts.sort((a, b) => fnv(a.key) - fnv(b.key) || (a.key < b.key ? -1 : 1));
  const lines: string[] = [];
  for (const { text } of texts) {
    lines.push(...text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n'));
    if (lines.length >= count) break;
  }
  lines.length = Math.min(lines.length, count);
  while (lines.length && /\\$/.test(lines[lines.length - 1])) lines.pop();
  return lines;
}
