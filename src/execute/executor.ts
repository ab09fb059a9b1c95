/**
 * The execute pipeline, composed of its stages: admit (validate, rate limit) -> check (strip types,
 * type-check) -> run (the sandbox, each host call checked against policy before it leaves) -> record
 * (audit entry, plan, state writes, committed at once). Approval re-runs a plan through the same stages.
 * Where the check is quick, a run outside a session starts beside its check (run-beside-check.ts).
 */
import { auditWrites } from '../audit/log.ts';
import { type RunJournal, runJournal, settleInterrupted } from '../audit/run-journal.ts';
import { inSpan, type Logger, setAttributes } from '../audit/telemetry.ts';
import type { Catalog } from '../catalog/index.ts';
import type { EgressRule } from '../policy/egress.ts';
import type { PolicyEngine } from '../policy/engine.ts';
import type { RateLimiter } from '../policy/rate-limit.ts';
import { defaultLimits, type Sandbox, type SandboxLimits } from '../sandbox/types.ts';
import { admit, refusedResponse, takeToken } from './admit.ts';
import { type Approve, approveStage } from './approve.ts';
import { type CheckLevel, checkCode, checkJob, checkLevel } from './check.ts';
import { hostCalls } from './host-calls.ts';
import { type ExecutorSettings, finished, type Job, type UpstreamConfig } from './pipeline.ts';
import { overlayState } from './plan.ts';
import { auditEntry, journalStart, keepPlan } from './record.ts';
import { runStage } from './run.ts';
import { runBesideCheck, runsBesideCheck } from './run-beside-check.ts';
import { memoryState, type SessionStore } from './state.ts';
import type { Diagnostic, ExecuteContext, ExecuteRequest, ExecuteResponse, TypeChecker } from './types.ts';

export type { UpstreamConfig } from './pipeline.ts';

export interface ExecutorOptions {
  catalog: Catalog;
  sandbox: Sandbox;
  upstreams?: Record<string, UpstreamConfig>;
  sessions?: SessionStore;
  limits?: Partial<SandboxLimits>;
  /** Upper bound for a request's `timeoutMs`. */
  maxTimeoutMs?: number;
  maxCodeBytes?: number;
  /** Bound on each upstream response body. */
  maxResponseBytes?: number;
  /** Hosts guest `fetch` may reach; no rules, no `fetch` global. */
  allowFetch?: EgressRule[];
  fetch?: typeof fetch;
  /** Checks snippets against the catalog's types before they run; without one only syntax is checked. */
  typeChecker?: TypeChecker;
  /** Allow/deny rules, read-only APIs, argument constraints, approvals and rate limits per tenant. */
  policy?: PolicyEngine;
  /** Where rate-limit buckets live; needed when the policy sets rate limits. */
  rateLimiter?: RateLimiter;
  /** Strings never written to the audit trail (credentials, tokens). */
  secrets?: readonly string[];
  /** Structured log lines, one per execution. */
  log?: Logger;
}

export interface Executor {
  execute(request: ExecuteRequest, context?: ExecuteContext): Promise<ExecuteResponse>;
  /**
   * Applies a dry run's plan of `session` once: the first approval runs it, a retry answers the first
   * response (`replayed: true`). Undefined for an unknown session or plan.
   */
  approve: Approve;
  /**
   * Checks `code` as a run would before it runs, without running it: `types` with a type checker, `syntax`
   * without one (policy is not checked: it needs the calls a run makes). No diagnostics: it would run.
   */
  check(code: string): Promise<{ diagnostics: Diagnostic[]; checked: CheckLevel }>;
  /** What `check` (and every run) checks: `types` with a type checker, `syntax` without. */
  readonly checks: CheckLevel;
}

