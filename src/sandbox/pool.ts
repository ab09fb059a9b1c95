/** A Sandbox on a bounded pool of killable workers (threads or processes) with a bounded queue, on any runtime. */
import { type Failure, memoryFailure, stoppedFailure, timeoutFailure } from './failure-messages.ts';
import { answerHostCall } from './host-reply.ts';
import { SandboxOverloadedError } from './overloaded.ts';
import {
  defaultLimits,
  type HostFunction,
  type RunHooks,
  type RunRequest,
  type RunResult,
  type Sandbox,
} from './types.ts';
import { toRunResult, type WireRunResult } from './wire-result.ts';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.ts';

/** One worker as the runtime adapter hands it to the pool. */
export interface PoolWorker {
  send(message: ToWorker): void;
  /** Ends the worker now, whatever it is doing (thread terminate, SIGKILL); resolves once it is gone. */
  kill(): Promise<unknown> | undefined;
  /** Whether the worker should keep the host process alive (Node's and Deno's ref/unref). */
  hold?(busy: boolean): void;
}

export interface WorkerExit {
  /** For the error message: the exception, exit code or signal. */
  reason: string;
  /** The worker ran out of its own heap: a memory failure rather than a crash. */
  outOfMemory?: boolean;
}

export interface PoolWorkerEvents {
  message(message: FromWorker): void;
  /** Called once, when the worker is gone (also after `kill`). */
  exit(exit: WorkerExit): void;
}

export type SpawnWorker = (init: WorkerInit, events: PoolWorkerEvents) => PoolWorker;

export interface PoolOptions {
  /**
   * Workers, each running one snippet at a time (default 10): more than the cores, so that runs stuck
   * until their deadline (eight infinite loops, say) leave workers for normal runs; the OS shares the CPU.
   */
  size?: number;
  /**
   * Runs that may wait when every worker is busy (default 2 x size); beyond that `run` rejects with a
   * SandboxOverloadedError. A waiting run starts with its full time budget, so this bounds the wait too.
   */
  maxQueue?: number;
  /** Guest memory budget each worker's module is capped for (default `defaultLimits.memoryBytes`). */
  memoryBytes?: number;
  /** How long past its `timeoutMs` a run may go before its worker is killed (default 250 ms). */
  graceMs?: number;
  /** Idle workers kept started beyond those busy, once the pool has run anything (default 1). */
  spare?: number;
  /** Workers beyond the first and the spares that stay idle this long are stopped (default 60 s). */
  idleMs?: number;
  /**
   * Runs executing guest code at once (default: the CPU count, `navigator.hardwareConcurrency`, else
   * `size`). More workers than cores running short snippets only share the cores, and starve the thread
   * that answers HTTP: on 2 cores, 10 runnable workers halved the throughput of trivial runs. A run
   * waiting for a host call, or running longer than `longRunMs`, does not count: a slow or stuck run
   * never holds the others back for longer than that.
   */
  cpus?: number;
  /** How long a run counts as holding a CPU before the next queued run may start beside it (default 20 ms). */
  longRunMs?: number;
}

interface Job {
  runId: number;
  request: RunRequest;
  host: HostFunction;
  hooks?: RunHooks;
  resolve: (result: RunResult) => void;
  reject: (error: Error) => void;
  startedAt: number;
  /** The backstop, from dispatch on. */
  timer?: ReturnType<typeof setTimeout>;
  /** Host calls the run is waiting for: while any is out, the run holds no CPU. */
  pendingCalls: number;
  /** Since when the run has been executing guest code without a break (dispatch, or its last host reply). */
  activeSince: number;
}

