/**
 * The execute pipeline: validate -> rate limit -> strip types -> type-check -> sandbox (API calls proxied by
 * the host, each checked against policy before it leaves) -> audit -> result.
 */
import { type AuditCall, type AuditEntry, auditWrites, redact, sha256Hex } from '../audit/log.ts';
import { type JournalStart, type RunJournal, runJournal, settleInterrupted } from '../audit/run-journal.ts';
import { injectTraceContext, inSpan, type Logger, SpanKind, setAttributes } from '../audit/telemetry.ts';
import type { Catalog } from '../catalog/index.ts';
import type { Api, Operation } from '../catalog/types.ts';
import type { EgressRule } from '../policy/egress.ts';
import { isRead, type PolicyEngine, policyMethod } from '../policy/engine.ts';
import type { RateKind, RateLimiter } from '../policy/rate-limit.ts';
import { isSandboxOverloaded } from '../sandbox/overloaded.ts';
import {
  defaultLimits,
  type HostCall,
  type HostCallError,
  type HostFunction,
  type RunResult,
  type Sandbox,
  type SandboxLimits,
} from '../sandbox/types.ts';
import { ArgumentError, buildRequest } from './build-request.ts';
import { guestFetch } from './guest-fetch.ts';
import {
  type CallProgress,
  overlayState,
  planWrites,
  readPlan,
  readProgress,
  type StoredPlan,
  withOutcomes,
  writePlan,
  writeProgress,
} from './plan.ts';
import { ResponseTooLargeError, readBody } from './read-response.ts';
import { SESSION_PATTERN, SESSION_RULE } from './session-id.ts';
import { memoryState, type SessionRecords, type SessionStore, type StateStore } from './state.ts';
import { stripTypes } from './strip-types.ts';
import type {
  CallRecord,
  Diagnostic,
  ExecuteContext,
  ExecuteRequest,
  ExecuteResponse,
  PlannedCall,
  TypeChecker,
} from './types.ts';

export interface UpstreamConfig {
  /** Overrides the spec's server URL. */
  baseUrl?: string;
  /** Added by the host to every request to this API; never visible to the guest. */
  headers?: Record<string, string>;
  /** Sends the request (defaults to the executor's fetch); lets an in-process API answer without a socket. */
  fetch?: (request: Request) => Promise<Response>;
}

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
  approve(session: string, plan: string, context?: ExecuteContext): Promise<ExecuteResponse | undefined>;
  /**
   * Checks `code` as a run would before it runs, without running it: `types` with a type checker, `syntax`
   * without one (policy is not checked: it needs the calls a run makes). No diagnostics: it would run.
   */
  check(code: string): Promise<{ diagnostics: Diagnostic[]; checked: 'types' | 'syntax' }>;
  /** What `check` (and every run) checks: `types` with a type checker, `syntax` without. */
  readonly checks: 'types' | 'syntax';
}

type Mode = AuditEntry['mode'];
type TypecheckStatus = AuditEntry['typecheck'];

/** What ends a run from the host's side: a policy refusal or a rate limit. */
interface Refusal {
  kind: 'policy' | 'rate_limit';
  message: string;
  rule?: string;
  retryAfterSeconds?: number;
}

/** One run's bookkeeping, shared by its host calls. */
interface Run {
  tenant: string;
  session?: string;
  mode: Mode;
  calls: CallRecord[];
  state: StateStore;
  signal: AbortSignal;
  refusal?: Refusal;
  /** Dry run: the calls recorded instead of sent. */
  planned: PlannedCall[];
  /** Approved run: the plan, its records and which planned calls have been used. */
  approval?: { plan: StoredPlan; records: SessionRecords; used: Set<number> };
  /** A run in a session: calls that may change something are journaled (see run-journal.ts). */
  journal?: RunJournal;
}

