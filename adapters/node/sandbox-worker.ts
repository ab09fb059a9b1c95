/** Worker-thread entry of the sandbox pool: one QuickJS module, one run at a time, host calls sent to the parent. */
import { parentPort, workerData } from 'node:worker_threads';
import type { QuickJSWASMModule } from 'quickjs-emscripten-core';
import { type FreshContext, prepareContext } from '../../src/sandbox/fresh-context.ts';
import type { HostReply } from '../../src/sandbox/host-reply.ts';
import { loadQuickJSModule, moduleCapBytes } from '../../src/sandbox/quickjs-module.ts';
import { runSnippet } from '../../src/sandbox/run-snippet.ts';
import type { FromWorker, ToWorker, WorkerInit } from '../../src/sandbox/worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('sandbox-worker.js must run in a worker thread');
const { memoryBytes } = workerData as WorkerInit;
const capBytes = moduleCapBytes(memoryBytes);
const post = (message: FromWorker) => port.postMessage(message);

let module: QuickJSWASMModule = await loadQuickJSModule(memoryBytes);
let spare: FreshContext | undefined;
let nextCallId = 0;
let lastApis: Record<string, string[]> = {};
const waiting = new Map<number, (reply: HostReply) => void>();

/** Builds the next run's context after the previous result is posted, off the latency path. */
function prewarm(): void {
  try {
    spare = prepareContext(module);
  } catch {
    spare = undefined;
  }
}

async function run({ runId, request, sameApis }: ToWorker & { type: 'run' }): Promise<void> {
  if (sameApis) request.bindings.apis = lastApis;
  else lastApis = request.bindings.apis;
  const fresh = spare;
  spare = undefined;
  const outcome = await runSnippet(
    module,
    request,
    (call) =>
      new Promise<HostReply>((resolve) => {
        const callId = nextCallId++;
        waiting.set(callId, resolve);
        post({ type: 'call', runId, callId, call });
      }),
    { fresh, memoryCapBytes: capBytes },
  );
  waiting.clear();
  post({ type: 'done', runId, result: outcome.result });
  // A faulted module may be corrupt: replace it; the run queue holds the next run until it is loaded.
  if (outcome.cleanUp()) module = await loadQuickJSModule(memoryBytes);
  prewarm();
}

let queue: Promise<void> = Promise.resolve();
port.on('message', (message: ToWorker) => {
  if (message.type === 'reply') {
    const resolve = waiting.get(message.callId);
    waiting.delete(message.callId);
    resolve?.(message.reply);
    return;
  }
  // The pool sends one run at a time; chaining keeps a reload after a fault ahead of the next run.
  queue = queue
    .then(() => run(message))
    .catch((error: unknown) => {
      // Only a module that cannot be reloaded gets here: crash, so the pool replaces this worker.
      queueMicrotask(() => {
        throw error;
      });
    });
});

prewarm();
post({ type: 'ready' });
