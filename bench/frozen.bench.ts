// pip freeze output: what a keystroke in a frozen file costs (the hint reads the file as pip freeze output and
// derives its top level), and the derive action on the same file. 2,000 pins, each requiring the next two.

import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { evaluateMarker, markerEnvironment } from '../server/src/environment/markers.ts';
import { workspaceOf } from '../server/src/workspace/index.ts';
import { createLanguageService } from '../server/src/service/index.ts';
import { parse } from '../server/src/syntax/index.ts';
import { deriveTopLevel, readFrozen } from '../server/src/workspace/frozen.ts';
import { topProjects } from './corpus.ts';
import { measure, printMemory, report } from './stats.ts';
import type { EnvironmentFacts } from '../server/src/shared/facts.ts';

const N = 2000;
const names = topProjects()
  .slice(0, N)
  .map((p) => p.name);
const normalized = names.map((n) => n.toLowerCase().replace(/[-_.]+/g, '-'));
// Every tenth package is top level; the others are required by the one before them (and a Windows-only edge).
const requires = new Map(
  normalized.map((n, i) => [n, i + 1 < N && (i + 1) % 10 !== 0 ? [names[i + 1], `${names[(i + 2) % N]}; sys_platform == "win32"`] : []]),
);
const text = names.map((n) => `${n}==1.0.0`).join('\n') + '\n';
const markers = markerEnvironment('3.12.1');
const environment: EnvironmentFacts = {
  describe: '.venv (Python 3.12.1)',
  pythonVersion: '3.12.1',
  installed: (n) => (requires.has(n) ? { name: n, version: '1.0.0', providesExtras: [] } : undefined),
  evaluateMarker: (m, extras) => evaluateMarker(m, markers, extras),
  broken: () => [],
  requiresDist: (n) => requires.get(n),
};
const filePath = path.join(os.tmpdir(), 'bench-frozen', 'requirements.txt');
const uri = pathToFileURL(filePath).toString();
const service = createLanguageService({ environment: () => environment });
const workspace = workspaceOf(() => undefined);

let top = 0;
report(
  await measure(`readFrozen + deriveTopLevel, ${N} pins`, 50, () => {
    const file = readFrozen(parse(text), { installed: (n) => environment.installed(n)?.version });
    top = deriveTopLevel(file.pins, { requiresDist: (n) => requires.get(n), evaluateMarker: environment.evaluateMarker }).topLevel.length;
  }),
  `${top} top-level`,
);
// A keystroke: a new document version, so nothing is memoized; the whole diagnostics pass, hint included.
let hint = '';
report(
  await measure(`diagnostics of a new version, ${N} frozen pins`, 50, () => {
    hint =
      service
        .diagnostics(workspace.contextWith(filePath, parse(text + '\n')))
        .find((d) => d.code === 'frozen-file')
        ?.message.slice(0, 60) ?? 'no hint';
  }),
  hint,
);
// The same pass on an .in of the same lines, which is never read as pip freeze output: the rest of the diagnostics.
report(
  await measure(`diagnostics of a new version, same lines in an .in (no hint)`, 50, () =>
    service.diagnostics(workspace.contextWith(filePath.replace(/\.txt$/, '.in'), parse(text + '\n'))),
  ),
);
const doc = parse(text);
report(
  await measure(`code actions on line 1 (derive, three bounds), ${N} pins`, 50, () =>
    service.codeActions(workspace.contextWith(filePath, doc, uri), { diagnostics: [] }, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }),
  ),
);
printMemory();
