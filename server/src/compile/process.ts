// Running one external program: an argument array (never a shell), a working folder, cancellable, output kept bounded.

import { spawn } from 'node:child_process';

export interface Cancellation {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): unknown;
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr interleaved as they arrived (the last MAX_OUTPUT characters). */
  output: string;
  cancelled: boolean;
  /** Set when the program could not be started at all (ENOENT, EACCES ...). */
  spawnError?: string;
}

const MAX_OUTPUT = 1024 * 1024;

export function runProcess(
  argv: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; cancel?: Cancellation; onLine?: (line: string) => void; timeoutMs?: number },
): Promise<ProcessResult> {
  return new Promise((resolve) => {
    let output = '';
    let cancelled = false;
    let settled = false;
    const finish = (result: Omit<ProcessResult, 'output' | 'cancelled'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, output, cancelled });
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(argv[0], argv.slice(1), { cwd: options.cwd, env: options.env, shell: false, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (error) {
      finish({ code: null, signal: null, spawnError: String(error) });
      return;
    }
    let partial = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-MAX_OUTPUT);
      if (!options.onLine) return;
      const lines = (partial + text).split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) options.onLine(l);
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    // SIGTERM first so the tool can clean up; SIGKILL if it does not stop within 3 s.
    const stop = () => {
      if (settled || child.exitCode !== null) return;
      child.kill('SIGTERM');
      setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), 3000).unref();
    };
    options.cancel?.onCancellationRequested(() => {
      cancelled = true;
      stop();
    });
    if (options.cancel?.isCancellationRequested) {
      cancelled = true;
      stop();
    }
    const timer = setTimeout(
      () => {
        output += `\n(stopped after ${Math.round((options.timeoutMs ?? 0) / 1000)} s)`;
        stop();
      },
      options.timeoutMs ?? 30 * 60_000,
    );
    timer.unref();
    child.on('error', (error: NodeJS.ErrnoException) =>
      finish({ code: null, signal: null, spawnError: error.code ? `${error.code}: ${error.message}` : String(error) }),
    );
    child.on('close', (code, signal) => finish({ code, signal }));
  });
}
