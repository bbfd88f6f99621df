// Which compile/sync tool to run and with which arguments: pip-compile, uv, or the built-in resolver.

import * as fs from 'node:fs';
import * as path from 'node:path';

export type ToolChoice = 'auto' | 'pip-compile' | 'uv' | 'builtin';

export interface FoundTool {
  kind: 'pip-compile' | 'uv' | 'builtin';
  /** The executable (absent for the built-in resolver, which runs the environment's Python). */
  executable?: string;
}

const isWindows = process.platform === 'win32';

export function binDir(venvRoot: string): string {
  return path.join(venvRoot, isWindows ? 'Scripts' : 'bin');
}

export function pythonOf(venvRoot: string): string {
  return path.join(binDir(venvRoot), isWindows ? 'python.exe' : 'python');
}

function isExecutable(p: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) return false;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * A sentence that says a command ran a program from the file's environment (which a cloned repository may
 * have supplied) rather than one on PATH, or '' for any other.
 */
export function fromEnvironment(executable: string, venvRoot: string | undefined): string {
  if (!venvRoot) return '';
  const relative = path.relative(venvRoot, executable);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative)
    ? ` It ran ${executable}, a program from the file's environment, not from your PATH.`
    : '';
}

/** The first `name` in the environment's bin folder, then on PATH (as a shell would look, without one). */
export function findExecutable(name: string, options: { venvRoot?: string; pathVariable?: string }): string | undefined {
  const dirs = [...(options.venvRoot ? [binDir(options.venvRoot)] : []), ...(options.pathVariable ?? '').split(path.delimiter).filter(Boolean)];
  const names = isWindows ? [`${name}.exe`, `${name}.cmd`, name] : [name];
  for (const dir of dirs) {
    for (const n of names) {
      const candidate = path.join(dir, n);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * `auto`: pip-compile (environment, then PATH), then uv, then the built-in resolver. A named tool that is
 * missing is an error, not a silent switch to another one.
 */
export function chooseTool(
  choice: ToolChoice,
  purpose: 'compile' | 'sync',
  options: { venvRoot?: string; pathVariable?: string },
): FoundTool | { missing: string } {
  const pipTool = purpose === 'compile' ? 'pip-compile' : 'pip-sync';
  if (choice === 'builtin') return { kind: 'builtin' };
  if (choice === 'pip-compile') {
    const executable = findExecutable(pipTool, options);
    return executable
      ? { kind: 'pip-compile', executable }
      : {
          missing: `${pipTool} was not found in the environment's ${isWindows ? 'Scripts' : 'bin'} folder or on PATH (install pip-tools, or set requirements.compile.tool to "auto")`,
        };
  }
  if (choice === 'uv') {
    const executable = findExecutable('uv', options);
    return executable
      ? { kind: 'uv', executable }
      : { missing: `uv was not found in the environment or on PATH (install uv, or set requirements.compile.tool to "auto")` };
  }
  const pip = findExecutable(pipTool, options);
  if (pip) return { kind: 'pip-compile', executable: pip };
  const uv = findExecutable('uv', options);
  if (uv) return { kind: 'uv', executable: uv };
  return { kind: 'builtin' };
}

export interface CompileRequest {
  /** The `.in` file, and the `.txt` to write; both absolute. */
  source: string;
  output: string;
  /** Extra arguments from the settings, passed through to the tool. */
  args: string[];
  /** `--upgrade-package NAME` for each. */
  upgradePackages: string[];
  /** `--upgrade`: every pin may move. */
  upgradeAll: boolean;
  generateHashes: boolean;
  /** Index options that only our settings know of (pip and uv read the file's and PIP_* themselves). */
  indexArgs: string[];
  /** The environment's interpreter, for uv (pip-compile in the environment uses its own). */
  python?: string;
}

/** Paths relative to the source's folder, which is where the tool runs: its header then names them so. */
function rel(from: string, p: string): string {
  const r = path.relative(path.dirname(from), p);
  return r && !r.startsWith('..') ? r : p;
}

export function compileArgv(tool: FoundTool & { executable: string }, request: CompileRequest): string[] {
  const upgrades = request.upgradePackages.flatMap((n) => ['--upgrade-package', n]);
  const flags = [
    ...(request.upgradeAll ? ['--upgrade'] : []),
    ...upgrades,
    ...(request.generateHashes && !request.args.includes('--generate-hashes') ? ['--generate-hashes'] : []),
  ];
  const source = rel(request.source, request.source);
  const output = rel(request.source, request.output);
  if (tool.kind === 'uv') {
    return [
      tool.executable,
      'pip',
      'compile',
      ...(request.python ? ['--python', request.python] : []),
      ...request.indexArgs,
      ...flags,
      ...request.args,
      source,
      '--output-file',
      output,
    ];
  }
  // pip-compile writes foo.in to foo.txt by itself; name the output only when it differs, as a user would.
  const defaultOutput = source.replace(/\.in$/, '') + '.txt';
  return [tool.executable, ...request.indexArgs, ...flags, ...request.args, ...(output === defaultOutput ? [] : ['--output-file', output]), source];
}

export function syncArgv(tool: FoundTool & { executable: string }, file: string, python: string | undefined, args: string[]): string[] {
  const target = rel(file, file);
  if (tool.kind === 'uv') return [tool.executable, 'pip', 'sync', ...(python ? ['--python', python] : []), ...args, target];
  return [tool.executable, ...(python ? ['--python-executable', python] : []), ...args, target];
}
