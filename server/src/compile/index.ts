// The compile layer's facade: `requirements.compile` / `upgradePackage` / `sync`, run on an explicit command only.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { kindOf } from '../syntax/kinds.js';
import { parse } from '../syntax/parse.js';
import { compiledHeader, readAnnotations } from '../workspace/annotations.js';
import type { FileReader } from '../workspace/includes.js';
import { indexOptionsOf } from '../workspace/indexOptions.js';
import { sourceFiles } from '../workspace/provenance.js';
import { pipProblem, resolveBuiltin, writeAtomically } from './builtin.js';
import { compileIndexUrl, quickFailPipArgs, quickFailUvEnv } from './indexCheck.js';
import { problemsFromOutput, summarize, type FileProblem } from './problems.js';
import { runProcess, type Cancellation } from './process.js';
import { pyprojectOfCompiled, pyprojectTargets } from './pyproject.js';
import { preferredPins, readSources } from './sources.js';
import { chooseTool, compileArgv, findExecutable, fromEnvironment, pythonOf, syncArgv, type ToolChoice } from './tools.js';

export type { FileProblem } from './problems.js';
export type { ToolChoice } from './tools.js';

export interface CompileContext {
  tool: ToolChoice;
  /** Extra arguments from the settings. */
  args: string[];
  /** The file's environment, when one was found. */
  venvRoot?: string;
  env: NodeJS.ProcessEnv;
  /** Index options only our settings know (`--index-url X`), for tools that read the rest themselves. */
  indexArgs: string[];
  read: FileReader;
  cancel?: Cancellation;
  onLine?: (line: string) => void;
  knownHashes?: (normalized: string, version: string) => string[];
  prefetch?: (normalized: string[], source: string) => Promise<void>;
  /** Whether the editor holds unsaved changes of a file: the tools read the disk, so those would be ignored. */
  isDirty?: (filePath: string) => boolean;
  /**
   * Whether the package index answers (what is known of its host, else a quick probe): undefined when it does,
   * else why not ("https://pypi.org cannot be reached (…)"). Asked before a compile's tool runs.
   */
  reachIndex?: (indexUrl: string) => Promise<string | undefined>;
  /**
   * Where the output goes instead of the disk: the editor of a file open in the client (one undoable edit; the disk
   * keeps what it had until the user saves), or the CLI's stdout (`-o -`). It answers what the message adds ('' for
   * nothing), or undefined when it refused the text: then the file is written on disk. Undefined: written on disk.
   */
  openEditor?: (filePath: string) => ((text: string, label: string) => Promise<string | undefined>) | undefined;
}

/** The output goes to its open editor when there is one (undoable), else to disk; says which, for the message. */
async function deliver(output: string, text: string, ctx: CompileContext): Promise<string> {
  const editor = ctx.openEditor?.(output);
  const note = editor ? await editor(text, `Compile ${path.basename(output)}`) : undefined;
  if (note === undefined) writeAtomically(output, text);
  return note ?? '';
}

/** Said instead of running a tool that would retry an unreachable index and then report "from versions: none". */
export const unreachableIndex = (why: string) => `The package index ${why}; compiling needs it. Use --find-links/--no-index for offline work.`;

const unsaved = (file: string) => `${path.basename(file)} has unsaved changes; save it first (the tools read it from disk).`;

export interface CompileRequest {
  upgradeAll?: boolean;
  upgradePackages?: string[];
  generateHashes?: boolean;
  /** For a pyproject.toml: the extras and dependency groups to compile with its dependencies. */
  extras?: string[];
  groups?: string[];
  allExtras?: boolean;
  /** For a pyproject.toml: the file to write (default: requirements[-NAME].txt beside it). */
  output?: string;
}

export interface Outcome {
  ok: boolean;
  cancelled?: boolean;
  tool: string;
  /** The `.in` compiled and the `.txt` written (or synced). */
  source?: string;
  output?: string;
  /** One readable paragraph for the user. */
  message: string;
  /** Diagnostics for source lines a failure names. */
  problems: FileProblem[];
  /** The tool's whole output, for the log. */
  log: string;
}

