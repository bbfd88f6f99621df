// The project list's worker thread (bundled as dist/listWorker.cjs): runs the one job it was started with
// (projectList.ts) and sends the answer back, the packed list's offset tables moved rather than copied.

import { parentPort, workerData } from 'node:worker_threads';
import { runListJob, type ListAnswer, type ListJob } from './projectList.js';

let answer: ListAnswer;
try {
  answer = runListJob(workerData as ListJob);
} catch (error) {
  answer = { error: `the project list could not be read: ${error instanceof Error ? error.message : String(error)}` };
}
parentPort?.postMessage(answer, 'names' in answer ? [answer.names.starts.buffer as ArrayBuffer, answer.names.displayStarts.buffer as ArrayBuffer] : []);
