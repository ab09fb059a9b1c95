/** A Sandbox on a pool of worker threads: QuickJS off the event loop, killable when a built-in ignores the deadline. */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { memoryFailure, timeoutFailure } from '../../src/sandbox/failure-messages.ts';
import { answerHostCall } from '../../src/sandbox/host-reply.ts';
import {
  defaultLimits,
  type HostFunction,
  type RunRequest,
  type RunResult,
  type Sandbox,
} from '../../src/sandbox/types.ts';
import { toRunResult, type WireRunResult } from '../../src/sandbox/wire-result.ts';
import type { FromWorker, ToWorker, WorkerInit } from '../../src/sandbox/worker-protocol.ts';

export interface WorkerSandboxOptions {
  /** Worker threads, each running one snippet at a time (default: min(4, available parallelism)). */
  size?: number;
  /** Guest memory budget each worker's WASM memory is capped for (default `defaultLimits.memoryBytes`). */
  memoryBytes?: number;
  /** Largest guest stack the workers' native stacks are sized for (default `defaultLimits.stackBytes`). */
  stackBytes?: number;
  /** How long past its `timeoutMs` a run may go before its worker is terminated (default 250 ms). */
  graceMs?: number;
}

interface Job {
  runId: number;
  request: RunRequest;
  host: HostFunction;
  resolve: (result: RunResult) => void;
  reject: (error: Error) => void;
  startedAt: number;
  timer?: ReturnType<typeof setTimeout>;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | undefined;
  /** When the last run ended: the longest-idle worker has most likely built its next context already. */
  idleSince: number;
  /** The `apis` binding this worker last received (workers keep it between runs). */
  sentApis: Record<string, string[]> | undefined;
}

/**
 * Node 20 cannot run TypeScript in a worker, so when this file is loaded from source (vitest) the worker
 * comes from the build output: run `npm run build` first.
 */
function workerScript(): URL {
  const here = import.meta.url;
  const url = here.endsWith('.ts')
    ? new URL('../../dist/adapters/node/sandbox-worker.js', here)
    : new URL('./sandbox-worker.js', here);
  if (!existsSync(fileURLToPath(url))) {
    throw new Error(`sandbox worker script not found at ${fileURLToPath(url)}: run \`npm run build\` first`);
  }
  return url;
}

/**
 * QuickJS's native frames use several times the stack QuickJS accounts for (JSON.stringify of nested data
 * ~16x), so the worker's thread stack is sized for the guest limit and QuickJS's own check fires first.
 */
const threadStackMb = (stackBytes: number) => Math.ceil((stackBytes * 24) / 2 ** 20) + 4;

