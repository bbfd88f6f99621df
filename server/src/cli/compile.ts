// `requirements-language-server compile FILE.in`: the editor's compile command from a terminal or CI
// (pip-compile, uv, or the built-in resolver), with the same environment discovery as the server.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileRequirements, type ToolChoice } from '../compile/index.js';
import { kindOf } from '../syntax/kinds.js';
import { chooseTool } from '../compile/tools.js';
import { discoverEnvironment } from '../environment/venv.js';
import { redact } from '../index/credentials.js';
import { COMPILE_HELP } from './help.js';

const TOOLS: ToolChoice[] = ['auto', 'pip-compile', 'uv', 'builtin'];
/** How long the index may take to answer the probe before a compile (pip itself allows 15 s a request). */
const REACH_MS = 3_000;
/** pip-compile's and uv's options whose value is the next argument (`--index-url URL`), so it is not read as the file. */
const TAKES_VALUE = new Set([
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '--trusted-host',
  '--only-binary',
  '--no-binary',
  '-c',
  '--constraint',
  '-o',
  '--output-file',
  '--pip-args',
  '--cache-dir',
  '-p',
  '--python',
  '--python-version',
  '--extra',
  '--unsafe-package',
  '--annotation-style',
  '--resolver',
  '--config-settings',
]);

export async function compileCommand(argv: string[]): Promise<number> {
  let tool: ToolChoice = 'auto';
  let venv: string | undefined;
  const passThrough: string[] = [];
  const upgradePackages: string[] = [];
  let upgradeAll = false;
  let generateHashes = false;
  let toStdout = false;
  const files: string[] = [];
  // A pyproject.toml's selection (and its output, which no tool is given as a file of its own).
  const extras: string[] = [];
  const groups: string[] = [];
  let output: string | undefined;
  let allExtras = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, attached] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (flag === '--tool') tool = (attached ?? argv[++i]) as ToolChoice;
    else if (flag === '--venv') venv = attached ?? argv[++i];
    else if (flag === '--upgrade' || flag === '-U') upgradeAll = true;
    else if (flag === '--upgrade-package' || flag === '-P') upgradePackages.push(attached ?? argv[++i]);
    else if (flag === '--generate-hashes') generateHashes = true;
    else if (flag === '--all-extras') allExtras = true;
    else if ((flag === '--extra' || flag === '--group') && (attached ?? argv[i + 1])) (flag === '--extra' ? extras : groups).push(attached ?? argv[++i]);
    // `-o -`: the compiled file on stdout, FILE.txt untouched (the tool still writes FILE.txt, which is put back).
    else if ((flag === '-o' || flag === '--output-file') && (attached ?? argv[i + 1]) === '-') {
      toStdout = true;
      if (attached === undefined) i++;
    } else if ((flag === '-o' || flag === '--output-file') && (attached ?? argv[i + 1])) output = attached ?? argv[++i];
    else if (TAKES_VALUE.has(flag) && attached === undefined && i + 1 < argv.length) passThrough.push(a, argv[++i]);
    else if (a.startsWith('-')) passThrough.push(a);
    else files.push(a);
  }
  if (!TOOLS.includes(tool)) {
    process.stderr.write(`Unknown --tool '${tool}': use ${TOOLS.join(', ')}.\n`);
    return 2;
  }
  if (files.length !== 1) {
    process.stderr.write(`${files.length ? 'Give one .in file.' : 'Which .in file?'}\n\n${COMPILE_HELP}`);
    return 2;
  }
  const file = path.resolve(files[0]);
  const pyproject = kindOf(file) === 'pyproject';
  if (!pyproject && allExtras) passThrough.push('--all-extras');
  if (!pyproject)
    passThrough.push(...extras.flatMap((e) => ['--extra', e]), ...groups.flatMap((g) => ['--group', g]), ...(output ? ['--output-file', output] : []));
  const found = discoverEnvironment({ setting: venv, env: process.env, file, workspaceRoots: [process.cwd()] });
  const env: NodeJS.ProcessEnv = { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  const chosen = chooseTool(tool, 'compile', { venvRoot: found?.root, pathVariable: env.PATH });
  if (!('missing' in chosen))
    process.stderr.write(
      `Compiling ${path.relative(process.cwd(), file) || file} with ${TOOL_NAMES[chosen.kind]}${found ? ` (environment ${found.root})` : chosen.kind === 'builtin' ? ' (no environment found: python3 from PATH)' : ''}…\n`,
    );
  // The tool's own output as it comes (pip's retries against an unreachable index included), indented
  // under the line above; the verdict comes last.
  let streamed = false;
  const outcome = await compileRequirements(
    file,
    { upgradeAll, upgradePackages, generateHashes, ...(pyproject ? { extras, groups, allExtras, output: output && path.resolve(output) } : {}) },
    {
      tool,
      args: passThrough,
      venvRoot: found?.root,
      env,
      indexArgs: [],
      // Before the tool runs: a HEAD of the index within a few seconds (undici is loaded only here).
      reachIndex: async (indexUrl) => (await import('../index/packageIndex.js')).reachIndex(indexUrl, { env, timeoutMs: REACH_MS }),
      onLine: (line) => {
        streamed = true;
        process.stderr.write(`  ${redact(line)}\n`);
      },
      read: (p) => {
        try {
          return fs.readFileSync(p, 'utf8');
        } catch {
          return undefined;
        }
      },
      openEditor: toStdout ? () => async (text) => (process.stdout.write(text), '') : undefined,
    },
  );
  if (outcome.ok) {
    // With -o - stdout is the file: the summary goes to stderr.
    (toStdout ? process.stderr : process.stdout).write(redact(outcome.message) + '\n');
    return 0;
  }
  // The lines of the .in the error names, then the verdict. The tool's error was shown above as it came;
  // the editor's message repeats a summary of it, which a terminal does not need twice.
  for (const p of outcome.problems) {
    const start = p.diagnostic.range.start;
    process.stderr.write(`${path.relative(process.cwd(), p.path)}:${start.line + 1}:${start.character + 1}: error compile-failed named in the error above\n`);
  }
  const message = streamed ? outcome.message.split('\n')[0] : outcome.message;
  process.stderr.write(redact(forTerminal(message)) + '\n');
  return 1;
}

const TOOL_NAMES: Record<string, string> = { 'pip-compile': 'pip-compile', uv: 'uv pip compile', builtin: 'the built-in resolver' };

/** The compile layer speaks of the editor setting; here the same choice is the --tool option. */
function forTerminal(message: string): string {
  return message.replace(/set requirements\.compile\.tool to "auto"/g, 'use --tool auto or --tool builtin');
}
