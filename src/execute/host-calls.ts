/**
 * The host side of a run: every call the guest makes (API operations, `state`, `fetch`), each checked
 * against policy before it leaves, planned instead of sent in a dry run, matched against the plan in an
 * approved run, and journaled around the send when it may change something.
 */
import { inSpan, SpanKind, setAttributes } from '../audit/telemetry.ts';
import type { Operation } from '../catalog/types.ts';
import { isRead, policyMethod } from '../policy/engine.ts';
import type { HostCall, HostCallError } from '../sandbox/types.ts';
import { takeToken } from './admit.ts';
import { ArgumentError, buildRequest } from './build-request.ts';
import { guestFetch } from './guest-fetch.ts';
import { auditCall, callRecord, type ExecutorSettings, type Refusal, type Run } from './pipeline.ts';
import { type CallProgress, writeProgress } from './plan.ts';
import { callState } from './state-call.ts';
import type { PlannedCall } from './types.ts';
import { invokeFunction, sendHttp } from './upstream-call.ts';

export type HostCalls = (call: HostCall, run: Run) => Promise<unknown>;

export function hostCalls(settings: ExecutorSettings): HostCalls {
  const { catalog, policy, allowFetch } = settings;

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

  /** A dry run records a call that may change something instead of sending it. */
  function plan(run: Run, op: Operation, args: unknown): unknown {
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

  async function callApi(apiName: string, method: string, args: unknown, run: Run): Promise<unknown> {
    const op = catalog.operation(apiName, method);
    if (!op)
      throw { message: `${apiName}.${method} is not an operation of the catalog` } satisfies HostCallError;
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
    if (run.mode === 'dry-run' && guarded) return plan(run, op, args);
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
    const limited = await takeToken(settings, run.tenant, 'calls');
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
    const api = catalog.get(apiName);
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
              : await sendHttp(settings, op, args, record, run, idempotencyKey);
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

  function callFetch(call: Extract<HostCall, { kind: 'fetch' }>, run: Run): Promise<unknown> {
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
      fetch: settings.send,
      maxBytes: settings.maxResponseBytes,
      signal: run.signal,
    });
  }

  return (call, run) => {
    // Stopped by the caller (or finished): nothing more leaves the host for this run.
    if (run.signal.aborted) {
      return Promise.reject({
        message: 'the run was stopped before it finished',
        fatal: 'runtime',
      } satisfies HostCallError);
    }
    switch (call.kind) {
      case 'api':
        return callApi(call.api, call.method, call.args, run);
      case 'state':
        return callState(run.state, call.op, call.args);
      case 'fetch':
        return callFetch(call, run);
    }
  };
}