/** `foo.in` → `foo.txt`; a compiled `foo.txt` → the `.in` its header names, else `foo.in` beside it. */
export function compileTargets(file: string, read: FileReader): { source: string; output: string } | undefined {
  if (file.endsWith('.in')) return { source: file, output: file.slice(0, -3) + '.txt' };
  const text = read(file);
  const source = sourceFiles(file, compiledHeader(parse(text ?? '')), read).find((s) => s.endsWith('.in'));
  return source ? { source, output: file } : undefined;
}

const BOOLEAN_FLAGS: Record<string, 'generateHashes' | 'noHeader' | 'noAnnotate' | 'upgrade' | 'allowUnsafe'> = {
  '--allow-unsafe': 'allowUnsafe',
  '--generate-hashes': 'generateHashes',
  '--no-header': 'noHeader',
  '--no-annotate': 'noAnnotate',
  '--upgrade': 'upgrade',
  '-U': 'upgrade',
};
const PIP_VALUE_OPTIONS = new Set(['-i', '--index-url', '--extra-index-url', '-f', '--find-links', '--trusted-host', '--only-binary', '--no-binary']);
const PIP_FLAGS = new Set(['--pre', '--no-index', '--prefer-binary']);
const IGNORED = new Set(['--strip-extras', '--resolver=backtracking', '-q', '--quiet', '-v', '--verbose']);

/** pip-compile's arguments the built-in resolver understands; the rest are named as ignored. */
export function builtinArgs(args: string[]) {
  const out = {
    pipArgs: [] as string[],
    generateHashes: false,
    noHeader: false,
    noAnnotate: false,
    upgrade: false,
    allowUnsafe: false,
    upgradePackages: [] as string[],
    ignored: [] as string[],
  };
  for (let i = 0; i < args.length; i++) {
    const [flag, attached] =
      args[i].startsWith('--') && args[i].includes('=')
        ? [args[i].slice(0, args[i].indexOf('=')), args[i].slice(args[i].indexOf('=') + 1)]
        : [args[i], undefined];
    if (BOOLEAN_FLAGS[flag]) out[BOOLEAN_FLAGS[flag]] = true;
    else if (PIP_FLAGS.has(flag)) out.pipArgs.push(flag);
    else if (PIP_VALUE_OPTIONS.has(flag)) {
      const value = attached ?? args[++i];
      if (value !== undefined) out.pipArgs.push(flag, value);
    } else if (flag === '-P' || flag === '--upgrade-package') {
      const value = attached ?? args[++i];
      if (value) out.upgradePackages.push(value);
    } else if (!IGNORED.has(args[i])) out.ignored.push(args[i]);
  }
  return out;
}

const pinCount = (n: number) => `${n} pin${n === 1 ? '' : 's'}`;
const rel = (from: string, p: string) => path.relative(path.dirname(from), p) || path.basename(p);

/** Compiles `file` (an `.in`, or a compiled `.txt` whose source is found) with the chosen tool. */
export async function compileRequirements(file: string, request: CompileRequest, ctx: CompileContext): Promise<Outcome> {
  // A requirements file compiled from a pyproject.toml is recompiled from it, with the extras and groups its header names.
  const made = kindOf(file) === 'requirements' && !file.endsWith('.in') ? pyprojectOfCompiled(file, ctx.read) : undefined;
  const selection = made
    ? { ...made, output: file }
    : { extras: request.extras ?? [], groups: request.groups ?? [], allExtras: request.allExtras, output: request.output };
  const projectFile = made?.source ?? file;
  const project = kindOf(projectFile) === 'pyproject' ? pyprojectTargets(projectFile, ctx.read(projectFile) ?? '', selection) : undefined;
  if (project && 'error' in project)
    return { ok: false, tool: ctx.tool, message: `Cannot compile ${path.basename(file)}: ${project.error}.`, problems: [], log: '' };
  try {
    return await compileTargetsWith(project ?? compileTargets(file, ctx.read), file, request, ctx, project);
  } finally {
    project?.dispose();
  }
}

