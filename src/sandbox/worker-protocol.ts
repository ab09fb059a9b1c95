/** Messages between a sandbox pool and its worker threads; runtime-free so Deno/Bun workers can share it. */
import type { HostReply } from './host-reply.ts';
import type { RunRequest } from './types.ts';
import type { WireRunResult } from './wire-result.ts';

/** Passed to each worker at start (workerData on Node). */
export interface WorkerInit {
  /** Guest memory budget the worker's module is capped for. */
  memoryBytes: number;
  /**
   * The QuickJS `WebAssembly.Module`, compiled once by the parent, where the runtime can share one between
   * threads: the engine then tiers up its code once for every worker instead of once per worker, and keeps
   * one copy of the machine code.
   */
  wasmModule?: unknown;
}

export type ToWorker =
  | {
      type: 'run';
      runId: number;
      request: RunRequest;
      /**
       * The bindings' `apis` are those of this worker's previous run and were left out (sent as `{}`):
       * a 1,000-operation catalog costs ~0.1 ms per run to clone and index.
       */
      sameApis?: boolean;
      /** Post each console line as a `log` message while the run goes on. */
      streamLogs?: boolean;
    }
  /** The answer to a `call`; stale answers (for a finished run) are ignored. */
  | { type: 'reply'; runId: number; callId: number; reply: HostReply };

export type FromWorker =
  /** The module is loaded: the worker takes runs from now on. */
  | { type: 'ready' }
  /** A guest host call, as the JSON text the guest serialised; the parent answers with `reply`. */
  | { type: 'call'; runId: number; callId: number; call: string }
  /** A console line of a run that asked for them as they come (`streamLogs`). */
  | { type: 'log'; runId: number; line: string }
  | { type: 'done'; runId: number; result: WireRunResult };
