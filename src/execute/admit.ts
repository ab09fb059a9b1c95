/** Stage 1, admit: a request's fields checked and turned into a job; rate-limit tokens taken per tenant. */
import type { RateKind } from '../policy/rate-limit.ts';
import { type ExecutorSettings, errorOf, type Job, type Refusal } from './pipeline.ts';
import { SESSION_PATTERN, SESSION_RULE } from './session-id.ts';
import type { ExecuteContext, ExecuteRequest, ExecuteResponse } from './types.ts';

export function badRequest(message: string): ExecuteResponse {
  return { ok: false, error: { kind: 'bad_request', message }, logs: [], calls: [], durationMs: 0 };
}

/** The job a valid request runs as, or the `bad_request` response an invalid one gets. */
export function admit(
  settings: ExecutorSettings,
  request: ExecuteRequest,
  context: ExecuteContext,
): { job: Job } | { response: ExecuteResponse } {
  const started = performance.now();
  const time = new Date().toISOString();
  const { code, session, timeoutMs } = request;
  const refuse = (message: string) => ({ response: badRequest(message) });
  if (typeof code !== 'string' || code.trim() === '') return refuse("'code' must be a non-empty string");
  if (new TextEncoder().encode(code).byteLength > settings.maxCodeBytes) {
    return refuse(`'code' is larger than the ${settings.maxCodeBytes} byte limit`);
  }
  if (session !== undefined && (typeof session !== 'string' || !SESSION_PATTERN.test(session))) {
    return refuse(`'session' must be ${SESSION_RULE}`);
  }
  const { maxTimeoutMs } = settings;
  if (
    timeoutMs !== undefined &&
    (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > maxTimeoutMs)
  ) {
    return refuse(`'timeoutMs' must be an integer from 1 to ${maxTimeoutMs}`);
  }
  if (request.typecheck !== undefined && typeof request.typecheck !== 'boolean') {
    return refuse("'typecheck' must be a boolean");
  }
  if (request.dryRun !== undefined && typeof request.dryRun !== 'boolean') {
    return refuse("'dryRun' must be a boolean");
  }
  if (request.dryRun && (session === undefined || !settings.sessions)) {
    return refuse("'dryRun' needs a 'session': the plan is kept there until it is approved");
  }
  return {
    job: {
      code,
      session,
      timeoutMs,
      typecheck: request.typecheck,
      mode: request.dryRun ? 'dry-run' : 'run',
      tenant: context.tenant ?? '',
      time,
      started,
    },
  };
}

/** Takes a token of `kind` from the tenant's bucket when the policy limits it; a refusal otherwise. */
export async function takeToken(
  settings: ExecutorSettings,
  tenant: string,
  kind: RateKind,
): Promise<Refusal | undefined> {
  const limits = settings.policy?.rateLimit(tenant);
  const perMinute = kind === 'executions' ? limits?.executionsPerMinute : limits?.callsPerMinute;
  if (!perMinute) return undefined;
  if (!settings.rateLimiter) throw new Error('duet: the policy sets rate limits but no rateLimiter is given');
  const decision = await settings.rateLimiter.take(tenant, kind, perMinute);
  if (decision.ok) return undefined;
  const who = tenant === '' ? 'this server' : `tenant '${tenant}'`;
  return {
    kind: 'rate_limit',
    message: `rate limit: ${who} may make ${perMinute} ${kind === 'executions' ? 'executions' : 'upstream calls'} per minute; retry in ${decision.retryAfterSeconds} s`,
    retryAfterSeconds: decision.retryAfterSeconds,
  };
}

export function refusedResponse(refusal: Refusal, started: number): ExecuteResponse {
  return { ok: false, error: errorOf(refusal), logs: [], calls: [], durationMs: performance.now() - started };
}
