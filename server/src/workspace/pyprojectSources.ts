// Where a project file (pyproject.toml, setup.cfg, setup.py) asks for a package: the line a `# via
// name (pyproject.toml)` source points at, and what the file asks for when a compiled file came from it.

import * as path from 'node:path';
import { normalizeName } from '../syntax/names.js';
import type { Range } from '../syntax/types.js';
import type { CompileCommand } from './annotations.js';
import { groupDependencies, normalizeGroup, type Pyproject, type PyprojectDependency } from './pyproject.js';
import type { SourceEntry } from './viaSources.js';

/** A requirement a project file writes, with the section that holds it (`[project] dependencies`). */
export interface ProjectAsk {
  dependency: PyprojectDependency;
  section: string;
}

/** Where a project file asks for `name`; `section` names what the via entry refers to even when not found. */
export interface ProjectPlace {
  section?: string;
  range?: Range;
}

export const isPyproject = (file: string) => path.basename(file).toLowerCase() === 'pyproject.toml';
/** Project files are not requirements files: never parsed as one. */
export const isProjectFile = (file: string) => isPyproject(file) || /^setup\.(py|cfg)$/i.test(path.basename(file));

/** The sections of a pyproject.toml a via entry points into, in the order to search them. */
export function sectionsFor(py: Pyproject, entry: SourceEntry, command?: CompileCommand): ProjectAsk[][] {
  const asks = (deps: PyprojectDependency[], section: string) => deps.map((dependency) => ({ dependency, section }));
  const extras = () => {
    const wanted = new Set((command?.extras ?? []).map(normalizeGroup));
    const names = [...py.optionalDependencies.keys()].sort((a, b) => Number(wanted.has(normalizeGroup(b))) - Number(wanted.has(normalizeGroup(a))));
    return names.map((extra) => asks(py.optionalDependencies.get(extra)!, `[project.optional-dependencies] ${extra}`));
  };
  if (entry.kind === 'workspace') {
    if (entry.option === '-c') return [asks(py.uvConstraints, '[tool.uv] constraint-dependencies')];
    if (entry.option === '--override') return [asks(py.uvOverrides, '[tool.uv] override-dependencies')];
    return [asks(py.dependencies, '[project] dependencies'), ...extras()];
  }
  if (entry.kind !== 'project') return [];
  if (entry.build?.part === 'requires') return [asks(py.buildRequires, '[build-system] requires')];
  if (entry.build?.part === 'backend') return [];
  if (entry.group) return [asks(groupDependencies(py, entry.group), `[dependency-groups] ${entry.group}`)];
  const own = [asks(py.dependencies, '[project] dependencies'), ...extras(), asks(py.poetryDependencies, '[tool.poetry.dependencies]')];
  return entry.override ? [asks(py.uvOverrides, '[tool.uv] override-dependencies'), ...own] : own;
}

/** The place in a pyproject.toml that a project or workspace via entry names for package `name`. */
export function placeInPyproject(py: Pyproject, entry: SourceEntry, name: string, command?: CompileCommand): ProjectPlace {
  if (entry.kind === 'project' && entry.build?.part === 'backend') {
    // Asked for by the build backend at build time: the place is the backend's name.
    return { section: `build backend's get_requires_for_build_${entry.build.target}`, range: py.buildBackend?.range ?? py.places.get('build-system') };
  }
  const sections = sectionsFor(py, entry, command);
  for (const list of sections) {
    const hit = list.find((a) => a.dependency.name === name);
    if (hit) return { section: hit.section, range: hit.dependency.nameRange ?? hit.dependency.range };
  }
  return { section: sections[0]?.[0]?.section ?? sectionOf(entry) };
}

/** The part of a project file an entry names, whether or not the file can be read. */
export function sectionOf(entry: SourceEntry): string | undefined {
  if (entry.kind === 'workspace')
    return entry.option === '-c' ? '[tool.uv] constraint-dependencies' : entry.option === '--override' ? '[tool.uv] override-dependencies' : undefined;
  if (entry.kind !== 'project') return undefined;
  if (entry.build?.part === 'requires') return '[build-system] requires';
  if (entry.build?.part === 'backend') return `build backend's get_requires_for_build_${entry.build.target}`;
  if (entry.group) return `[dependency-groups] ${entry.group}`;
  return undefined;
}

/** setup.cfg's `install_requires` / `extras_require`, or a quoted requirement in setup.py: the first line naming `name`. */
export function placeInSetupFile(text: string, file: string, name: string): ProjectPlace {
  const lines = text.split(/\r?\n/);
  const cfg = path.basename(file).toLowerCase() === 'setup.cfg';
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (cfg) {
      const header = /^\s*\[([^\]]+)\]/.exec(line);
      if (header) {
        section = header[1].trim();
        continue;
      }
      if (section !== 'options' && section !== 'options.extras_require') continue;
      const m = /^(\s*(?:install_requires\s*=|[A-Za-z0-9_.-]+\s*=)?\s*)([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line);
      if (m && /^\s/.test(line) === !/=/.test(m[1]) && normalizeName(m[2]) === name)
        return placeAt(i, m[1].length, m[2].length, section === 'options' ? 'install_requires' : 'extras_require');
    } else {
      for (const m of line.matchAll(/(["'])\s*([A-Za-z0-9][A-Za-z0-9._-]*)/g)) {
        if (normalizeName(m[2]) === name) return placeAt(i, m.index! + m[0].length - m[2].length, m[2].length);
      }
    }
  }
  return {};
}

function placeAt(line: number, character: number, length: number, section?: string): ProjectPlace {
  return { section, range: { start: { line, character }, end: { line, character: character + length } } };
}

/**
 * What a pyproject.toml asks for when the header's command compiled it: `[project] dependencies`, the
 * extras given with `--extra` (all with `--all-extras`), uv's `--group`s, and pip-compile's build requirements.
 */
export function pyprojectAsks(py: Pyproject, command: CompileCommand, source: string, folder: string): ProjectAsk[] {
  const out: ProjectAsk[] = [];
  const add = (deps: PyprojectDependency[], section: string) => out.push(...deps.map((dependency) => ({ dependency, section })));
  const groupOnly = command.groupOnlySources.some((p) => path.resolve(folder, p) === source);
  if (!command.onlyBuildDeps && !groupOnly) {
    add(py.dependencies, '[project] dependencies');
    const wanted = new Set(command.extras.map(normalizeGroup));
    for (const [extra, deps] of py.optionalDependencies)
      if (command.allExtras || wanted.has(normalizeGroup(extra))) add(deps, `[project.optional-dependencies] ${extra}`);
  }
  for (const g of command.groups) {
    if (path.resolve(folder, g.path ?? 'pyproject.toml') === source) add(groupDependencies(py, g.name), `[dependency-groups] ${g.name}`);
  }
  if (command.buildDeps) add(py.buildRequires, '[build-system] requires');
  return out;
}
