/** Runs one snippet in a fresh QuickJS context and drives its event loop until it settles or a limit ends it. */
import type { QuickJSHandle, QuickJSWASMModule } from 'quickjs-emscripten-core';
import { indexApis } from './api-index.ts';
import {
  type Failure,
  guestFailure,
  hostFault,
  memoryFailure,
  stoppedFailure,
  timeoutFailure,
} from './failure-messages.ts';
import { disposeContext, type FreshContext, prepareContext } from './fresh-context.ts';
import { describeError, installGlobals, preludeConfig, serialiseResult } from './guest-globals.ts';
import { SNIPPET_FILE, SNIPPET_PREFIX, SNIPPET_SUFFIX } from './guest-prelude.ts';
import { checkResultJson } from './result-limits.ts';
import { type RawHost, RunSession } from './run-session.ts';
import type { RunRequest } from './types.ts';
import type { WireRunResult } from './wire-result.ts';

/** The module's C stack is 5 MiB; a guest limit above it would let QuickJS run past the end unchecked. */
export const MAX_STACK_BYTES = 4 * 1024 * 1024;

/**
 * Where the clock stands still while the guest computes (Cloudflare freezes it), the interrupt handler
 * counts polls instead: QuickJS polls every ~10k operations, which takes 40-130 µs here, so assuming at
 * most 50 polls per ms ends a frozen-clock run late rather than early.
 */
const FROZEN_POLLS_PER_MS = 50;

export interface RunSnippetOptions {
  /** A context prepared ahead of time on the same module; consumed by the run. */
  fresh?: FreshContext;
  /** The module's linear-memory cap, to recognise exhaustion when QuickJS cannot even build its error. */
  memoryCapBytes?: number;
  /** Each console line as it is kept. */
  onLog?: (line: string) => void;
  /** Stops the run (kind `runtime`) at the guest's next poll. */
  signal?: AbortSignal;
}

export interface SnippetOutcome {
  result: WireRunResult;
  /**
   * Frees the run's context; call it once the result is on its way, since freeing takes ~50 µs.
   * Returns true when the module must be discarded: a host-side exception, memory exhaustion, or
   * QuickJS finding leaked objects at disposal.
   */
  cleanUp(): boolean;
}

