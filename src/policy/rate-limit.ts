/** Per-tenant rate limits: token buckets of executions and upstream calls per minute. */

export type RateKind = 'executions' | 'calls';

export interface RateDecision {
  ok: boolean;
  /** When refused: whole seconds until one more is allowed (at least 1). */
  retryAfterSeconds?: number;
}

/** Takes one token from a tenant's bucket of `kind`, which holds `perMinute` and refills that many a minute. */
export interface RateLimiter {
  take(tenant: string, kind: RateKind, perMinute: number): Promise<RateDecision>;
}

/** A bucket as stored: tokens left at time `at` (epoch ms). */
export interface Bucket {
  tokens: number;
  at: number;
}

/**
 * The token bucket: full at `perMinute`, refilled continuously at `perMinute` per 60 s. A refusal leaves
 * the bucket as it was (`bucket` undefined: nothing to write).
 */
export function takeToken(
  stored: Bucket | undefined,
  perMinute: number,
  now: number,
): { bucket?: Bucket; decision: RateDecision } {
  const rate = perMinute / 60_000;
  const elapsed = stored ? Math.max(0, now - stored.at) : Number.POSITIVE_INFINITY;
  const tokens = Math.min(perMinute, (stored?.tokens ?? perMinute) + elapsed * rate);
  if (tokens >= 1) return { bucket: { tokens: tokens - 1, at: now }, decision: { ok: true } };
  const waitMs = (1 - tokens) / rate;
  return { decision: { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) } };
}

/** Buckets in memory: right within one process, gone when it ends. */
export function memoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, Bucket>();
  return {
    async take(tenant, kind, perMinute) {
      const key = JSON.stringify([tenant, kind]);
      const { bucket, decision } = takeToken(buckets.get(key), perMinute, now());
      if (bucket) buckets.set(key, bucket);
      return decision;
    },
  };
}
