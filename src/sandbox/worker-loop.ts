/** The inside of a pool worker on any runtime: one QuickJS module, one run at a time, host calls sent to the pool. */
import type { QuickJSWASMModule } from 'quickjs-emscripten-core';
import { type FreshContext, prepareContext } from './fresh-context.ts';
import { preludeConfig } from './guest-globals.ts';
import type { PreludeConfig } from './guest-prelude.ts';
import type { HostReply } from './host-reply.ts';
import { loadQuickJSModule, moduleCapBytes } from './quickjs-module.ts';
import { runSnippet } from './run-snippet.ts';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.ts';

/** How a worker talks to its pool: postMessage on a thread, lines on stdio in a subprocess. */
export interface WorkerChannel {
  post(message: FromWorker): void;
  listen(handler: (message: ToWorker) => void): void;
}

/**
 * Loads the module, then answers runs until the process or thread is killed. A module that cannot be
 * (re)loaded throws out of a microtask, so the worker dies and the pool replaces it.
 */
export async function serveSandboxWorker(init: WorkerInit, channel: WorkerChannel): Promise<void> {
  const { memoryBytes, wasmModule } = init;
  const capBytes = moduleCapBytes(memoryBytes);
  let module: QuickJSWASMModule = await loadQuickJSModule(memoryBytes, wasmModule);
  let spare: FreshContext | undefined;
  let nextCallId = 0;
  let lastApis: Record<string, string[]> = {};
  /** The globals of the last run, most likely the next one's too: the spare context gets them ready. */
  let lastConfig: PreludeConfig | undefined;
  const waiting = new Map<number, (reply: HostReply) => void>();

  /** Builds the next run's context after the previous result is posted, off the latency path. */
  const prewarm = () => {
    try {
      spare = prepareContext(module, lastConfig);
    } catch {
      spare = undefined;
    }
  };

  async function run({ runId, request, sameApis, streamLogs }: ToWorker & { type: 'run' }): Promise<void> {
    if (sameApis) request.bindings.apis = lastApis;
    else lastApis = request.bindings.apis;
    lastConfig = preludeConfig(request);
    const fresh = spare;
    spare = undefined;
    const outcome = await runSnippet(
      module,
      request,
      (call) =>
        new Promise<HostReply>((resolve) => {
          const callId = nextCallId++;
          waiting.set(callId, resolve);
          channel.post({ type: 'call', runId, callId, call });
        }),
      {
        fresh,
        memoryCapBytes: capBytes,
        onLog: streamLogs ? (line) => channel.post({ type: 'log', runId, line }) : undefined,
      },
    );
    waiting.clear();
    channel.post({ type: 'done', runId, result: outcome.result });
    // A faulted module may be corrupt: replace it; the run queue holds the next run until it is loaded.
    if (outcome.cleanUp()) module = await loadQuickJSModule(memoryBytes, wasmModule);
    prewarm();
  }

  let queue: Promise<void> = Promise.resolve();
  channel.listen((message) => {
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
        queueMicrotask(() => {
          throw error;
        });
      });
  });

  prewarm();
  channel.post({ type: 'ready' });
}
