// Runs a project-list job (projectList.ts) on a worker thread of its own, so that reading, sorting and storing
// 886k names never holds the event loop (1.3-2.8 s it did). The worker is the bundle beside this one
// (dist/listWorker.cjs); from the sources (tests under tsx, which a worker thread cannot load) or when the file
// is missing, the job runs on this thread, on a later turn.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { isListAnswer, runListJob, type ListAnswer, type ListJob } from './projectList.js';

/** The bundled worker beside this bundle, if there is one. */
function workerScript(): string | undefined {
  if (typeof __dirname !== 'string') return undefined;
  const script = path.join(__dirname, 'listWorker.cjs');
  return fs.existsSync(script) ? script : undefined;
}

/** One thread a job (a list is loaded or fetched once per index and session); never rejects. */
export function runOffThread(job: ListJob): Promise<ListAnswer> {
  const script = workerScript();
  if (!script) return new Promise((resolve) => setImmediate(() => resolve(inProcess(job))));
  return new Promise((resolve) => {
    let settled = false;
    const settle = (answer: ListAnswer) => {
      if (settled) return;
      settled = true;
      resolve(answer);
      void worker.terminate().catch(() => undefined);
    };
    const worker = new Worker(script, { workerData: job });
    // A job under way does not keep a CLI process alive, nor one that is shutting down.
    worker.unref();
    worker.once('message', (answer: unknown) => settle(isListAnswer(answer) ? answer : { error: 'the project list worker sent no list' }));
    worker.once('error', (error) => settle({ error: `the project list worker failed: ${error.message}` }));
    worker.once('exit', (code) => settle({ error: `the project list worker ended (${code})` }));
  });
}

function inProcess(job: ListJob): ListAnswer {
  try {
    return runListJob(job);
  } catch (error) {
    return { error: `the project list could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}
