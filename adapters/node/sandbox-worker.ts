/** Worker-thread entry of the Node sandbox pool. */
import { parentPort, workerData } from 'node:worker_threads';
import { serveSandboxWorker } from '../../src/sandbox/worker-loop.ts';
import type { WorkerInit } from '../../src/sandbox/worker-protocol.ts';
import { SANDBOX_WORKER_TRIM, startHeapTrimmer } from './heap-trim.ts';

const port = parentPort;
if (!port) throw new Error('sandbox-worker.js must run in a worker thread');

// Between bursts of runs the thread gives back the heap host replies and results grew.
let messages = 0;
let running = 0;
let lastAt = performance.now();
startHeapTrimmer(() => ({ busy: running > 0, count: messages, lastAt }), SANDBOX_WORKER_TRIM);

await serveSandboxWorker(workerData as WorkerInit, {
  post: (message) => {
    if (message.type === 'done') running--;
    lastAt = performance.now();
    port.postMessage(message);
  },
  listen: (handler) =>
    port.on('message', (message) => {
      messages++;
      if (message.type === 'run') running++;
      lastAt = performance.now();
      handler(message);
    }),
});
