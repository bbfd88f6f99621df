// Compiling a pyproject.toml: `[project] dependencies` with the chosen extras and dependency groups (PEP 735,
// include-group followed) to a requirements.txt. pip-compile and uv read the file themselves (--extra, --group);
// the built-in resolver resolves the requirement strings our pyproject reader finds, so that nothing is built:
// no build backend, no network beyond the index, and the project itself is not a pin (as pip-compile writes it).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readPyprojectDocument } from '../syntax/pyprojectDocument.js';
import { parse } from '../syntax/parse.js';
import { scanToml } from '../syntax/toml.js';
import { compiledHeader } from '../workspace/annotations.js';
import type { FileReader } from '../workspace/includes.js';
import { specifiersByName } from '../workspace/sourceSpecifiers.js';
import type { SourceFacts } from './sources.js';

export interface PyprojectSelection {
  extras: string[];
  groups: string[];
  /** pip-compile's and uv's --all-extras: every extra of [project.optional-dependencies]. */
  allExtras?: boolean;
}

export type PyprojectInputs = { requirements: { text: string; normalized?: string }[]; project: string } | { error: string };

const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** The requirement strings the selection installs: the dependencies, each chosen extra's and each chosen group's (includes followed). */
export function pyprojectInputs(text: string, selection: PyprojectSelection): PyprojectInputs {
  const doc = readPyprojectDocument(text);
  const scan = scanToml(text);
  const project = scan.strings.get('project.name')?.value ?? 'pyproject';
  const dynamic = [...(scan.arrays.get('project.dynamic')?.values() ?? [])].map((l) => l.value);
  if (dynamic.includes('dependencies') || dynamic.includes('optional-dependencies'))
    return { error: `${project}'s dependencies are dynamic (computed by its build backend); compile it with pip-compile or uv, which build it` };
  const byArray = new Map<string, { text: string; normalized?: string }[]>();
  for (const line of doc.lines) {
    const table = line.host?.table;
    if (!table) continue;
    byArray.set(table, [...(byArray.get(table) ?? []), { text: line.text, normalized: line.project }]);
  }
  const arrayOf = (prefix: string, name: string) =>
    [...scan.arrays.keys(), ...byArray.keys()].find((k) => k.startsWith(prefix) && normalize(k.slice(prefix.length)) === normalize(name));
  const requirements = [...(byArray.get('project.dependencies') ?? [])];
  const every = selection.allExtras
    ? [...byArray.keys()].filter((k) => k.startsWith('project.optional-dependencies.')).map((k) => k.slice('project.optional-dependencies.'.length))
    : [];
  for (const extra of [...selection.extras, ...every.filter((e) => !selection.extras.includes(e))]) {
    const key = arrayOf('project.optional-dependencies.', extra);
    if (!key) return { error: `${project} has no extra '${extra}' in [project.optional-dependencies]` };
    requirements.push(...(byArray.get(key) ?? []));
  }
  // include-group entries, by the normalized name of the group that holds them.
  const includes = new Map<string, string[]>();
  for (const [p, lit] of scan.strings) {
    const m = /^dependency-groups\.([^.]+)\.\d+\.include-group$/.exec(p);
    if (m) includes.set(normalize(m[1]), [...(includes.get(normalize(m[1])) ?? []), lit.value]);
  }
  const seen = new Set<string>();
  const addGroup = (group: string): string | undefined => {
    if (seen.has(normalize(group))) return undefined; // a cycle is the reader's diagnostic; each group counts once
    seen.add(normalize(group));
    const key = arrayOf('dependency-groups.', group);
    if (!key) return `${project} has no dependency group '${group}' in [dependency-groups]`;
    requirements.push(...(byArray.get(key) ?? []));
    for (const included of includes.get(normalize(group)) ?? []) {
      const missing = addGroup(included);
      if (missing) return missing;
    }
    return undefined;
  };
  for (const group of selection.groups) {
    const missing = addGroup(group);
    if (missing) return { error: missing };
  }
  // A self-reference (`demo[test]` in demo's own extras) is the project, which is not built here.
  const self = normalize(project);
  const own = requirements.filter((r) => r.normalized === self);
  if (own.length) return { error: `${project} requires itself (${own[0].text}); compile it with pip-compile or uv, which build it` };
  return { requirements, project };
}

