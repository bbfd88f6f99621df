// The built-in resolver for when neither pip-compile nor uv is there: the environment's pip resolves
// (`pip install --dry-run --ignore-installed --report`, pip >= 22.2) and we write pip-compile's format.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatCompiled } from './format.js';
import { runProcess, type Cancellation, type ProcessResult } from './process.js';
import { readReport, type Resolution } from './report.js';
import type { SourceFacts } from './sources.js';

export interface BuiltinOptions {
  python: string;
  source: string;
  output: string;
  sources: SourceFacts;
  /** `name==version` lines of the previous output to keep where they still fit. */
  preferred: string[];
  /** Passed to pip: settings' index options, `--pre`, and index options given in compile.args. */
  pipArgs: string[];
  generateHashes: boolean;
  header: boolean;
  annotate: boolean;
  allowUnsafe?: boolean;
  /** For the header: the command a user can run to make the same file. */
  command: string;
  env: NodeJS.ProcessEnv;
  cancel?: Cancellation;
  onLine?: (line: string) => void;
  knownHashes?: (normalized: string, version: string) => string[];
  /** Asks the package index about these projects (bounded in time), so knownHashes lists every file's hash. */
  prefetch?: (normalized: string[], source: string) => Promise<void>;
}

export type BuiltinResult = { ok: true; text: string; resolution: Resolution; log: string } | { ok: false; run: ProcessResult; reason: string };

/** Why pip failed in a way that is not about the requirements: no pip, too old a pip, no interpreter. */
export function pipProblem(run: ProcessResult, python: string): string | undefined {
  if (run.spawnError) return `could not run ${python}: ${run.spawnError}`;
  if (/No module named pip\b/.test(run.output)) return `the environment's Python (${python}) has no pip; install pip into it, or install pip-tools or uv`;
  if (/no such option: --(report|dry-run)/.test(run.output))
    return `the environment's pip is older than 22.2 (it has no --dry-run --report); upgrade pip, or install pip-tools or uv`;
  return undefined;
}

export async function resolveBuiltin(options: BuiltinOptions): Promise<BuiltinResult> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rls-compile-'));
  try {
    const report = path.join(work, 'report.json');
    const run = async (preferred: string[]) => {
      const constraints = path.join(work, 'preferred.txt');
      if (preferred.length) fs.writeFileSync(constraints, preferred.join('\n') + '\n');
      fs.rmSync(report, { force: true });
      const argv = [
        options.python,
        '-m',
        'pip',
        'install',
        '--dry-run',
        '--ignore-installed',
        '--report',
        report,
        '--disable-pip-version-check',
        '--no-input',
        '--no-color',
        '--progress-bar',
        'off',
        ...options.pipArgs,
        '-r',
        path.basename(options.source),
        ...(preferred.length ? ['-c', constraints] : []),
      ];
      return runProcess(argv, {
        cwd: path.dirname(options.source),
        env: { ...options.env, PYTHONIOENCODING: 'utf-8' },
        cancel: options.cancel,
        onLine: options.onLine,
      });
    };
    // Keep the previous pins where pip can; if they no longer fit together, resolve afresh.
    let result = await run(options.preferred);
    if (result.code !== 0 && !result.cancelled && options.preferred.length && !pipProblem(result, options.python)) {
      options.onLine?.('The previous pins do not fit any more; resolving without them.');
      result = await run([]);
    }
    if (result.code !== 0 || result.cancelled)
      return { ok: false, run: result, reason: pipProblem(result, options.python) ?? (result.cancelled ? 'cancelled' : 'resolution failed') };
    const resolution = readReport(fs.existsSync(report) ? fs.readFileSync(report, 'utf8') : '');
    if (!resolution) return { ok: false, run: result, reason: `pip did not write a readable --report` };
    if (options.generateHashes && options.prefetch)
      await options.prefetch(
        [...resolution.pins.values()].filter((p) => !p.directUrl).map((p) => p.normalized),
        options.source,
      );
    const text = formatCompiled(resolution, {
      command: options.command,
      pythonVersion: resolution.environment.python_version,
      sources: options.sources.sources,
      optionLines: options.sources.optionLines,
      generateHashes: options.generateHashes,
      header: options.header,
      annotate: options.annotate,
      allowUnsafe: options.allowUnsafe,
      knownHashes: options.knownHashes,
    });
    return { ok: true, text, resolution, log: result.output };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Writes next to the target and renames over it, so a reader never sees half a file. */
export function writeAtomically(file: string, text: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(temp, text);
  try {
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}
