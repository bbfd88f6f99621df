// Code lenses of a pyproject.toml: compile `[project]`'s dependencies, and with each extra or dependency group, to a
// requirements file beside it (through `requirements.compile`, which runs only when clicked).

import type { CodeLens } from 'vscode-languageserver-types';
import { positionAt } from '../syntax/query.js';
import { scanToml } from '../syntax/toml.js';
import type { ParsedDocument } from '../syntax/types.js';
import { COMMANDS } from './commandIds.js';

const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

export function pyprojectLenses(uri: string, doc: ParsedDocument): CodeLens[] {
  const scan = scanToml(doc.text);
  const lenses: CodeLens[] = [];
  // On the key where it is written (`dev = [`); a dotted key or header: the first place its name appears from there.
  const at = (path: string, key: string) => {
    const place = scan.places.get(path);
    const start = place === undefined ? -1 : doc.text.indexOf(key, place);
    if (start === -1) return undefined;
    const p = positionAt(doc, start);
    return { start: p, end: p };
  };
  const deps = scan.arrays.has('project.dependencies') ? at('project.dependencies', 'dependencies') : undefined;
  if (deps) lenses.push({ range: deps, command: { title: 'Compile to requirements.txt', command: COMMANDS.compile, arguments: [uri] } });
  for (const path of scan.arrays.keys()) {
    const m = /^(project\.optional-dependencies|dependency-groups)\.([^.]+)$/.exec(path);
    const range = m && at(path, m[2]);
    if (!m || !range) continue;
    const extra = m[1] === 'project.optional-dependencies';
    const options = extra ? { extras: [m[2]] } : { groups: [m[2]] };
    const title = `Compile ${extra ? `[${m[2]}]` : `group ${m[2]}`} to requirements-${normalize(m[2])}.txt`;
    lenses.push({ range, command: { title, command: COMMANDS.compile, arguments: [uri, options] } });
  }
  return lenses;
}