export function createWorkerSandbox(options: WorkerSandboxOptions = {}): Sandbox {
  const size = Math.max(1, options.size ?? Math.min(4, availableParallelism()));
  const memoryBytes = options.memoryBytes ?? defaultLimits.memoryBytes;
  const stackBytes = options.stackBytes ?? defaultLimits.stackBytes;
  const graceMs = options.graceMs ?? 250;
  const script = workerScript();
  const init: WorkerInit = { memoryBytes };
  const resourceLimits = {
    stackSizeMb: threadStackMb(stackBytes),
    // Guest memory is WASM memory outside this heap; the heap only holds strings crossing the boundary.
    maxOldGenerationSizeMb: Math.ceil((2 * memoryBytes) / 2 ** 20) + 64,
  };
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextRunId = 0;
  let closed = false;

  function startWorker(slot: Slot): void {
    const worker = new Worker(script, { workerData: init, resourceLimits });
    slot.worker = worker;
    slot.ready = false;
    slot.sentApis = undefined;
    let crash: Error | undefined;
    worker.on('message', (message: FromWorker) => {
      if (slot.worker === worker) onMessage(slot, worker, message);
    });
    worker.on('error', (error) => {
      crash = error;
    });
    worker.on('exit', (code) => {
      if (slot.worker === worker && !closed) onExit(slot, crash, code);
    });
    worker.unref();
  }

  function onMessage(slot: Slot, worker: Worker, message: FromWorker): void {
    const job = slot.job;
    switch (message.type) {
      case 'ready':
        slot.ready = true;
        break;
      case 'call':
        if (job?.runId !== message.runId) return;
        answerHostCall(job.host, message.call).then((reply) => {
          if (slot.worker !== worker || slot.job !== job) return;
          const answer: ToWorker = { type: 'reply', runId: message.runId, callId: message.callId, reply };
          worker.postMessage(answer);
        });
        return;
      case 'done':
        if (job?.runId !== message.runId) return;
        settle(slot, job, message.result);
        break;
    }
    pump();
  }

  function onExit(slot: Slot, crash: Error | undefined, code: number): void {
    const job = slot.job;
    const wasReady = slot.ready;
    if (job) {
      const outOfMemory = (crash as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
      const error = outOfMemory
        ? memoryFailure(job.request.limits)
        : {
            kind: 'runtime' as const,
            message: `sandbox worker crashed: ${crash ? `${crash.name}: ${crash.message}` : `exit code ${code}`}`,
          };
      settle(slot, job, { ok: false, error, logs: [], durationMs: performance.now() - job.startedAt });
    }
    if (!wasReady && !job) {
      // A worker that cannot even start would fail again: give up on the queued runs instead of looping.
      slots.splice(slots.indexOf(slot), 1);
      const reason = crash ? `${crash.name}: ${crash.message}` : `exit code ${code}`;
      for (const queued of queue.splice(0))
        queued.reject(new Error(`sandbox worker failed to start: ${reason}`));
      return;
    }
    startWorker(slot);
    pump();
  }

  /** The backstop: a run that outlived its deadline plus grace is stuck where interrupts do not reach. */
  function kill(slot: Slot, job: Job): void {
    if (slot.job !== job || closed) return;
    const stuck = slot.worker;
    settle(slot, job, {
      ok: false,
      error: timeoutFailure(job.request.limits),
      logs: [],
      durationMs: performance.now() - job.startedAt,
    });
    startWorker(slot);
    void stuck.terminate();
    pump();
  }

  function settle(slot: Slot, job: Job, result: WireRunResult): void {
    clearTimeout(job.timer);
    slot.job = undefined;
    slot.idleSince = performance.now();
    try {
      job.resolve(toRunResult(result));
    } catch (error) {
      job.reject(error as Error);
    }
  }

  function dispatch(slot: Slot, job: Job): void {
    slot.job = job;
    job.startedAt = performance.now();
    job.timer = setTimeout(() => kill(slot, job), job.request.limits.timeoutMs + graceMs);
    const { request } = job;
    const sameApis = slot.sentApis === request.bindings.apis;
    slot.sentApis = request.bindings.apis;
    const message: ToWorker = sameApis
      ? {
          type: 'run',
          runId: job.runId,
          request: { ...request, bindings: { ...request.bindings, apis: {} } },
          sameApis,
        }
      : { type: 'run', runId: job.runId, request };
    slot.worker.postMessage(message);
  }

  function pump(): void {
    while (queue.length > 0) {
      let pick: Slot | undefined;
      for (const slot of slots) {
        if (slot.ready && !slot.job && (!pick || slot.idleSince < pick.idleSince)) pick = slot;
      }
      if (!pick) break;
      dispatch(pick, queue.shift()!);
    }
    const starting = slots.filter((slot) => !slot.ready).length;
    for (let missing = queue.length - starting; missing > 0 && slots.length < size; missing--) {
      const slot = { ready: false, job: undefined, idleSince: 0, sentApis: undefined } as unknown as Slot;
      slots.push(slot);
      startWorker(slot);
    }
    // Idle workers must not keep the process alive; busy ones and those a queued run waits for must.
    for (const slot of slots) {
      if (slot.job || (!slot.ready && queue.length > 0)) slot.worker.ref();
      else slot.worker.unref();
    }
  }

  return {
    run(request, host) {
      if (closed) return Promise.reject(new Error('sandbox is closed'));
      return new Promise<RunResult>((resolve, reject) => {
        queue.push({ runId: nextRunId++, request, host, resolve, reject, startedAt: 0 });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error('sandbox is closed'));
      const stopping = slots.splice(0).map((slot) => {
        if (slot.job) {
          clearTimeout(slot.job.timer);
          slot.job.reject(new Error('sandbox is closed'));
        }
        return slot.worker.terminate();
      });
      await Promise.all(stopping);
    },
  };
}