interface Slot {
  worker: PoolWorker | undefined;
  /** Bumped per worker started in this slot, so events of a replaced worker are ignored. */
  generation: number;
  ready: boolean;
  job: Job | undefined;
  /**
   * When the last run ended (0 until the worker has run one). The most recently idle worker takes the next
   * run: its caches and JIT state are warm, and the others stay idle long enough to be retired. Taking
   * the longest-idle one instead (so its next context was surely built) rotated runs over every worker;
   * on 2 cores that cost ~25% more CPU per trivial run (measured: 870-930 -> 1,070-1,110 runs/s under 20
   * connections, trivial p50 3.3-3.5x -> 2.9-3.1x /healthz).
   */
  idleSince: number;
  idleTimer?: ReturnType<typeof setTimeout>;
  /** The `apis` binding this worker last received (workers keep it between runs). */
  sentApis: Record<string, string[]> | undefined;
}

/** The CPU count where the runtime tells it (Deno, Bun, browsers, Node 21+); adapters may pass their own. */
function defaultCpus(): number | undefined {
  const count = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  return typeof count === 'number' && count > 0 ? count : undefined;
}

/** Timers of an idle pool must not keep a process alive (only Node's timers have `unref`). */
const unref = (timer: ReturnType<typeof setTimeout>) => (timer as { unref?: () => void }).unref?.();

