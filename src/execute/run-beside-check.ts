/**
 * Stages 2 and 3 side by side: a run starts while its snippet is type-checked, and nothing it asks of the
 * host (an API call, a state read or write, a fetch) is done before the check has passed.
 *
 * Between an agent's snippets the checker's caches go cold, and a check of a one-call snippet takes its
 * thread 1-2 ms (measured on Node); the run's first steps on a sandbox worker (waking it, installing the
 * globals, compiling the snippet and running it up to its first call) take another 0.3-0.5 ms. Side by side
 * they overlap instead of adding up. A snippet the check refuses never reaches the host: calls waiting for
 * the check are refused with a fatal error, which ends the run at once, and a run still computing is
 * stopped shortly after. Its response is the check's, as if it had never started.
 *
 * Only where the check is quick to start and short (`TypeChecker.idle`: the time a run waits for its check
 * counts against its `timeoutMs`, so it must be milliseconds), where runs compute off this thread
 * (`Sandbox.offThread`: a refused snippet computing on this thread would hold it until its time limit),
 * and for runs outside a session (a session's turn is journaled with its check's outcome before the run)
 * whose logs nobody follows live.
 */
import { refusedByCheck, typeCheck } from './check.ts';
import type { ExecutorSettings, Job } from './pipeline.ts';
import type { RunSnippet } from './run.ts';
import { memoryState } from './state.ts';
import { stripTypes } from './strip-types.ts';
import type { Diagnostic, ExecuteContext, ExecuteResponse } from './types.ts';

/** How long a refused run may go on computing before it is stopped (its host calls are refused at once). */
const REFUSED_RUN_GRACE_MS = 20;

/** What a refused run's waiting calls reject with: fatal, so the run ends even if the guest catches it. */
const REFUSED = { message: 'the snippet did not pass its type-check', fatal: 'runtime' };

/** Whether this job may run beside its check. */
export function runsBesideCheck(settings: ExecutorSettings, job: Job, context: ExecuteContext): boolean {
  return (
    job.typecheck !== false &&
    job.mode === 'run' &&
    context.onLog === undefined &&
    (job.session === undefined || settings.sessions === undefined) &&
    settings.sandbox.offThread === true &&
    settings.typeChecker?.idle?.() === true
  );
}

/** The response of a stateless run started beside its check (see runsBesideCheck). */
export async function runBesideCheck(
  settings: ExecutorSettings,
  job: Job,
  runSnippet: RunSnippet,
  signal?: AbortSignal,
): Promise<ExecuteResponse> {
  const checking = typeCheck(settings, job.code);
  const stripped = stripTypes(job.code);
  if (!stripped.ok) {
    checking.catch(() => undefined);
    return refusedByCheck(job, stripped.diagnostics);
  }
  let pass!: () => void;
  let refuse!: (reason: unknown) => void;
  const gate = new Promise<void>((resolve, reject) => {
    pass = resolve;
    refuse = reject;
  });
  // A run that makes no call never looks at the gate.
  gate.catch(() => undefined);
  // The caller's stop, and ours for a refused run that is still computing.
  const stop = new AbortController();
  const forward = () => stop.abort(signal?.reason);
  if (signal?.aborted) forward();
  else signal?.addEventListener('abort', forward, { once: true });
  const running = runSnippet(job, stripped.code, memoryState(), { hooks: { signal: stop.signal }, gate });
  const ended = running.finally(() => signal?.removeEventListener('abort', forward));
  ended.catch(() => undefined);

  let diagnostics: Diagnostic[];
  try {
    diagnostics = await checking;
  } catch (error) {
    refuse(REFUSED);
    stop.abort();
    throw error;
  }
  if (diagnostics.length === 0) {
    pass();
    return (await ended).response;
  }
  refuse(REFUSED);
  const timer = setTimeout(() => stop.abort(), REFUSED_RUN_GRACE_MS);
  ended.finally(() => clearTimeout(timer)).catch(() => undefined);
  return refusedByCheck(job, diagnostics);
}
