/** Stage 3, run: the checked snippet in the sandbox, its host calls answered by the host-call handler. */
import type { RunJournal } from '../audit/run-journal.ts';
import { isSandboxOverloaded } from '../sandbox/overloaded.ts';
import type { HostFunction, RunHooks, RunResult } from '../sandbox/types.ts';
import type { HostCalls } from './host-calls.ts';
import { type Approval, type ExecutorSettings, errorOf, type Job, type Run } from './pipeline.ts';
import type { StateStore } from './state.ts';
import type { ExecuteResponse } from './types.ts';

export interface RunOptions {
  approval?: Approval;
  journal?: RunJournal;
  /** The caller's log stream and stop signal (see ExecuteContext). */
  hooks?: RunHooks;
  /**
   * Host calls wait for this before anything is done for them (run-beside-check.ts); when it rejects, each
   * call rejects with its error, which ends the run when it is fatal.
   */
  gate?: Promise<void>;
}

export type RunSnippet = (
  job: Job,
  code: string,
  state: StateStore,
  options?: RunOptions,
) => Promise<{ response: ExecuteResponse; run: Run }>;

/**
 * The reason a run's signal carries once the run is over, one for every run: an Error made per run (its
 * stack captured each time) left ~2 MB alive at each scavenge of the server's heap under trivial runs,
 * which then took 3-8 ms instead of under 1 (Node 20, `--trace-gc-nvp`; README, Performance).
 */
const RUN_FINISHED = new Error('run finished');

export function runStage(settings: ExecutorSettings, host: HostCalls): RunSnippet {
  return async (job, code, state, options = {}) => {
    const limits = { ...settings.limits, timeoutMs: job.timeoutMs ?? settings.limits.timeoutMs };
    // Aborted when the run ends, however it ends: the sandbox enforces the time limit (a timer here would
    // also count time spent waiting for a worker and cut off calls of a run that started late). Made on
    // the first host call that needs it: most runs make none, and a signal costs ~40 µs to create.
    let abort: AbortController | undefined;
    let ended: Error | undefined;
    const stop = options.hooks?.signal;
    const onStop = () => {
      ended ??= new Error('the run was stopped');
      abort?.abort(ended);
    };
    if (stop?.aborted) onStop();
    stop?.addEventListener('abort', onStop, { once: true });
    const run: Run = {
      tenant: job.tenant,
      session: job.session,
      mode: job.mode,
      calls: [],
      state,
      get signal() {
        if (!abort) {
          abort = new AbortController();
          if (ended) abort.abort(ended);
        }
        return abort.signal;
      },
      planned: [],
      approval: options.approval,
      journal: options.journal,
    };
    const { gate } = options;
    const answer: HostFunction = gate
      ? (call) => gate.then(() => host(call, run))
      : (call) => host(call, run);
    let result: RunResult;
    try {
      result = await settings.sandbox.run(
        {
          code,
          bindings: { apis: settings.apis, state: true, fetch: settings.allowFetch.length > 0 },
          limits,
        },
        answer,
        options.hooks,
      );
    } catch (error) {
      if (!isSandboxOverloaded(error)) throw error;
      const { message, retryAfterSeconds } = error;
      const response: ExecuteResponse = {
        ok: false,
        error: { kind: 'overloaded', message, retryAfterSeconds },
        logs: [],
        calls: run.calls,
        durationMs: 0,
      };
      return { response, run };
    } finally {
      stop?.removeEventListener('abort', onStop);
      ended ??= RUN_FINISHED;
      abort?.abort(ended);
    }
    const base = { logs: result.logs, calls: run.calls, durationMs: 0 };
    let response: ExecuteResponse;
    if (run.refusal && !result.ok) response = { ok: false, error: errorOf(run.refusal), ...base };
    else if (result.ok) response = { ok: true, result: result.result, ...base };
    else response = { ok: false, error: result.error, ...base };
    return { response, run };
  };
}
