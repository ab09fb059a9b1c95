/**
 * What the stages of the execute pipeline share: the executor's resolved settings, one job (a request
 * admitted to run) and one run's bookkeeping (what its host calls read and write).
 */
import type { AuditCall, AuditEntry } from '../audit/log.ts';
import type { RunJournal } from '../audit/run-journal.ts';
import type { Logger } from '../audit/telemetry.ts';
import type { Catalog } from '../catalog/index.ts';
import type { Operation } from '../catalog/types.ts';
import type { EgressRule } from '../policy/egress.ts';
import { type PolicyEngine, policyMethod } from '../policy/engine.ts';
import type { RateLimiter } from '../policy/rate-limit.ts';
import type { Sandbox, SandboxLimits } from '../sandbox/types.ts';
import type { StoredPlan } from './plan.ts';
import type { SessionRecords, SessionStore, StateStore } from './state.ts';
import type { CallRecord, ExecuteResponse, PlannedCall, TypeChecker } from './types.ts';

export interface UpstreamConfig {
  /** Overrides the spec's server URL. */
  baseUrl?: string;
  /** Added by the host to every request to this API; never visible to the guest. */
  headers?: Record<string, string>;
  /** Sends the request (defaults to the executor's fetch); lets an in-process API answer without a socket. */
  fetch?: (request: Request) => Promise<Response>;
}

/** The executor's options with every default applied. */
export interface ExecutorSettings {
  catalog: Catalog;
  sandbox: Sandbox;
  upstreams?: Record<string, UpstreamConfig>;
  sessions?: SessionStore;
  limits: SandboxLimits;
  maxTimeoutMs: number;
  maxCodeBytes: number;
  maxResponseBytes: number;
  send: typeof fetch;
  allowFetch: EgressRule[];
  typeChecker?: TypeChecker;
  policy?: PolicyEngine;
  rateLimiter?: RateLimiter;
  secrets: readonly string[];
  log?: Logger;
  /** The sandbox's API bindings: API name to method names. */
  apis: Record<string, string[]>;
}

export type Mode = AuditEntry['mode'];
export type TypecheckStatus = AuditEntry['typecheck'];

/** What ends a run from the host's side: a policy refusal or a rate limit. */
export interface Refusal {
  kind: 'policy' | 'rate_limit';
  message: string;
  rule?: string;
  retryAfterSeconds?: number;
}

/** A request admitted to run. */
export interface Job {
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

/** An approved run: the plan, its records and which planned calls have been used. */
export interface Approval {
  plan: StoredPlan;
  records: SessionRecords;
  used: Set<number>;
}

/** One run's bookkeeping, shared by its host calls. */
export interface Run {
  tenant: string;
  session?: string;
  mode: Mode;
  calls: CallRecord[];
  state: StateStore;
  signal: AbortSignal;
  refusal?: Refusal;
  /** Dry run: the calls recorded instead of sent. */
  planned: PlannedCall[];
  approval?: Approval;
  /** A run in a session: calls that may change something are journaled (see run-journal.ts). */
  journal?: RunJournal;
}

export function errorOf(refusal: Refusal): NonNullable<ExecuteResponse['error']> {
  return {
    kind: refusal.kind,
    message: refusal.message,
    ...(refusal.rule ? { rule: refusal.rule } : {}),
    ...(refusal.retryAfterSeconds ? { retryAfterSeconds: refusal.retryAfterSeconds } : {}),
  };
}

/** A call as recorded before (or without) an answer: no status, no duration yet. */
export function callRecord(op: Operation): CallRecord {
  return { api: op.api, name: op.name, method: policyMethod(op), path: op.path, status: 0, durationMs: 0 };
}

export function auditCall(call: CallRecord): AuditCall {
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

/** The response with its duration measured from the job's start. */
export function finished(job: Job, response: ExecuteResponse): ExecuteResponse {
  return { ...response, durationMs: performance.now() - job.started };
}
