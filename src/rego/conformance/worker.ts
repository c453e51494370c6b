// Worker thread of the conformance runner: runs the cases it is sent, one message per outcome, so the
// main thread can stop a case that hangs or crashes without losing the run.
import { parentPort } from 'node:worker_threads';
import type { ConformanceCase } from './cases.js';
import { runCase } from './run-case.js';

export type WorkerRequest = { index: number; case: ConformanceCase }[];
export type WorkerReply = { index: number; outcome: Awaited<ReturnType<typeof runCase>> };

parentPort?.postMessage('ready');
parentPort?.on('message', async (batch: WorkerRequest) => {
  for (const item of batch) {
    parentPort?.postMessage({ index: item.index, outcome: await runCase(item.case) } satisfies WorkerReply);
  }
});