/** The requirements.txt a selection compiles to, beside the pyproject.toml: requirements[-extra][-group].txt. */
export function pyprojectOutput(file: string, selection: PyprojectSelection): string {
  const parts = [...(selection.allExtras ? ['all-extras'] : selection.extras), ...selection.groups].map(normalize);
  return path.join(path.dirname(file), `requirements${parts.length ? `-${parts.join('-')}` : ''}.txt`);
}

export interface PyprojectTargets {
  source: string;
  output: string;
  facts: SourceFacts;
  /** What the tools are given besides the file: `--extra`/`--group` (pip-compile has no groups: undefined then). */
  toolArgs: { uv: string[]; pipCompile?: string[] };
  /** The header's command, after `requirements-language-server compile`. */
  commandArgs: string[];
  /** The built-in resolver's input: a temporary `.in` of the selection's requirement strings, made on first call. */
  resolveFrom(): string;
  /** Removes that temporary file. */
  dispose(): void;
}

/** What compiling a pyproject.toml with a selection reads and writes; every pin it names is `# via PROJECT (pyproject.toml)`. */
export function pyprojectTargets(file: string, text: string, selection: PyprojectSelection & { output?: string }): PyprojectTargets | { error: string } {
  const inputs = pyprojectInputs(text, selection);
  if ('error' in inputs) return inputs;
  const output = selection.output ?? pyprojectOutput(file, selection);
  const inText = inputs.requirements.map((r) => r.text).join('\n') + '\n';
  const label = `${inputs.project} (${path.relative(path.dirname(output), file) || path.basename(file)})`;
  const sources = new Map<string, string[]>();
  for (const r of inputs.requirements) if (r.normalized) sources.set(r.normalized, [label]);
  const facts: SourceFacts = {
    sources,
    optionLines: [],
    specifiers: specifiersByName([parse(inText)]),
    documents: [{ path: file, document: readPyprojectDocument(text) }],
  };
  const extras = selection.allExtras ? ['--all-extras'] : selection.extras.flatMap((e) => ['--extra', e]);
  const groups = selection.groups.flatMap((g) => ['--group', g]);
  const relOutput = path.relative(path.dirname(file), output);
  let work: string | undefined;
  return {
    source: file,
    output,
    facts,
    toolArgs: { uv: [...extras, ...groups], pipCompile: groups.length ? undefined : extras },
    commandArgs: [...extras, ...groups, ...(relOutput === 'requirements.txt' ? [] : ['--output-file', relOutput]), path.basename(file)],
    resolveFrom() {
      work ??= fs.mkdtempSync(path.join(os.tmpdir(), 'rls-pyproject-'));
      fs.writeFileSync(path.join(work, 'requirements.in'), inText);
      return path.join(work, 'requirements.in');
    },
    dispose: () => work && fs.rmSync(work, { recursive: true, force: true }),
  };
}

/**
 * A compiled file whose header names a pyproject.toml and no `.in` (as pip-compile, uv and our compile write it):
 * that pyproject.toml and the header's --extra/--group, so that recompiling the file compiles what made it.
 */
export function pyprojectOfCompiled(file: string, read: FileReader): (PyprojectSelection & { source: string }) | undefined {
  const text = read(file);
  if (text === undefined) return undefined;
  const header = compiledHeader(parse(text));
  if (header.sources.some((s) => /\.in$/i.test(s))) return undefined;
  const named = header.sources.find((s) => /(^|[\\/])pyproject\.toml$/i.test(s));
  if (!named) return undefined;
  const { extras, allExtras, groups } = header.command;
  return { source: path.resolve(path.dirname(file), named), extras, allExtras, groups: groups.map((g) => g.name) };
}