async function compileTargetsWith(
  targets: { source: string; output: string } | undefined,
  file: string,
  request: CompileRequest,
  ctx: CompileContext,
  project: ReturnType<typeof pyprojectTargets> | undefined,
): Promise<Outcome> {
  const pyproject = project && !('error' in project) ? project : undefined;
  if (!targets) {
    return {
      ok: false,
      tool: 'none',
      message: `${path.basename(file)} is not an .in file and no .in source was found for it (its header names none, and there is no ${path.basename(file).replace(/\.[^.]+$/, '')}.in beside it).`,
      problems: [],
      log: '',
    };
  }
  const { source, output } = targets;
  if (ctx.isDirty?.(source)) return { ok: false, tool: ctx.tool, source, output, message: unsaved(source), problems: [], log: '' };
  const chosen = chooseTool(ctx.tool, 'compile', { venvRoot: ctx.venvRoot, pathVariable: ctx.env.PATH });
  if ('missing' in chosen) return { ok: false, tool: ctx.tool, source, output, message: `Cannot compile: ${chosen.missing}.`, problems: [], log: '' };
  const sources = pyproject?.facts ?? readSources(source, output, ctx.read, ctx.env);
  if (!sources) return { ok: false, tool: chosen.kind, source, output, message: `Cannot read ${source}.`, problems: [], log: '' };
  const upgradePackages = request.upgradePackages ?? [];
  const done = (ok: boolean, message: string, log: string, problems: FileProblem[] = [], cancelled = false): Outcome => ({
    ok,
    cancelled,
    tool: chosen.kind,
    source,
    output,
    message,
    problems,
    log,
  });
  // The index first: pip would retry it for some 20 s, then call the requirements unsatisfiable.
  const args = [...ctx.indexArgs, ...ctx.args];
  const indexUrl = ctx.reachIndex && compileIndexUrl({ args, documents: sources.documents, env: ctx.env, venvRoot: ctx.venvRoot });
  const unreachable = indexUrl ? await ctx.reachIndex!(indexUrl) : undefined;
  if (unreachable) return done(false, unreachableIndex(unreachable), '');
  if (ctx.cancel?.isCancellationRequested) return done(false, 'Compile cancelled; the output was not changed.', '', [], true);

  if (chosen.kind === 'builtin') {
    const flags = builtinArgs(ctx.args);
    const python = ctx.venvRoot
      ? pythonOf(ctx.venvRoot)
      : (findExecutable('python3', { pathVariable: ctx.env.PATH }) ?? findExecutable('python', { pathVariable: ctx.env.PATH }));
    if (!python) return done(false, 'Cannot compile: neither pip-compile nor uv is installed, no environment was found, and there is no python3 on PATH.', '');
    const generateHashes = !!request.generateHashes || flags.generateHashes;
    const upgradeAll = !!request.upgradeAll || flags.upgrade;
    const previous = fs.existsSync(output) ? fs.readFileSync(output, 'utf8') : undefined;
    const result = await resolveBuiltin({
      python,
      source: pyproject?.resolveFrom() ?? source,
      output,
      sources,
      preferred: preferredPins(previous, sources, { all: upgradeAll, packages: [...upgradePackages, ...flags.upgradePackages] }),
      // One answer per request, no retries: an index that stops answering midway fails in seconds, not minutes.
      pipArgs: [...quickFailPipArgs(ctx.args, ctx.env), ...ctx.indexArgs, ...flags.pipArgs],
      generateHashes,
      header: !flags.noHeader,
      annotate: !flags.noAnnotate,
      allowUnsafe: flags.allowUnsafe,
      command: [
        'requirements-language-server',
        'compile',
        ...(flags.allowUnsafe ? ['--allow-unsafe'] : []),
        ...(generateHashes ? ['--generate-hashes'] : []),
        ...flags.pipArgs,
        ...(pyproject?.commandArgs ?? [...(output !== source.replace(/\.in$/, '.txt') ? ['--output-file', rel(source, output)] : []), rel(source, source)]),
      ].join(' '),
      env: ctx.env,
      cancel: ctx.cancel,
      onLine: ctx.onLine,
      knownHashes: ctx.knownHashes,
      prefetch: ctx.prefetch,
    });
    if (!result.ok) {
      if (result.run.cancelled) return done(false, 'Compile cancelled; the output was not changed.', result.run.output, [], true);
      const problem = pipProblem(result.run, python);
      if (problem) return done(false, `Cannot compile ${rel(source, source)} with the built-in resolver: ${problem}.`, result.run.output);
      return failure(done, 'pip (built-in resolver)', result.run.output, source, sources.documents);
    }
    const delivered = await deliver(output, result.text, ctx);
    const ignored = flags.ignored.length ? ` Ignored arguments the built-in resolver does not know: ${flags.ignored.join(' ')}.` : '';
    const where = ctx.venvRoot ? '' : ` (no environment found: resolved for ${python})`;
    return done(
      true,
      `Compiled ${rel(source, source)} → ${rel(source, output)} with the built-in resolver: ${pinCount(result.resolution.pins.size)}${where}.${ignored}${delivered}`,
      result.log,
    );
  }

  const toolArgs = pyproject && (chosen.kind === 'uv' ? pyproject.toolArgs.uv : pyproject.toolArgs.pipCompile);
  if (pyproject && !toolArgs) return done(false, 'Cannot compile dependency groups with pip-compile: it has no --group; use uv or the built-in resolver.', '');
  const argv = compileArgv(chosen as typeof chosen & { executable: string }, {
    source,
    output,
    args: [...(toolArgs ?? []), ...ctx.args],
    upgradePackages,
    upgradeAll: !!request.upgradeAll,
    generateHashes: !!request.generateHashes,
    indexArgs: ctx.indexArgs,
    python: ctx.venvRoot ? pythonOf(ctx.venvRoot) : undefined,
  });
  // The tool writes the output itself; whatever it leaves behind on failure, the previous file comes back.
  const before = fs.existsSync(output) ? fs.readFileSync(output) : undefined;
  // An open output gets the new text as an edit: the file itself is moved aside (keeping its modification time, so
  // the editor does not see it as changed on disk) and a copy given to the tool; it is moved back after the run.
  const aside = ctx.openEditor?.(output) ? setAside(output) : undefined;
  const note = fromEnvironment(argv[0], ctx.venvRoot);
  if (note) ctx.onLine?.(`Running ${argv[0]}, a program from the file's environment`);
  // pip-compile's pip reads PIP_RETRIES/PIP_TIMEOUT (an argument, --pip-args, would be written into the output's
  // header); uv has its own variables. A user's own setting stays.
  const quick = quickFailPipArgs([], ctx.env);
  const pipEnv = { ...(quick.includes('--retries') ? { PIP_RETRIES: '0' } : {}), ...(quick.includes('--timeout') ? { PIP_TIMEOUT: '15' } : {}) };
  const toolEnv = chosen.kind === 'uv' ? quickFailUvEnv(ctx.env) : { ...pipEnv, ...ctx.env };
  const run = await runProcess(argv, { cwd: path.dirname(source), env: toolEnv, cancel: ctx.cancel, onLine: ctx.onLine });
  const name = chosen.kind === 'uv' ? 'uv pip compile' : 'pip-compile';
  if (run.code !== 0 || run.cancelled) {
    if (aside) aside.putBack();
    else restore(output, before);
    if (run.cancelled) return done(false, 'Compile cancelled; the output was not changed.', run.output, [], true);
    if (run.spawnError) return done(false, `Could not run ${argv[0]}: ${run.spawnError}.`, run.output);
    return failure(done, name, run.output, source, sources.documents);
  }
  const text = fs.existsSync(output) ? fs.readFileSync(output, 'utf8') : '';
  const pins = readAnnotations(parse(text)).pins.size;
  let delivered = '';
  if (aside) {
    aside.putBack();
    delivered = await deliver(output, text, ctx);
  }
  return done(true, `Compiled ${rel(source, source)} → ${rel(source, output)} with ${name}: ${pinCount(pins)}.${note}${delivered}`, run.output);
}

