// The index's worker thread (bundled as dist/listWorker.cjs): runs the one job it was started with (projectList.ts:
// the project list, the popularity table) and sends the answer back, its typed arrays moved rather than copied.

import { parentPort, workerData } from 'node:worker_threads';
import { runListJob, type ListAnswer, type ListJob } from './projectList.js';

let answer: ListAnswer;
try {
  answer = runListJob(workerData as ListJob);
} catch (error) {
  answer = { error: `the project list could not be read: ${error instanceof Error ? error.message : String(error)}` };
}
const moved = 'names' in answer ? [answer.names.starts.buffer, answer.names.displayStarts.buffer] : 'popular' in answer ? [answer.popular.order.buffer] : [];
parentPort?.postMessage(answer, moved as ArrayBuffer[]);
