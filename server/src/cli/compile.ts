// `requirements-language-server compile FILE.in`: the editor's compile command from a terminal or CI
// (pip-compile, uv, or the built-in resolver), with the same environment discovery as the server.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileRequirements, type ToolChoice } from '../compile/index.js';
import { discoverEnvironment } from '../environment/venv.js';
import { redact } from '../index/credentials.js';

const TOOLS: ToolChoice[] = ['auto', 'pip-compile', 'uv', 'builtin'];

export async function compileCommand(argv: string[]): Promise<number> {
  let tool: ToolChoice = 'auto';
  let venv: string | undefined;
  const passThrough: string[] = [];
  const upgradePackages: string[] = [];
  let upgradeAll = false;
  let generateHashes = false;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, attached] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (flag === '--tool') tool = (attached ?? argv[++i]) as ToolChoice;
    else if (flag === '--venv') venv = attached ?? argv[++i];
    else if (flag === '--upgrade' || flag === '-U') upgradeAll = true;
    else if (flag === '--upgrade-package' || flag === '-P') upgradePackages.push(attached ?? argv[++i]);
    else if (flag === '--generate-hashes') generateHashes = true;
    else if (a.startsWith('-')) passThrough.push(a);
    else files.push(a);
  }
  if (!TOOLS.includes(tool)) {
    process.stderr.write(`Unknown --tool '${tool}': use ${TOOLS.join(', ')}\n`);
    return 2;
  }
  if (files.length !== 1) {
    process.stderr.write('Usage: requirements-language-server compile [--tool auto|pip-compile|uv|builtin] [--venv DIR] [--generate-hashes] [--upgrade | --upgrade-package NAME] FILE.in\n');
    return 2;
  }
  const file = path.resolve(files[0]);
  const found = discoverEnvironment({ setting: venv, env: process.env, file, workspaceRoots: [process.cwd()] });
  const outcome = await compileRequirements(
    file,
    { upgradeAll, upgradePackages, generateHashes },
    {
      tool,
      args: passThrough,
      venvRoot: found?.root,
      env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' },
      indexArgs: [],
      read: (p) => {
        try {
          return fs.readFileSync(p, 'utf8');
        } catch {
          return undefined;
        }
      },
    },
  );
  if (!outcome.ok && outcome.log.trim()) process.stderr.write(redact(outcome.log.trim()) + '\n');
  for (const p of outcome.problems) process.stderr.write(`${path.relative(process.cwd(), p.path)}:${p.diagnostic.range.start.line + 1}: ${p.diagnostic.message.split('\n')[0]}\n`);
  (outcome.ok ? process.stdout : process.stderr).write(redact(outcome.message) + '\n');
  return outcome.ok ? 0 : 1;
}
