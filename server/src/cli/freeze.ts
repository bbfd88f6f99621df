// The pip freeze workflow from a terminal, as the editor's commands do it: `freeze` prints what pip freeze would
// print for an environment (read from disk, no Python run), `derive` writes the requirements.in of a frozen file.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { createEnvironmentService, type ResolvedEnvironment } from '../environment/index.js';
import { freezeEnvironment } from '../environment/freeze.js';
import { createFrozenAnalyser, derivedRequirementsIn } from '../service/frozenFile.js';
import { parse } from '../syntax/index.js';
import type { Bounds } from '../workspace/frozen.js';
import { DERIVE_HELP, FREEZE_HELP } from './help.js';

const BOUNDS: Bounds[] = ['none', 'minimum', 'compatible'];

interface Options {
  venv?: string;
  output?: string;
  bounds: Bounds;
  all: boolean;
  files: string[];
  bad?: string;
}

function readOptions(argv: string[]): Options {
  const out: Options = { bounds: 'none', all: false, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, attached] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => attached ?? argv[++i];
    if (flag === '--venv') out.venv = value();
    else if (flag === '-o' || flag === '--output-file') out.output = value();
    else if (flag === '--all') out.all = true;
    else if (flag === '--bounds') {
      const b = value() as Bounds;
      if (!BOUNDS.includes(b)) out.bad = `Unknown --bounds '${b}': use ${BOUNDS.join(', ')}.`;
      else out.bounds = b;
    } else if (a === '-') out.files.push(a);
    else if (a.startsWith('-')) out.bad = `Unknown option ${a}.`;
    else out.files.push(a);
  }
  if (out.output === undefined && argv.some((a) => a === '-o' || a === '--output-file'))
    out.bad = `${argv.includes('-o') ? '-o' : '--output-file'} needs a file name, or - for stdout.`;
  return out;
}

/** The environment a file (or the current folder) uses, as the server finds it: --venv, VIRTUAL_ENV, a .venv beside or above. */
async function environmentFor(file: string, venv: string | undefined): Promise<ResolvedEnvironment | null> {
  const service = createEnvironmentService({
    env: process.env,
    logger: { info: () => undefined, warn: (m) => process.stderr.write(`${m}\n`) },
    venvPath: venv,
  });
  try {
    return await service.resolve(file, [process.cwd()]);
  } finally {
    service.dispose();
  }
}

/** Creates `file` with `text`; never replaces an existing file. */
function create(file: string, text: string): string | undefined {
  try {
    fs.writeFileSync(file, text, { flag: 'wx' });
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EEXIST' ? `${file} exists; it is not overwritten` : (error as Error).message;
  }
}

/** `freeze [--venv DIR] [--all] [-o FILE]`: the environment's distributions as pip freeze prints them. */
export async function freezeCommand(argv: string[]): Promise<number> {
  const o = readOptions(argv);
  if (o.bad || o.files.length) {
    process.stderr.write(`${o.bad ?? `freeze takes no file: use -o ${o.files[0]}.`}\n\n${FREEZE_HELP}`);
    return 2;
  }
  const env = await environmentFor(path.join(process.cwd(), 'requirements.txt'), o.venv);
  if (!env) {
    process.stderr.write('No virtual environment found (give --venv DIR, activate one, or run from a folder with a .venv).\n');
    return 1;
  }
  const text = freezeEnvironment(env.snapshot, { all: o.all });
  if (!o.output || o.output === '-') {
    process.stdout.write(text);
    return 0;
  }
  const failed = create(path.resolve(o.output), text);
  if (failed) {
    process.stderr.write(`${failed}.\n`);
    return 1;
  }
  const count = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
  process.stderr.write(`Froze ${count} distribution${count === 1 ? '' : 's'} of ${path.basename(env.snapshot.root)} into ${o.output}.\n`);
  return 0;
}

/** `derive FILE.txt [--bounds B] [--venv DIR] [-o FILE.in|-]`: the top-level packages of pip freeze output. */
export async function deriveCommand(argv: string[]): Promise<number> {
  const o = readOptions(argv);
  if (o.bad || o.files.length !== 1 || o.all) {
    process.stderr.write(
      `${o.bad ?? (o.all ? '--all is an option of freeze.' : o.files.length ? 'Give one frozen .txt file.' : 'Which frozen .txt file?')}\n\n${DERIVE_HELP}`,
    );
    return 2;
  }
  const file = path.resolve(o.files[0]);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    process.stderr.write(`Cannot read ${o.files[0]}: ${(error as Error).message}\n`);
    return 1;
  }
  if (!/\.txt$/i.test(file)) {
    process.stderr.write(`derive works on a .txt file (pip freeze output); ${o.files[0]} is not one.\n`);
    return 2;
  }
  const env = await environmentFor(file, o.venv);
  const readFile = (p: string) => {
    try {
      return fs.readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  };
  const analysis = createFrozenAnalyser()(file, parse(text), { environment: env?.facts ?? null, readFile }, true);
  if (!analysis) {
    process.stderr.write(`${o.files[0]} lists no packages to derive from.\n`);
    return 1;
  }
  const { derivation } = analysis;
  if (derivation.unknown.length === analysis.file.pins.length) {
    process.stderr.write(
      `No metadata for the packages of ${o.files[0]}: ${env ? `none of them is installed in ${env.facts.describe}` : 'no virtual environment was found'}. ` +
        'derive reads what each package requires from the environment the file was frozen from: give it with --venv DIR.\n',
    );
    return 1;
  }
  const toStdout = o.output === '-';
  const target = o.output && !toStdout ? path.resolve(o.output) : analysis.target;
  const derived = derivedRequirementsIn(analysis, o.bounds, undefined);
  if (!('text' in derived)) return 1; // never: no existing text was given
  if (derivation.unknown.length)
    process.stderr.write(
      `${derivation.unknown.length} of ${analysis.file.pins.length} pins have no metadata in ${env?.facts.describe}; they were treated as requiring nothing.\n`,
    );
  for (const c of derivation.cycles) process.stderr.write(`${c.members.map((m) => m.name).join(', ')} require each other; kept ${c.kept.name}.\n`);
  if (toStdout) {
    process.stdout.write(derived.text);
    return 0;
  }
  const failed = create(target, derived.text);
  if (failed) {
    process.stderr.write(`${failed}; print it with -o - and add what it lacks.\n`);
    return 1;
  }
  const names = derivation.topLevel.map((p) => p.name).join(', ');
  process.stdout.write(
    `Wrote ${path.relative(process.cwd(), target) || target}: ${names} (${derivation.topLevel.length} of ${analysis.file.pins.length} pins; read from ${analysis.metadataFrom}).\n`,
  );
  return 0;
}