export async function runSnippet(
  module: QuickJSWASMModule,
  request: RunRequest,
  host: RawHost,
  options: RunSnippetOptions = {},
): Promise<SnippetOutcome> {
  const started = performance.now();
  const { limits } = request;
  const stackBytes = Math.min(limits.stackBytes, MAX_STACK_BYTES);
  const done = (outcome: Failure | { resultJson: string | undefined }, logs: string[]): WireRunResult => {
    const durationMs = performance.now() - started;
    return 'kind' in outcome
      ? { ok: false, error: outcome, logs, durationMs }
      : { ok: true, resultJson: outcome.resultJson, logs, durationMs };
  };

  const memoryExhausted = () => {
    const cap = options.memoryCapBytes;
    return cap !== undefined && module.getWasmMemory().buffer.byteLength >= cap - 4 * 1024 * 1024;
  };
  let fresh: FreshContext;
  try {
    fresh = options.fresh ?? prepareContext(module);
  } catch (error) {
    const failure = memoryExhausted() ? memoryFailure(limits) : hostFault(error, limits, stackBytes);
    return { result: done(failure, []), cleanUp: () => true };
  }
  const { runtime, context } = fresh;
  const session = new RunSession(context, limits, host, indexApis(request.bindings.apis), options.onLog);
  fresh.hooks.session = session;
  const halt = () => session.halt(stoppedFailure());
  if (options.signal?.aborted) halt();
  options.signal?.addEventListener('abort', halt, { once: true });
  const owned: QuickJSHandle[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let outcome: Failure | { resultJson: string | undefined };
  let faulted = false;
  try {
    outcome = await drive();
  } catch (error) {
    // A host-side exception inside QuickJS calls (native stack overflow, WASM trap): the module is suspect.
    faulted = true;
    outcome = session.stop ?? hostFault(error, limits, stackBytes);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', halt);
    session.end();
    fresh.hooks.session = undefined;
  }

  async function drive(): Promise<Failure | { resultJson: string | undefined }> {
    runtime.setMemoryLimit(limits.memoryBytes);
    runtime.setMaxStackSize(stackBytes);
    const deadline = started + limits.timeoutMs;
    const maxFrozenPolls = limits.timeoutMs * FROZEN_POLLS_PER_MS;
    let frozenPolls = 0;
    let lastPoll = started;
    runtime.setInterruptHandler(() => {
      if (session.stop) return true;
      const now = performance.now();
      if (now >= deadline || (now <= lastPoll && ++frozenPolls > maxFrozenPolls)) {
        session.stop = timeoutFailure(limits);
        return true;
      }
      lastPoll = now;
      return false;
    });

    let installed = false;
    /** Why the guest failed, from its uncaught exception. */
    const failureOf = (error: QuickJSHandle): Failure => {
      if (session.stop) return session.stop;
      if (!installed) {
        if (memoryExhausted()) return memoryFailure(limits);
        const dumped = context.dump(error);
        const text =
          dumped && typeof dumped === 'object' ? `${dumped.name}: ${dumped.message}` : String(dumped);
        return guestFailure(text, limits, stackBytes);
      }
      const described = describeError(fresh, error);
      if (described.error) {
        described.error.dispose();
        // `describe` cannot fail on its own: the runtime is out of memory (or was just interrupted).
        return session.stop ?? memoryFailure(limits);
      }
      if (described.value === 'Uncaught null' && memoryExhausted()) return memoryFailure(limits);
      return guestFailure(described.value, limits, stackBytes);
    };

    const installError = installGlobals(fresh, preludeConfig(request));
    if (installError) {
      const failure = failureOf(installError);
      installError.dispose();
      return failure;
    }
    installed = true;

    /** The settled value, serialised inside the guest so no guest getter or proxy runs on the host. */
    const resultOf = (value: QuickJSHandle): Failure | { resultJson: string | undefined } => {
      const serialised = serialiseResult(fresh, value, limits.maxResultBytes);
      if (serialised.error) {
        const failure = failureOf(serialised.error);
        serialised.error.dispose();
        if (failure.kind !== 'runtime') return failure;
        return { kind: 'runtime', message: `result is not JSON-serialisable: ${failure.message}` };
      }
      return checkResultJson(serialised.value.text, serialised.value.tooLong, limits);
    };

    const evaluated = context.evalCode(SNIPPET_PREFIX + request.code + SNIPPET_SUFFIX, SNIPPET_FILE);
    if (evaluated.error) {
      const failure = failureOf(evaluated.error);
      evaluated.error.dispose();
      return failure;
    }
    const promise = evaluated.value;
    owned.push(promise);
    let timedOut: Promise<'timeout'> | undefined;
    for (;;) {
      const jobs = runtime.executePendingJobs();
      if (jobs.error) {
        const failure = failureOf(jobs.error);
        jobs.error.dispose();
        return failure;
      }
      if (session.fault) throw session.fault.error;
      if (session.stop) return session.stop;
      const state = context.getPromiseState(promise);
      if (state.type === 'fulfilled') {
        const result = resultOf(state.value);
        if (!state.notAPromise) state.value.dispose();
        return result;
      }
      if (state.type === 'rejected') {
        const failure = failureOf(state.error);
        state.error.dispose();
        return failure;
      }
      if (session.callsInFlight === 0) {
        return {
          kind: 'runtime',
          message: 'the snippet is awaiting a promise that can never settle (no host call is in flight)',
        };
      }
      timedOut ??= new Promise((resolve) => {
        timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - performance.now()));
      });
      if ((await Promise.race([session.nextSettlement(), timedOut])) === 'timeout') {
        return session.stop ?? timeoutFailure(limits);
      }
    }
  }

  const result = done(outcome, session.logs.finish());
  // Memory may be left fragmented or grown to the cap: a fresh module is cheaper than the risk.
  const discard = faulted || ('kind' in outcome && outcome.kind === 'memory');
  return {
    result,
    cleanUp() {
      if (faulted) return true;
      try {
        for (const handle of owned) if (handle.alive) handle.dispose();
        disposeContext(fresh);
      } catch {
        return true;
      }
      return discard;
    },
  };
}
