/** Worker-thread entry of the Node sandbox pool. */
import { parentPort, workerData } from 'node:worker_threads';
import { serveSandboxWorker } from '../../src/sandbox/worker-loop.ts';
import type { WorkerInit } from '../../src/sandbox/worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('sandbox-worker.js must run in a worker thread');

await serveSandboxWorker(workerData as WorkerInit, {
  post: (message) => port.postMessage(message),
  listen: (handler) => port.on('message', handler),
});