export function createPoolSandbox(spawn: SpawnWorker, options: PoolOptions = {}): Sandbox {
  const size = Math.max(1, options.size ?? 10);
  const maxQueue = Math.max(0, options.maxQueue ?? 2 * size);
  const graceMs = options.graceMs ?? 250;
  const idleMs = options.idleMs ?? 60_000;
  const spare = Math.max(0, options.spare ?? 1);
  const cpus = Math.max(1, Math.floor(options.cpus ?? defaultCpus() ?? size));
  const longRunMs = options.longRunMs ?? 20;
  let repump: ReturnType<typeof setTimeout> | undefined;
  const init: WorkerInit = { memoryBytes: options.memoryBytes ?? defaultLimits.memoryBytes };
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextRunId = 0;
  let closed = false;

  function startWorker(slot: Slot): void {
    const generation = ++slot.generation;
    slot.ready = false;
    slot.sentApis = undefined;
    slot.worker = undefined;
    let exited = false;
    const events: PoolWorkerEvents = {
      message: (message) => {
        if (slot.generation === generation && slot.worker) onMessage(slot, generation, message);
      },
      exit: (exit) => {
        if (exited) return;
        exited = true;
        if (slot.generation === generation && !closed) onExit(slot, exit);
      },
    };
    try {
      slot.worker = spawn(init, events);
      slot.worker.hold?.(false);
    } catch (error) {
      // Reported like any other exit, but not from inside pump().
      queueMicrotask(() => events.exit({ reason: String(error) }));
    }
  }

  function onMessage(slot: Slot, generation: number, message: FromWorker): void {
    const job = slot.job;
    switch (message.type) {
      case 'ready':
        slot.ready = true;
        // Not yet run: cold, so taken only when no worker that has run is idle.
        slot.idleSince = 0;
        scheduleRetire(slot);
        break;
      case 'call':
        if (job?.runId !== message.runId) return;
        job.pendingCalls++;
        // Waiting for the host, the run holds no CPU: a queued run may start.
        pump();
        answerHostCall(job.host, message.call).then((reply) => {
          if (slot.generation !== generation || slot.job !== job) return;
          if (--job.pendingCalls === 0) job.activeSince = performance.now();
          slot.worker?.send({ type: 'reply', runId: message.runId, callId: message.callId, reply });
        });
        return;
      case 'log':
        if (job?.runId === message.runId) job.hooks?.onLog?.(message.line);
        return;
      case 'done':
        if (job?.runId !== message.runId) return;
        settle(slot, job, message.result);
        break;
    }
    pump();
  }

  function onExit(slot: Slot, exit: WorkerExit): void {
    const job = slot.job;
    const wasReady = slot.ready;
    slot.worker = undefined;
    if (job) {
      const error = exit.outOfMemory
        ? memoryFailure(job.request.limits)
        : { kind: 'runtime' as const, message: `sandbox worker crashed: ${exit.reason}` };
      settle(slot, job, { ok: false, error, logs: [], durationMs: performance.now() - job.startedAt });
    }
    if (!wasReady && !job) {
      // A worker that cannot even start would fail again: give up on the queued runs instead of looping.
      removeSlot(slot);
      for (const queued of queue.splice(0)) {
        clearTimeout(queued.timer);
        queued.reject(new Error(`sandbox worker failed to start: ${exit.reason}`));
      }
      return;
    }
    startWorker(slot);
    pump();
  }

  /**
   * Ends a running job by ending its worker: the backstop for a run that outlived its deadline plus grace
   * (stuck where interrupts do not reach), and how a caller's stop takes effect at once.
   */
  function kill(slot: Slot, job: Job, error: Failure = timeoutFailure(job.request.limits)): void {
    if (slot.job !== job || closed) return;
    const stuck = slot.worker;
    settle(slot, job, { ok: false, error, logs: [], durationMs: performance.now() - job.startedAt });
    startWorker(slot);
    void stuck?.kill();
    pump();
  }

  function settle(slot: Slot, job: Job, result: WireRunResult): void {
    clearTimeout(job.timer);
    slot.job = undefined;
    slot.idleSince = performance.now();
    scheduleRetire(slot);
    try {
      job.resolve(toRunResult(result));
    } catch (error) {
      job.reject(error as Error);
    }
  }

  function scheduleRetire(slot: Slot): void {
    clearTimeout(slot.idleTimer);
    slot.idleTimer = setTimeout(() => {
      const free = slots.filter((other) => !other.job).length;
      if (closed || slot.job || slots.length <= 1 || free <= spare || queue.length > 0) return;
      removeSlot(slot);
      slot.generation++;
      void slot.worker?.kill();
    }, idleMs);
    unref(slot.idleTimer);
  }

  function removeSlot(slot: Slot): void {
    clearTimeout(slot.idleTimer);
    const index = slots.indexOf(slot);
    if (index >= 0) slots.splice(index, 1);
  }

  function dispatch(slot: Slot, job: Job): void {
    clearTimeout(job.timer);
    clearTimeout(slot.idleTimer);
    slot.job = job;
    job.startedAt = performance.now();
    job.activeSince = job.startedAt;
    job.timer = setTimeout(() => kill(slot, job), job.request.limits.timeoutMs + graceMs);
    const { request } = job;
    const sameApis = slot.sentApis === request.bindings.apis;
    slot.sentApis = request.bindings.apis;
    const streamLogs = job.hooks?.onLog ? true : undefined;
    const message: ToWorker = sameApis
      ? {
          type: 'run',
          runId: job.runId,
          request: { ...request, bindings: { ...request.bindings, apis: {} } },
          sameApis,
          streamLogs,
        }
      : { type: 'run', runId: job.runId, request, streamLogs };
    slot.worker!.send(message);
  }

  /**
   * How many more runs may start now without more runs executing than there are CPUs, and when the
   * next one may if none can (the soonest a running run turns long).
   */
  function cpuRoom(now: number): { room: number; retryAt: number } {
    let active = 0;
    let retryAt = Number.POSITIVE_INFINITY;
    for (const slot of slots) {
      const job = slot.job;
      if (!job || job.pendingCalls > 0 || now - job.activeSince >= longRunMs) continue;
      active++;
      retryAt = Math.min(retryAt, job.activeSince + longRunMs);
    }
    return { room: Math.max(0, cpus - active), retryAt };
  }

  function pump(): void {
    const now = performance.now();
    let { room, retryAt } = cpuRoom(now);
    clearTimeout(repump);
    repump = undefined;
    while (queue.length > 0 && room > 0) {
      let pick: Slot | undefined;
      for (const slot of slots) {
        if (slot.ready && !slot.job && (!pick || slot.idleSince > pick.idleSince)) pick = slot;
      }
      if (!pick) break;
      dispatch(pick, queue.shift()!);
      room--;
      retryAt = Math.min(retryAt, now + longRunMs);
    }
    if (queue.length > 0 && room === 0 && Number.isFinite(retryAt)) {
      repump = setTimeout(pump, Math.max(1, retryAt - now));
    }
    // Workers for the queued runs plus `spare` more, so a run arriving while every other worker is stuck
    // does not wait for a worker to start (a subprocess takes ~100 ms, more on a loaded machine).
    // Only for the runs that may start now: a run waiting for a CPU has no use for a worker yet.
    const free = slots.filter((slot) => !slot.job).length;
    const startable = Math.min(queue.length, room);
    for (let missing = startable + spare - free; missing > 0 && slots.length < size; missing--) {
      const slot: Slot = {
        worker: undefined,
        generation: 0,
        ready: false,
        job: undefined,
        idleSince: 0,
        sentApis: undefined,
      };
      slots.push(slot);
      startWorker(slot);
    }
    // Idle workers must not keep the process alive; busy ones and those a queued run waits for must.
    for (const slot of slots) slot.worker?.hold?.(!!slot.job || (!slot.ready && queue.length > 0));
  }

  /** Seconds until the first running job ends at the latest (its deadline plus grace). */
  function retryAfter(): number {
    const now = performance.now();
    let soonest = Number.POSITIVE_INFINITY;
    for (const slot of slots) {
      const job = slot.job;
      if (job) soonest = Math.min(soonest, job.startedAt + job.request.limits.timeoutMs + graceMs - now);
    }
    return Number.isFinite(soonest) ? Math.max(1, Math.ceil(soonest / 1000)) : 1;
  }

  function enqueue(job: Job): void {
    const busy = slots.filter((slot) => slot.job).length;
    if (busy + queue.length >= size + maxQueue) {
      const retry = retryAfter();
      job.reject(
        new SandboxOverloadedError(
          `sandbox pool is full: ${size} workers and ${maxQueue} queue places are taken; retry after ${retry} s`,
          retry,
        ),
      );
      return;
    }
    queue.push(job);
    pump();
  }

  /** A caller's stop: a queued job leaves the queue, a running one loses its worker. */
  function stop(job: Job): void {
    const queued = queue.indexOf(job);
    if (queued >= 0) {
      queue.splice(queued, 1);
      job.resolve({ ok: false, error: stoppedFailure(), logs: [], durationMs: 0 });
      return;
    }
    const slot = slots.find((candidate) => candidate.job === job);
    if (slot) {
      kill(slot, job, stoppedFailure());
      pump();
    }
  }

  return {
    run(request, host, hooks) {
      if (closed) return Promise.reject(new Error('sandbox is closed'));
      if (hooks?.signal?.aborted) {
        return Promise.resolve({ ok: false, error: stoppedFailure(), logs: [], durationMs: 0 });
      }
      return new Promise<RunResult>((resolve, reject) => {
        const job: Job = {
          runId: nextRunId++,
          request,
          host,
          hooks,
          resolve,
          reject,
          startedAt: 0,
          pendingCalls: 0,
          activeSince: 0,
        };
        const signal = hooks?.signal;
        if (signal) {
          const onAbort = () => stop(job);
          signal.addEventListener('abort', onAbort, { once: true });
          const done = () => signal.removeEventListener('abort', onAbort);
          job.resolve = (result) => {
            done();
            resolve(result);
          };
          job.reject = (error) => {
            done();
            reject(error);
          };
        }
        enqueue(job);
      });
    },
    offThread: true,
    async close() {
      closed = true;
      clearTimeout(repump);
      for (const job of queue.splice(0)) {
        clearTimeout(job.timer);
        job.reject(new Error('sandbox is closed'));
      }
      const stopping = slots.splice(0).map((slot) => {
        clearTimeout(slot.idleTimer);
        if (slot.job) {
          clearTimeout(slot.job.timer);
          slot.job.reject(new Error('sandbox is closed'));
        }
        return slot.worker?.kill();
      });
      await Promise.all(stopping);
    },
  };
}