interface Job {
  code: string;
  session?: string;
  timeoutMs?: number;
  typecheck?: boolean;
  mode: Mode;
  tenant: string;
  /** ISO start time, for the audit. */
  time: string;
  started: number;
}

type Prepared =
  | { ok: true; js: string; typecheck: TypecheckStatus }
  | { ok: false; response: ExecuteResponse; typecheck: TypecheckStatus };

export function createExecutor(options: ExecutorOptions): Executor {
  const limits: SandboxLimits = { ...defaultLimits, ...options.limits };
  const maxTimeoutMs = options.maxTimeoutMs ?? Math.max(limits.timeoutMs, 60_000);
  const maxCodeBytes = options.maxCodeBytes ?? 100 * 1024;
  const maxResponseBytes = options.maxResponseBytes ?? 8 * 1024 * 1024;
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  const allowFetch = options.allowFetch ?? [];
  const policy = options.policy;
  const secrets = options.secrets ?? [];
  const log = options.log;
  const apis = Object.fromEntries(
    options.catalog.apis.map((api) => [api.name, api.operations.map((op) => op.name)]),
  );

  function badRequest(message: string): ExecuteResponse {
    return { ok: false, error: { kind: 'bad_request', message }, logs: [], calls: [], durationMs: 0 };
  }

  /** Takes a token of `kind` from the tenant's bucket when the policy limits it; a refusal otherwise. */
  async function rateLimited(tenant: string, kind: RateKind): Promise<Refusal | undefined> {
    const settings = policy?.rateLimit(tenant);
    const perMinute = kind === 'executions' ? settings?.executionsPerMinute : settings?.callsPerMinute;
    if (!perMinute) return undefined;
    if (!options.rateLimiter)
      throw new Error('duet: the policy sets rate limits but no rateLimiter is given');
    const decision = await options.rateLimiter.take(tenant, kind, perMinute);
    if (decision.ok) return undefined;
    const who = tenant === '' ? 'this server' : `tenant '${tenant}'`;
    return {
      kind: 'rate_limit',
      message: `rate limit: ${who} may make ${perMinute} ${kind === 'executions' ? 'executions' : 'upstream calls'} per minute; retry in ${decision.retryAfterSeconds} s`,
      retryAfterSeconds: decision.retryAfterSeconds,
    };
  }

  function refusedResponse(refusal: Refusal, started: number): ExecuteResponse {
    return {
      ok: false,
      error: errorOf(refusal),
      logs: [],
      calls: [],
      durationMs: performance.now() - started,
    };
  }

  async function execute(request: ExecuteRequest, context: ExecuteContext = {}): Promise<ExecuteResponse> {
    const started = performance.now();
    const time = new Date().toISOString();
    const { code, session, timeoutMs } = request;
    if (typeof code !== 'string' || code.trim() === '')
      return badRequest("'code' must be a non-empty string");
    if (new TextEncoder().encode(code).byteLength > maxCodeBytes) {
      return badRequest(`'code' is larger than the ${maxCodeBytes} byte limit`);
    }
    if (session !== undefined && (typeof session !== 'string' || !SESSION_PATTERN.test(session))) {
      return badRequest(`'session' must be ${SESSION_RULE}`);
    }
    if (
      timeoutMs !== undefined &&
      (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > maxTimeoutMs)
    ) {
      return badRequest(`'timeoutMs' must be an integer from 1 to ${maxTimeoutMs}`);
    }
    if (request.typecheck !== undefined && typeof request.typecheck !== 'boolean') {
      return badRequest("'typecheck' must be a boolean");
    }
    if (request.dryRun !== undefined && typeof request.dryRun !== 'boolean') {
      return badRequest("'dryRun' must be a boolean");
    }
    if (request.dryRun && (session === undefined || !options.sessions)) {
      return badRequest("'dryRun' needs a 'session': the plan is kept there until it is approved");
    }
    const tenant = context.tenant ?? '';
    const job: Job = {
      code,
      session,
      timeoutMs,
      typecheck: request.typecheck,
      mode: request.dryRun ? 'dry-run' : 'run',
      tenant,
      time,
      started,
    };
    return inSpan(
      'duet.execute',
      { 'duet.tenant': tenant, 'duet.session': session, 'duet.mode': job.mode },
      async (span) => {
        const limited = await rateLimited(tenant, 'executions');
        const response = limited ? refusedResponse(limited, started) : await perform(job);
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

  async function prepare(job: Job): Promise<Prepared> {
    const rejected = (diagnostics: Diagnostic[], typecheck: TypecheckStatus): Prepared => ({
      ok: false,
      typecheck,
      response: {
        ok: false,
        error: { kind: 'typecheck', message: diagnostics[0].message, diagnostics },
        logs: [],
        calls: [],
        durationMs: performance.now() - job.started,
      },
    });
    const stripped = stripTypes(job.code);
    if (!stripped.ok) return rejected(stripped.diagnostics, 'failed');
    if (!options.typeChecker) return { ok: true, js: stripped.code, typecheck: 'syntax' };
    if (job.typecheck === false) return { ok: true, js: stripped.code, typecheck: 'skipped' };
    const checker = options.typeChecker;
    const diagnostics = await inSpan('duet.typecheck', {}, async (span) => {
      const found = await checker.check(job.code, { fetch: allowFetch.length > 0 });
      setAttributes(span, { 'duet.diagnostics': found.length });
      return found;
    });
    if (diagnostics.length > 0) return rejected(diagnostics, 'failed');
    return { ok: true, js: stripped.code, typecheck: 'passed' };
  }

  async function check(code: string): Promise<{ diagnostics: Diagnostic[]; checked: 'types' | 'syntax' }> {
    const checked = options.typeChecker ? 'types' : 'syntax';
    if (new TextEncoder().encode(code).byteLength > maxCodeBytes)
      return { diagnostics: [{ message: `code is larger than the ${maxCodeBytes} byte limit` }], checked };
    const stripped = stripTypes(code);
    if (!stripped.ok || !options.typeChecker)
      return { diagnostics: stripped.ok ? [] : stripped.diagnostics, checked };
    const checker = options.typeChecker;
    const diagnostics = await inSpan('duet.typecheck', {}, async (span) => {
      const found = await checker.check(code, { fetch: allowFetch.length > 0 });
      setAttributes(span, { 'duet.diagnostics': found.length });
      return found;
    });
    return { diagnostics, checked };
  }

  async function perform(job: Job): Promise<ExecuteResponse> {
    const prepared = await prepare(job);
    const { session, tenant } = job;
    if (session === undefined || !options.sessions) {
      const response = prepared.ok
        ? (await runSnippet(job, prepared.js, memoryState())).response
        : prepared.response;
      return finished(job, response);
    }
    return options.sessions.withSession(
      session,
      async (state, turn) => {
        await settleInterrupted(turn);
        // State writes stay in the overlay until the run has ended; they are kept with its audit entry.
        const overlay = overlayState(state);
        let journal: RunJournal | undefined;
        let response: ExecuteResponse;
        if (!prepared.ok) response = prepared.response;
        else if (job.mode === 'dry-run') {
          const { response: dry, run } = await runSnippet(job, prepared.js, overlay);
          response = dry;
          if (dry.ok) response.plan = await keepPlan(job, turn.records, run.planned);
        } else {
          journal = runJournal(turn.records, await journalStart(job, prepared.typecheck));
          response = (await runSnippet(job, prepared.js, overlay, undefined, journal)).response;
        }
        response = finished(job, response);
        await turn.commit({
          ...(job.mode === 'run' && response.ok ? overlay.changes() : {}),
          records: await auditWrites(turn.records, await auditEntry(job, prepared.typecheck, response)),
          recordDeletes: journal?.keys,
        });
        return response;
      },
      { tenant },
    );
  }

  async function journalStart(job: Job, typecheck: TypecheckStatus): Promise<JournalStart> {
    return redact(
      {
        time: job.time,
        tenant: job.tenant,
        session: job.session!,
        mode: job.mode,
        code: job.code,
        codeSha256: await sha256Hex(job.code),
        typecheck,
      },
      secrets,
    );
  }

  function finished(job: Job, response: ExecuteResponse): ExecuteResponse {
    return { ...response, durationMs: performance.now() - job.started };
  }

  async function keepPlan(job: Job, records: SessionRecords, planned: PlannedCall[]) {
    const plan: StoredPlan = {
      id: crypto.randomUUID(),
      created: job.time,
      code: job.code,
      codeSha256: await sha256Hex(job.code),
      timeoutMs: job.timeoutMs,
      typecheck: job.typecheck,
      calls: planned,
      status: 'pending',
    };
    await writePlan(records, plan);
    return { id: plan.id, status: 'pending' as const, calls: planned };
  }

  async function auditEntry(
    job: Job,
    typecheck: TypecheckStatus,
    response: ExecuteResponse,
    plan?: string,
  ): Promise<Omit<AuditEntry, 'seq'>> {
    const entry: Omit<AuditEntry, 'seq'> = {
      time: job.time,
      tenant: job.tenant,
      session: job.session!,
      mode: job.mode,
      code: job.code,
      codeSha256: await sha256Hex(job.code),
      typecheck,
      calls: response.calls.map(auditCall),
      ok: response.ok,
      durationMs: response.durationMs,
    };
    const planId = plan ?? response.plan?.id;
    if (planId) entry.plan = planId;
    if (response.error) {
      entry.errorKind = response.error.kind;
      entry.error = response.error.message;
      if (response.error.rule) entry.rule = response.error.rule;
    }
    return redact(entry, secrets);
  }

  async function approve(
    session: string,
    planId: string,
    context: ExecuteContext = {},
  ): Promise<ExecuteResponse | undefined> {
    if (!options.sessions?.inspect || !SESSION_PATTERN.test(session)) return undefined;
    const tenant = context.tenant ?? '';
    const started = performance.now();
    const time = new Date().toISOString();
    return inSpan('duet.approve', { 'duet.tenant': tenant, 'duet.session': session }, async () => {
      const limited = await rateLimited(tenant, 'executions');
      if (limited) return refusedResponse(limited, started);
      const response = await options.sessions!.inspect!(
        session,
        async (turn) => {
          const { records } = turn;
          await settleInterrupted(turn);
          // As for any run: state writes are kept with the audit entry, only when the run succeeds.
          const state = overlayState(turn.state);
          const plan = await readPlan(records, planId);
          if (!plan) return undefined;
          if (plan.status === 'applied' && plan.response) return { ...plan.response, replayed: true };
          if (plan.status === 'rejected') {
            return refusedResponse(
              {
                kind: 'policy',
                rule: 'approval',
                message: `policy: refused by rule 'approval': plan ${plan.id} was rejected; make a new dry run`,
              },
              started,
            );
          }
          const job: Job = {
            code: plan.code,
            session,
            timeoutMs: plan.timeoutMs,
            typecheck: plan.typecheck,
            mode: 'approval',
            tenant,
            time,
            started,
          };
          let result: ExecuteResponse;
          if (plan.status === 'applying') {
            // An approval was cut off (a crash): what was sent is unknown, so nothing is sent again.
            const calls = withOutcomes(plan.calls, await readProgress(records, plan.id));
            result = {
              ok: false,
              error: {
                kind: 'runtime',
                message: `plan ${plan.id} was interrupted while it was applied; it is not run again (see plan.calls for each call's outcome)`,
              },
              logs: [],
              calls: [],
              durationMs: 0,
              plan: { id: plan.id, status: 'applied', calls },
            };
          } else {
            await writePlan(records, { ...plan, status: 'applying' });
            const stripped = stripTypes(plan.code);
            result = stripped.ok
              ? (await runSnippet(job, stripped.code, state, { plan, records, used: new Set() })).response
              : {
                  ok: false,
                  error: { kind: 'typecheck', message: stripped.diagnostics[0].message },
                  logs: [],
                  calls: [],
                  durationMs: 0,
                };
            if (result.error?.kind === 'overloaded') {
              // Nothing ran: the plan waits for another approval.
              await writePlan(records, plan);
              return finished(job, result);
            }
            const calls = withOutcomes(plan.calls, await readProgress(records, plan.id));
            result.plan = { id: plan.id, status: 'applied', calls };
          }
          result = finished(job, result);
          await turn.commit({
            ...(result.ok ? state.changes() : {}),
            records: {
              ...planWrites({ ...plan, status: 'applied', response: result }),
              ...(await auditWrites(records, await auditEntry(job, 'skipped', result, plan.id))),
            },
          });
          log?.({
            level: result.ok ? 'info' : 'warn',
            msg: 'approve',
            tenant,
            session,
            plan: plan.id,
            ok: result.ok,
            errorKind: result.error?.kind,
          });
          return result;
        },
        { tenant },
      );
      return response;
    });
  }

  async function runSnippet(
    job: Job,
    code: string,
    state: StateStore,
    approval?: Run['approval'],
    journal?: RunJournal,
  ): Promise<{ response: ExecuteResponse; run: Run }> {
    const runLimits = { ...limits, timeoutMs: job.timeoutMs ?? limits.timeoutMs };
    // Aborted when the run ends, however it ends: the sandbox enforces the time limit (a timer here would
    // also count time spent waiting for a worker and cut off calls of a run that started late).
    const abort = new AbortController();
    const run: Run = {
      tenant: job.tenant,
      session: job.session,
      mode: job.mode,
      calls: [],
      state,
      signal: abort.signal,
      planned: [],
      approval,
      journal,
    };
    const host: HostFunction = (call) => dispatch(call, run);
    let result: RunResult;
    try {
      result = await options.sandbox.run(
        { code, bindings: { apis, state: true, fetch: allowFetch.length > 0 }, limits: runLimits },
        host,
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
      abort.abort(new Error('run finished'));
    }
    const base = { logs: result.logs, calls: run.calls, durationMs: 0 };
    let response: ExecuteResponse;
    if (run.refusal && !result.ok) response = { ok: false, error: errorOf(run.refusal), ...base };
    else if (result.ok) response = { ok: true, result: result.result, ...base };
    else response = { ok: false, error: result.error, ...base };
    return { response, run };
  }

  function dispatch(call: HostCall, run: Run): Promise<unknown> {
    switch (call.kind) {
      case 'api':
        return callApi(call.api, call.method, call.args, run);
      case 'state':
        return callState(run.state, call.op, call.args);
      case 'fetch': {
        const method = String((call.init as { method?: unknown } | undefined)?.method ?? 'GET').toUpperCase();
        if (run.mode !== 'run' && method !== 'GET' && method !== 'HEAD') {
          // A plan holds API calls only: a fetch that may change something is neither planned nor approved.
          const rule = run.mode === 'dry-run' ? 'dry-run' : 'approval';
          run.refusal ??= {
            kind: 'policy',
            rule,
            message: `policy: refused by rule '${rule}': fetch ${method} is not sent in a ${run.mode === 'dry-run' ? 'dry run' : 'approved run'}; only GET and HEAD`,
          };
          return Promise.reject({ message: run.refusal.message, fatal: 'policy' } satisfies HostCallError);
        }
        return guestFetch(call.url, call.init as never, allowFetch, {
          fetch: send,
          maxBytes: maxResponseBytes,
          signal: run.signal,
        });
      }
    }
  }

  /** Records a refused call and ends the run: the refusal wins over whatever the guest does with it. */
  function refuse(run: Run, op: Operation, refusal: Refusal): never {
    run.calls.push({
      ...callRecord(op),
      outcome: 'refused',
      ...(refusal.rule ? { rule: refusal.rule } : {}),
    });
    run.refusal ??= refusal;
    // Sandboxes know `limit` as a run-ending kind; the executor reports the refusal's own kind.
    throw {
      message: refusal.message,
      fatal: refusal.kind === 'policy' ? 'policy' : 'limit',
    } satisfies HostCallError;
  }

  /** The planned call an approved run may make now: same API, operation and arguments, not used yet. */
  function plannedMatch(run: Run, op: Operation, args: unknown): PlannedCall | undefined {
    const approval = run.approval!;
    const wanted = JSON.stringify(args ?? {});
    return approval.plan.calls.find(
      (call) =>
        !approval.used.has(call.index) &&
        call.api === op.api &&
        call.name === op.name &&
        JSON.stringify(call.args ?? {}) === wanted,
    );
  }

  async function callApi(apiName: string, method: string, args: unknown, run: Run): Promise<unknown> {
    const op = options.catalog.operation(apiName, method);
    if (!op) {
      throw { message: `${apiName}.${method} is not an operation of the catalog` } satisfies HostCallError;
    }
    const describe = `${op.api}.${op.name} (${policyMethod(op)} ${op.path})`;
    if (policy) {
      const refusal = policy.check(run.tenant, op, args);
      if (refusal)
        refuse(run, op, {
          kind: 'policy',
          rule: refusal.rule,
          message: `policy: refused by rule '${refusal.rule}': ${refusal.message}`,
        });
    }
    const approvalRule = policy?.approvalRule(run.tenant, op, args);
    const guarded = !isRead(op) || approvalRule !== undefined;
    if (run.mode === 'dry-run' && guarded) {
      // Arguments are checked as for a real call, so a plan never holds a call that could not be built.
      if (op.input === undefined) {
        try {
          buildRequest(op, args, { baseUrl: 'http://dry-run.duet.internal' });
        } catch (error) {
          if (error instanceof ArgumentError) throw { message: error.message } satisfies HostCallError;
          throw error;
        }
      }
      const index = run.planned.length;
      run.planned.push({
        index,
        api: op.api,
        name: op.name,
        method: policyMethod(op),
        path: op.path,
        args: args ?? {},
      });
      run.calls.push({ ...callRecord(op), outcome: 'not-sent' });
      return { dryRun: true, planned: index };
    }
    let planned: PlannedCall | undefined;
    if (run.mode === 'approval' && guarded) {
      planned = plannedMatch(run, op, args);
      if (!planned) {
        refuse(run, op, {
          kind: 'policy',
          rule: 'approval',
          message: `policy: refused by rule 'approval': ${describe} with these arguments is not in approved plan ${run.approval!.plan.id}`,
        });
      }
      run.approval!.used.add(planned.index);
    } else if (approvalRule !== undefined) {
      refuse(run, op, {
        kind: 'policy',
        rule: approvalRule,
        message: `policy: refused by rule '${approvalRule}': ${describe} needs approval: run the snippet with dryRun: true in a session, then approve its plan (POST /v1/sessions/{id}/approvals)`,
      });
    }
    const limited = await rateLimited(run.tenant, 'calls');
    if (limited) refuse(run, op, limited);
    const idempotencyKey = guarded
      ? planned
        ? `duet-${run.approval!.plan.id}-${planned.index}`
        : crypto.randomUUID()
      : undefined;
    const record = callRecord(op);
    const journal = guarded ? run.journal : undefined;
    const progress =
      planned || journal
        ? async (outcome: CallProgress['outcome'], status?: number) => {
            if (planned) {
              await writeProgress(run.approval!.records, run.approval!.plan.id, planned.index, {
                outcome,
                status,
              });
            }
            if (journal) {
              const journaled = outcome === 'sending' ? 'unknown' : outcome;
              await journal.note(record, { ...auditCall(record), outcome: journaled });
            }
          }
        : undefined;
    await progress?.('sending');
    const api = options.catalog.get(apiName);
    return inSpan(
      'duet.call',
      {
        'duet.api': op.api,
        'duet.operation': op.name,
        'http.request.method': policyMethod(op),
        'url.template': op.path,
      },
      async (span) => {
        try {
          const answer =
            op.input !== undefined && api?.invoke
              ? await invokeFunction(api.invoke, op, args, record, run)
              : await sendHttp(op, args, record, run, idempotencyKey);
          await progress?.('applied', record.status);
          return answer;
        } catch (error) {
          if (record.status > 0) await progress?.('applied', record.status);
          else if (!run.calls.includes(record)) await progress?.('not-sent');
          else {
            await progress?.('unknown');
            // Sent (it has a record) but never answered: whether a write took effect is unknown.
            if (guarded && run.calls.includes(record)) record.outcome = 'unknown';
          }
          throw error;
        } finally {
          setAttributes(span, { 'http.response.status_code': record.status });
        }
      },
      SpanKind.CLIENT,
    );
  }

  async function sendHttp(
    op: Operation,
    args: unknown,
    record: CallRecord,
    run: Run,
    idempotencyKey: string | undefined,
  ): Promise<unknown> {
    const apiName = op.api;
    const upstream = options.upstreams?.[apiName];
    const baseUrl = upstream?.baseUrl ?? options.catalog.get(apiName)?.baseUrl;
    if (!baseUrl || !/^https?:\/\//i.test(baseUrl)) {
      throw {
        message: `${apiName} has no absolute base URL (spec says '${baseUrl ?? 'nothing'}'): start duet with --base-url ${apiName}=https://...`,
      } satisfies HostCallError;
    }
    let headers = upstream?.headers;
    if (idempotencyKey && policy) {
      const header = policy.idempotencyHeader(op);
      const declared = header && op.parameters.some((p) => p.in === 'header' && p.name === header);
      const given = args as Record<string, unknown> | undefined;
      if (header && declared && given && typeof given === 'object' && given[header] === undefined)
        args = { ...given, [header]: idempotencyKey };
      else if (header && !declared) headers = { ...headers, [header]: idempotencyKey };
    }
    let request: Request;
    try {
      request = buildRequest(op, args, { baseUrl, headers }, run.signal);
    } catch (error) {
      if (error instanceof ArgumentError) throw { message: error.message } satisfies HostCallError;
      throw error;
    }
    injectTraceContext(request.headers);
    record.method = request.method;
    record.path = new URL(request.url).pathname;
    run.calls.push(record);
    const started = performance.now();
    try {
      const response = await (upstream?.fetch ? upstream.fetch(request) : send(request));
      record.status = response.status;
      const body = await readBody(response, maxResponseBytes);
      record.durationMs = performance.now() - started;
      if (response.ok) return body;
      throw {
        // The body's start is in the message too: an uncaught rejection shows only the message, and the
        // upstream's reason (GitHub's 422 field errors) is what the agent needs to fix its call.
        message: `${`${op.api}.${op.name}: ${request.method} ${record.path} answered ${response.status} ${response.statusText}`.trim()}${bodyExcerpt(body)}`,
        status: response.status,
        body: body ?? locationOf(response),
      } satisfies HostCallError;
    } catch (error) {
      record.durationMs = performance.now() - started;
      if (isHostCallError(error)) throw error;
      throw { message: describeFailure(op, request, error) } satisfies HostCallError;
    }
  }

  return { execute, approve, check, checks: options.typeChecker ? 'types' : 'syntax' };
}

function errorOf(refusal: Refusal): NonNullable<ExecuteResponse['error']> {
  return {
    kind: refusal.kind,
    message: refusal.message,
    ...(refusal.rule ? { rule: refusal.rule } : {}),
    ...(refusal.retryAfterSeconds ? { retryAfterSeconds: refusal.retryAfterSeconds } : {}),
  };
}

/** Function-style operations (typed functions, MCP tools) run in the host through their API's `invoke`. */
async function invokeFunction(
  invoke: NonNullable<Api['invoke']>,
  op: Operation,
  args: unknown,
  record: CallRecord,
  run: { calls: CallRecord[]; signal: AbortSignal },
): Promise<unknown> {
  record.method = 'CALL';
  run.calls.push(record);
  const started = performance.now();
  try {
    const result = await invoke(op.name, args ?? {}, run.signal);
    record.status = 200;
    return result;
  } catch (error) {
    const failure = error as { status?: number; message?: string; body?: unknown };
    record.status = typeof failure?.status === 'number' ? failure.status : 500;
    throw {
      message: `${op.api}.${op.name}: ${failure?.message ?? String(error)}`,
      status: record.status,
      body: failure?.body,
    } satisfies HostCallError;
  } finally {
    record.durationMs = performance.now() - started;
  }
}

async function callState(state: StateStore, op: string, args: unknown[]): Promise<unknown> {
  const [key, value] = args;
  if (op === 'list') {
    const opts = (key ?? {}) as { prefix?: unknown; limit?: unknown };
    if (typeof opts !== 'object') throw { message: 'state.list takes an optional { prefix, limit } object' };
    return state.list({
      prefix: typeof opts.prefix === 'string' ? opts.prefix : undefined,
      limit: typeof opts.limit === 'number' ? opts.limit : undefined,
    });
  }
  if (typeof key !== 'string' || key === '') throw { message: `state.${op} needs a non-empty string key` };
  // The session's host records (audit, plans) live beside its state under a U+0000 prefix.
  if (key.startsWith('\u0000')) throw { message: `state.${op}: keys may not start with U+0000 (reserved)` };
  if (op === 'get') return state.get(key);
  if (op === 'delete') return state.delete(key);
  if (op === 'put') {
    if (value === undefined) throw { message: 'state.put needs a value (use state.delete to remove a key)' };
    await state.put(key, value);
    return undefined;
  }
  throw { message: `state.${op} is not a state operation` };
}

function locationOf(response: Response): unknown {
  const location = response.headers.get('location');
  return location ? { location } : null;
}

function isHostCallError(error: unknown): error is HostCallError {
  return typeof error === 'object' && error !== null && 'message' in error && !(error instanceof Error);
}

function describeFailure(op: Operation, request: Request, error: unknown): string {
  const where = `${op.api}.${op.name}: ${request.method} ${request.url}`;
  if (error instanceof ResponseTooLargeError) return `${where}: ${error.message}`;
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const reason = cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
  return `${where} failed: ${reason}`;
}

/** A call as recorded before (or without) an answer: no status, no duration yet. */
const MAX_BODY_EXCERPT = 500;

/** `: {"message":"Validation Failed",...}`, cut to a few hundred characters; '' for an empty body. */
function bodyExcerpt(body: unknown): string {
  if (body === undefined || body === null || body === '') return '';
  let text: string;
  try {
    text = typeof body === 'string' ? body : (JSON.stringify(body) ?? '');
  } catch {
    return '';
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text ? `: ${text.length > MAX_BODY_EXCERPT ? `${text.slice(0, MAX_BODY_EXCERPT)}…` : text}` : '';
}

function auditCall(call: CallRecord): AuditCall {
  return {
    api: call.api,
    name: call.name,
    method: call.method,
    path: call.path,
    status: call.status,
    durationMs: call.durationMs,
    outcome: call.outcome ?? 'applied',
    ...(call.rule ? { rule: call.rule } : {}),
  };
}

function callRecord(op: Operation): CallRecord {
  return { api: op.api, name: op.name, method: policyMethod(op), path: op.path, status: 0, durationMs: 0 };
}