function failure(
  done: (ok: boolean, message: string, log: string, problems?: FileProblem[]) => Outcome,
  tool: string,
  output: string,
  source: string,
  documents: { path: string; document: import('../syntax/types.js').ParsedDocument }[],
): Outcome {
  const problems = problemsFromOutput(output, path.dirname(source), documents, tool);
  return done(false, `${tool} failed; ${path.basename(source.replace(/\.in$/, '.txt'))} was not changed.\n${summarize(output)}`, output, problems);
}

/** Moves `file` aside (a rename keeps its inode and modification time) and leaves a copy in its place; none: none after. */
function setAside(file: string): { putBack(): void } | undefined {
  if (!fs.existsSync(file)) return { putBack: () => fs.rmSync(file, { force: true }) };
  const kept = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.kept`);
  try {
    fs.renameSync(file, kept);
    fs.copyFileSync(kept, file);
  } catch {
    if (fs.existsSync(kept) && !fs.existsSync(file)) fs.renameSync(kept, file);
    return undefined;
  }
  return { putBack: () => fs.renameSync(kept, file) };
}

function restore(file: string, before: Buffer | undefined): void {
  try {
    if (before === undefined) fs.rmSync(file, { force: true });
    else if (!fs.existsSync(file) || !fs.readFileSync(file).equals(before)) fs.writeFileSync(file, before);
  } catch {
    // Nothing more can be done; the message already says the run failed.
  }
}

/** Packages pip-sync never removes. */
const SYNC_KEEPS = new Set(['pip', 'pip-tools', 'setuptools', 'wheel', 'distribute', 'pkg-resources', 'pip-review', '-markerlib']);

/** Makes the environment match a compiled file: pip-sync, `uv pip sync`, or pip install plus pip uninstall. */
export async function syncEnvironment(file: string, ctx: CompileContext & { installed: () => string[] }): Promise<Outcome> {
  const target = file.endsWith('.in') ? file.slice(0, -3) + '.txt' : file;
  const fail = (message: string, log = ''): Outcome => ({ ok: false, tool: ctx.tool, output: target, message, problems: [], log });
  if (!ctx.venvRoot)
    return fail(
      'Cannot sync: no virtual environment was found for this file (set requirements.venvPath, activate one, or create .venv); the system Python is never synced.',
    );
  if (ctx.read(target) === undefined) return fail(`Cannot sync: ${path.basename(target)} does not exist; compile first.`);
  if (ctx.isDirty?.(target)) return fail(unsaved(target));
  const chosen = chooseTool(ctx.tool, 'sync', { venvRoot: ctx.venvRoot, pathVariable: ctx.env.PATH });
  if ('missing' in chosen) return fail(`Cannot sync: ${chosen.missing}.`);
  const python = pythonOf(ctx.venvRoot);
  const cwd = path.dirname(target);
  const run = (argv: string[]) => runProcess(argv, { cwd, env: ctx.env, cancel: ctx.cancel, onLine: ctx.onLine });
  const outcome = (ok: boolean, message: string, log: string, cancelled = false): Outcome => ({
    ok,
    cancelled,
    tool: chosen.kind,
    output: target,
    message,
    problems: [],
    log,
  });
  if (chosen.kind !== 'builtin') {
    const argv = syncArgv(chosen as typeof chosen & { executable: string }, target, python, ctx.args);
    const note = fromEnvironment(argv[0], ctx.venvRoot);
    if (note) ctx.onLine?.(`Running ${argv[0]}, a program from the file's environment`);
    const result = await run(argv);
    const name = chosen.kind === 'uv' ? 'uv pip sync' : 'pip-sync';
    if (result.cancelled) return outcome(false, 'Sync cancelled.', result.output, true);
    if (result.code !== 0)
      return outcome(false, result.spawnError ? `Could not run ${name}: ${result.spawnError}.` : `${name} failed:\n${summarize(result.output)}`, result.output);
    return outcome(true, `Synced ${path.basename(ctx.venvRoot)} with ${path.basename(target)} using ${name}.${note}`, result.output);
  }
  const install = await run([
    python,
    '-m',
    'pip',
    'install',
    '--disable-pip-version-check',
    '--no-input',
    '--no-color',
    '--progress-bar',
    'off',
    '-r',
    path.basename(target),
  ]);
  if (install.cancelled) return outcome(false, 'Sync cancelled.', install.output, true);
  if (install.code !== 0) return outcome(false, pipProblem(install, python) ?? `pip install failed:\n${summarize(install.output)}`, install.output);
  const sources = readSources(target, target, ctx.read, ctx.env);
  const wanted = new Set(sources ? [...sources.sources.keys()] : []);
  const extra = ctx
    .installed()
    .filter((n) => !wanted.has(n) && !SYNC_KEEPS.has(n))
    .sort();
  if (!extra.length)
    return outcome(true, `Synced ${path.basename(ctx.venvRoot)} with ${path.basename(target)} (pip install; nothing to remove).`, install.output);
  const remove = await run([python, '-m', 'pip', 'uninstall', '--yes', '--disable-pip-version-check', ...extra]);
  if (remove.code !== 0)
    return outcome(false, `Installed, but removing ${extra.join(', ')} failed:\n${summarize(remove.output)}`, install.output + remove.output, remove.cancelled);
  return outcome(
    true,
    `Synced ${path.basename(ctx.venvRoot)} with ${path.basename(target)}: installed, and removed ${extra.join(', ')}.`,
    install.output + remove.output,
  );
}

