// Issue 25's readers on the keystroke path: a pyproject.toml of 2,000 dependencies (markers, extras, a group and
// build requirements), a PEP 723 script in a 1.8 MB Python file, and a pylock.toml of 2,000 packages, each read
// as the store reads a new version, beside the same requirement lines read as a requirements file.

import { readDocument } from '../server/src/syntax/kinds.ts';
import { parse } from '../server/src/syntax/index.ts';
import { topProjects } from './corpus.ts';
import { measure, printMemory, report } from './stats.ts';

const N = 2000;
const projects = topProjects()
  .filter((p) => /^\d+(\.\d+)*$/.test(p.version))
  .slice(0, N);
const lines = projects.map((p, i) => `${p.name}>=${p.version}${i % 5 === 0 ? ' ; python_version >= "3.9"' : ''}`);
const quoted = lines.map((l) => `  ${JSON.stringify(l)},`);
const pyproject = [
  '[project]',
  'name = "demo"',
  'dependencies = [',
  ...quoted.slice(0, N / 2),
  ']',
  '[project.optional-dependencies]',
  `web = [${quoted
    .slice(N / 2, (3 * N) / 4)
    .map((q) => q.trim())
    .join(' ')}]`,
  '[dependency-groups]',
  `dev = [${quoted
    .slice((3 * N) / 4)
    .map((q) => q.trim())
    .join(' ')} {include-group = "lint"}]`,
  'lint = ["ruff"]',
  '[build-system]',
  'requires = ["setuptools>=61"]',
  '[tool.other]',
  'key = "value=2"',
  '',
].join('\n');
const code = 'def f(x):\n    return x * 2  # a line of code\n'.repeat(40_000);
const script = `# /// script\n# requires-python = ">=3.11"\n# dependencies = [\n${quoted
  .slice(0, 50)
  .map((q) => `#${q}`)
  .join('\n')}\n# ]\n# ///\n${code}`;
const pylock =
  [
    'lock-version = "1.0"',
    'created-by = "bench"',
    ...projects.flatMap((p) => ['', '[[packages]]', `name = ${JSON.stringify(p.name)}`, `version = ${JSON.stringify(p.version)}`]),
  ].join('\n') + '\n';
const requirements = lines.join('\n') + '\n';

report(await measure(`requirements file, ${N} lines (the floor here)`, 50, () => parse(requirements, { reuse: false })));
report(await measure(`pyproject.toml, ${N} dependencies`, 50, () => readDocument('pyproject', pyproject)));
report(await measure(`script: a 50-dependency block in ${(script.length / 1048576).toFixed(1)} MB of Python`, 50, () => readDocument('script', script)));
report(await measure(`pylock.toml, ${N} packages`, 50, () => readDocument('pylock', pylock)));
printMemory();
