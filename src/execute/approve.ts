/**
 * Approving a dry run's plan: the snippet runs for real, once, each call that changes something matched
 * against the plan; a retry answers the first response, and an approval cut off by a crash is never run again.
 */
import { auditWrites } from '../audit/log.ts';
import { settleInterrupted } from '../audit/run-journal.ts';
import { inSpan } from '../audit/telemetry.ts';
import { refusedResponse, takeToken } from './admit.ts';
import { type ExecutorSettings, finished, type Job } from './pipeline.ts';
import { overlayState, planWrites, readPlan, readProgress, withOutcomes, writePlan } from './plan.ts';
import { auditEntry } from './record.ts';
import type { RunSnippet } from './run.ts';
import { SESSION_PATTERN } from './session-id.ts';
import { stripTypes } from './strip-types.ts';
import type { ExecuteContext, ExecuteResponse } from './types.ts';

export type Approve = (
  session: string,
  plan: string,
  context?: ExecuteContext,
) => Promise<ExecuteResponse | undefined>;

export function approveStage(settings: ExecutorSettings, runSnippet: RunSnippet): Approve {
  const { secrets, log } = settings;
  return async (session, planId, context = {}) => {
    const sessions = settings.sessions;
    if (!sessions?.inspect || !SESSION_PATTERN.test(session)) return undefined;
    const tenant = context.tenant ?? '';
    const started = performance.now();
    const time = new Date().toISOString();
    return inSpan('duet.approve', { 'duet.tenant': tenant, 'duet.session': session }, async () => {
      const limited = await takeToken(settings, tenant, 'executions');
      if (limited) return refusedResponse(limited, started);
      return sessions.inspect!(
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
              ? (
                  await runSnippet(job, stripped.code, state, {
                    approval: { plan, records, used: new Set() },
                  })
                ).response
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
              ...(await auditWrites(records, await auditEntry(job, 'skipped', result, secrets, plan.id))),
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
    });
  };
}
