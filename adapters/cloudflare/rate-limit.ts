/**
 * Rate limits on Cloudflare: each tenant's buckets in one Durable Object (a `DuetSession` named for the
 * tenant alone), so every isolate and every session object of the tenant takes from the same bucket.
 */
import type { RateDecision, RateKind, RateLimiter } from '../../src/policy/rate-limit.ts';
import type { DurableObjectNamespace } from './workers-types.ts';

/** The internal path a rate-limit object answers; the Worker never routes outside requests to it. */
export const RATE_LIMIT_PATH = '/__duet/rate-limit';

/** The object name of a tenant's buckets; a session's object is `[tenant, session]`, so they never collide. */
export function rateLimitObjectName(tenant: string): string {
  return JSON.stringify([tenant]);
}

export interface RateLimitRequest {
  tenant: string;
  kind: RateKind;
  perMinute: number;
}

export function objectRateLimiter(objects: DurableObjectNamespace): RateLimiter {
  return {
    async take(tenant, kind, perMinute) {
      const stub = objects.get(objects.idFromName(rateLimitObjectName(tenant)));
      const body: RateLimitRequest = { tenant, kind, perMinute };
      const response = await stub.fetch(
        new Request(`https://duet.internal${RATE_LIMIT_PATH}`, {
          method: 'POST',
          body: JSON.stringify(body),
        }),
      );
      if (!response.ok) throw new Error(`duet rate limits: the tenant's object answered ${response.status}`);
      return (await response.json()) as RateDecision;
    },
  };
}
