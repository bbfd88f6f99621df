// What the `.in` file (and the files it includes) says for the compiled output: which file names which
// package (for `# via -r file`), option lines pip-compile copies, and pins to prefer from the last output.

import * as path from 'node:path';
import { valid } from '@renovatebot/pep440';
import { versionSatisfies } from '../shared/pep440.js';
import { normalizeName } from '../syntax/names.js';
import { parse } from '../syntax/parse.js';
import type { ParsedDocument } from '../syntax/types.js';
import { documentsFrom, type FileReader } from '../workspace/includes.js';
import { readAnnotations } from '../workspace/annotations.js';
import { sourceDocuments, specifiersByName } from '../workspace/sourceSpecifiers.js';

export interface SourceFacts {
  /** Normalized name → `-r requirements.in` / `-c constraints.txt`, paths relative to the output's folder. */
  sources: Map<string, string[]>;
  /** `--index-url`, `--extra-index-url`, `--find-links`, `--trusted-host`, `--no-binary`, `--only-binary` lines. */
  optionLines: string[];
  /** Every requirement line's normalized name → its specifier texts (to drop preferences they exclude). */
  specifiers: Map<string, string[]>;
  /** Every file read, for turning tool output into diagnostics. */
  documents: { path: string; document: ParsedDocument }[];
}

const COPIED = new Set(['--index-url', '--extra-index-url', '--find-links', '--trusted-host', '--no-binary', '--only-binary']);
const PYPI = /^https?:\/\/pypi\.org\/simple\/?$/;

export function readSources(source: string, output: string, read: FileReader, env?: Record<string, string | undefined>): SourceFacts | undefined {
  const files = sourceDocuments(source, documentsFrom(read, env), env);
  if (!files) return undefined;
  const facts: SourceFacts = {
    sources: new Map(),
    optionLines: [],
    specifiers: new Map(),
    documents: files.map((f) => ({ path: f.path, document: f.document })),
  };
  const folder = path.dirname(output);
  for (const file of files) {
    const label = `${file.kind === 'constraint' ? '-c' : '-r'} ${path.relative(folder, file.path) || path.basename(file.path)}`;
    for (const line of file.document.lines) {
      if (line.kind === 'option' && file.kind === 'requirement') {
        for (const o of line.options) {
          if (!COPIED.has(o.canonical) || !o.value?.text) continue;
          if (o.canonical === '--index-url' && PYPI.test(o.value.text)) continue;
          const optionLine = `${o.canonical} ${o.value.text}`;
          if (!facts.optionLines.includes(optionLine)) facts.optionLines.push(optionLine);
        }
      }
      const name = line.project;
      if (!name) continue;
      const list = facts.sources.get(name) ?? [];
      if (!list.includes(label)) list.push(label);
      facts.sources.set(name, list);
    }
  }
  facts.specifiers = specifiersByName(files.map((f) => f.document));
  return facts;
}

/**
 * The pins of the previous output that may stay (pip-compile keeps them unless told to upgrade): not being
 * upgraded, and still allowed by every specifier the sources give their name.
 */
export function preferredPins(previous: string | undefined, facts: SourceFacts, upgrade: { all: boolean; packages: string[] }): string[] {
  // `--upgrade-package name==X` (as pip-compile and uv take it) asks for that release: a constraint of its own.
  const wanted = upgrade.packages.map((p) => /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:==\s*(\S+))?\s*$/.exec(p)).filter((m): m is RegExpExecArray => !!m);
  const forced = wanted.filter((m) => m[2]).map((m) => `${normalizeName(m[1])}==${m[2]}`);
  if (!previous || upgrade.all) return forced;
  const skip = new Set(wanted.map((m) => normalizeName(m[1])));
  const out: string[] = [...forced];
  for (const pin of readAnnotations(parse(previous)).pins.values()) {
    if (!pin.version || skip.has(pin.normalized) || !valid(pin.version)) continue;
    const specs = facts.specifiers.get(pin.normalized) ?? [];
    if (specs.every((s) => versionSatisfies(pin.version!, s))) out.push(`${pin.normalized}==${pin.version}`);
  }
  return out;
}