/**
 * `pip install` into the file's environment: the given requirements (each one argument), or the whole file
 * with `-r`. Single requirements get the file's index options (pip reads them only from a file it is given).
 */
export async function installRequirements(file: string, requirements: string[], ctx: CompileContext): Promise<Outcome> {
  const fail = (message: string, log = ''): Outcome => ({ ok: false, tool: 'pip', output: file, message, problems: [], log });
  if (!ctx.venvRoot)
    return fail(
      'Cannot install: no virtual environment was found for this file (set requirements.venvPath, activate one, or create .venv); the system Python is never changed.',
    );
  if (ctx.isDirty?.(file) && requirements.length === 0) return fail(unsaved(file));
  const python = pythonOf(ctx.venvRoot);
  const facts = readSources(file, file, ctx.read, ctx.env);
  const noIndex = facts ? indexOptionsOf(facts.documents[0].document, { files: facts.documents.slice(1) }).noIndex : false;
  const indexArgs = [...(facts?.optionLines.flatMap((l) => l.split(/ (.*)/s, 2)) ?? []), ...(noIndex ? ['--no-index'] : []), ...ctx.indexArgs];
  const target = requirements.length ? [...indexArgs, ...requirements] : ['-r', path.basename(file)];
  const run = await runProcess(
    [python, '-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--no-color', '--progress-bar', 'off', ...target],
    {
      cwd: path.dirname(file),
      env: ctx.env,
      cancel: ctx.cancel,
      onLine: ctx.onLine,
    },
  );
  const what = requirements.length ? requirements.join(', ') : `${path.basename(file)}'s requirements`;
  if (run.cancelled) return { ok: false, cancelled: true, tool: 'pip', output: file, message: 'Install cancelled.', problems: [], log: run.output };
  if (run.code !== 0) return fail(pipProblem(run, python) ?? `pip could not install ${what}:\n${summarize(run.output)}`, run.output);
  return { ok: true, tool: 'pip', output: file, message: `Installed ${what} into ${path.basename(ctx.venvRoot)}.`, problems: [], log: run.output };
}
