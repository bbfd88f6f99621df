// `python -m venv .venv` beside a requirements file, on the explicit command only, with an argument array.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { summarize } from './problems.js';
import { runProcess, type Cancellation } from './process.js';
import { findExecutable } from './tools.js';

export interface VenvOutcome {
  ok: boolean;
  cancelled?: boolean;
  /** The environment folder (created, or found there already). */
  root: string;
  python?: string;
  message: string;
  log: string;
}

/** The interpreter to create it with: the one given (the client's choice or a setting), else python3 / python on PATH. */
export function chooseInterpreter(given: string | undefined, pathVariable: string | undefined): string | undefined {
  if (given?.trim()) return given.trim();
  return findExecutable('python3', { pathVariable }) ?? findExecutable('python', { pathVariable });
}

export async function createVirtualEnvironment(
  folder: string,
  python: string | undefined,
  options: { env: NodeJS.ProcessEnv; cancel?: Cancellation; onLine?: (line: string) => void; name?: string },
): Promise<VenvOutcome> {
  const root = path.join(folder, options.name ?? '.venv');
  if (fs.existsSync(root)) return { ok: false, root, message: `${path.basename(root)} already exists in ${folder}; nothing was changed.`, log: '' };
  if (!python)
    return {
      ok: false,
      root,
      message: 'Cannot create a virtual environment: no interpreter was chosen (requirements.python) and there is no python3 or python on PATH.',
      log: '',
    };
  const run = await runProcess([python, '-m', 'venv', root], { cwd: folder, env: options.env, cancel: options.cancel, onLine: options.onLine });
  if (run.cancelled || run.code !== 0) {
    // Half a venv would be found by discovery and mislead every check: remove it.
    fs.rmSync(root, { recursive: true, force: true });
    if (run.cancelled) return { ok: false, cancelled: true, root, python, message: 'Creating the virtual environment was cancelled.', log: run.output };
    return {
      ok: false,
      root,
      python,
      message: run.spawnError ? `Could not run ${python}: ${run.spawnError}.` : `${python} -m venv failed:\n${summarize(run.output)}`,
      log: run.output,
    };
  }
  return { ok: true, root, python, message: `Created ${path.basename(root)} with ${python}.`, log: run.output };
}
