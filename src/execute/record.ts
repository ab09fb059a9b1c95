/** Stage 4, record: what a run leaves in its session: its audit entry, its journal's start, a dry run's plan. */
import { type AuditEntry, redact, sha256Hex } from '../audit/log.ts';
import type { JournalStart } from '../audit/run-journal.ts';
import { auditCall, type Job, type TypecheckStatus } from './pipeline.ts';
import { type StoredPlan, writePlan } from './plan.ts';
import type { SessionRecords } from './state.ts';
import type { ExecuteResponse, PlannedCall, PlanSummary } from './types.ts';

export async function journalStart(
  job: Job,
  typecheck: TypecheckStatus,
  secrets: readonly string[],
): Promise<JournalStart> {
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

/** Keeps a dry run's planned calls in the session as a pending plan. */
export async function keepPlan(
  job: Job,
  records: SessionRecords,
  planned: PlannedCall[],
): Promise<PlanSummary> {
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
  return { id: plan.id, status: 'pending', calls: planned };
}

export async function auditEntry(
  job: Job,
  typecheck: TypecheckStatus,
  response: ExecuteResponse,
  secrets: readonly string[],
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