function settingsOf(options: ExecutorOptions): ExecutorSettings {
  const limits: SandboxLimits = { ...defaultLimits, ...options.limits };
  return {
    catalog: options.catalog,
    sandbox: options.sandbox,
    upstreams: options.upstreams,
    sessions: options.sessions,
    limits,
    maxTimeoutMs: options.maxTimeoutMs ?? Math.max(limits.timeoutMs, 60_000),
    maxCodeBytes: options.maxCodeBytes ?? 100 * 1024,
    maxResponseBytes: options.maxResponseBytes ?? 8 * 1024 * 1024,
    send: options.fetch ?? ((input, init) => fetch(input, init)),
    allowFetch: options.allowFetch ?? [],
    typeChecker: options.typeChecker,
    policy: options.policy,
    rateLimiter: options.rateLimiter,
    secrets: options.secrets ?? [],
    log: options.log,
    apis: Object.fromEntries(
      options.catalog.apis.map((api) => [api.name, api.operations.map((op) => op.name)]),
    ),
  };
}

export function createExecutor(options: ExecutorOptions): Executor {
  const settings = settingsOf(options);
  const { secrets, log } = settings;
  const runSnippet = runStage(settings, hostCalls(settings));

  /** Check, run and record one admitted job, in its session's turn when it has one. */
  async function perform(job: Job, context: ExecuteContext): Promise<ExecuteResponse> {
    if (runsBesideCheck(settings, job, context))
      return finished(job, await runBesideCheck(settings, job, runSnippet, context.signal));
    const checked = await checkJob(settings, job);
    const { session, tenant } = job;
    const hooks = { onLog: context.onLog, signal: context.signal };
    if (session === undefined || !settings.sessions) {
      const response = checked.ok
        ? (await runSnippet(job, checked.js, memoryState(), { hooks })).response
        : checked.response;
      return finished(job, response);
    }
    return settings.sessions.withSession(
      session,
      async (state, turn) => {
        await settleInterrupted(turn);
        // State writes stay in the overlay until the run has ended; they are kept with its audit entry.
        const overlay = overlayState(state);
        let journal: RunJournal | undefined;
        let response: ExecuteResponse;
        if (!checked.ok) response = checked.response;
        else if (job.mode === 'dry-run') {
          const { response: dry, run } = await runSnippet(job, checked.js, overlay, { hooks });
          response = dry;
          if (dry.ok) response.plan = await keepPlan(job, turn.records, run.planned);
        } else {
          journal = runJournal(turn.records, await journalStart(job, checked.typecheck, secrets));
          response = (await runSnippet(job, checked.js, overlay, { journal, hooks })).response;
        }
        response = finished(job, response);
        const extra = await context.commitWith?.(response, turn.records);
        const audit = await auditWrites(
          turn.records,
          await auditEntry(job, checked.typecheck, response, secrets),
        );
        await turn.commit({
          ...(job.mode === 'run' && response.ok ? overlay.changes() : {}),
          records: { ...extra?.records, ...audit },
          recordDeletes: [...(journal?.keys ?? []), ...(extra?.recordDeletes ?? [])],
        });
        return response;
      },
      { tenant },
    );
  }

  async function execute(request: ExecuteRequest, context: ExecuteContext = {}): Promise<ExecuteResponse> {
    const admitted = admit(settings, request, context);
    if ('response' in admitted) return admitted.response;
    const { job } = admitted;
    const { tenant, session } = job;
    return inSpan(
      'duet.execute',
      { 'duet.tenant': tenant, 'duet.session': session, 'duet.mode': job.mode },
      async (span) => {
        const limited = await takeToken(settings, tenant, 'executions');
        const response = limited ? refusedResponse(limited, job.started) : await perform(job, context);
        setAttributes(span, {
          'duet.ok': response.ok,
          'duet.error.kind': response.error?.kind,
          'duet.calls': response.calls.length,
        });
        log?.({
          level: response.ok ? 'info' : 'warn',
          msg: 'execute',
          tenant,
          session,
          mode: job.mode,
          ok: response.ok,
          errorKind: response.error?.kind,
          rule: response.error?.rule,
          calls: response.calls.length,
          durationMs: Math.round(response.durationMs * 100) / 100,
        });
        return response;
      },
    );
  }

  return {
    execute,
    approve: approveStage(settings, runSnippet),
    check: (code) => checkCode(settings, code),
    checks: checkLevel(settings),
  };
}
