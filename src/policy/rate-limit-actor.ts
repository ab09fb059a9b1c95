/** Rate-limit buckets held in an actor, one per tenant: right across restarts and, on Cloudflare, across isolates. */
import { Actor } from '../actor/actor.ts';
import type { Namespace } from '../actor/actor-system.ts';
import { type Bucket, type RateDecision, type RateKind, type RateLimiter, takeToken } from './rate-limit.ts';

export const RATE_LIMITS = 'ratelimits';
/** The one actor of a tenant's rate-limit namespace. */
const BUCKETS = 'buckets';

export class RateLimitActor extends Actor {
  /** One turn: read the bucket, take a token, write it back (only when taken). */
  async take(kind: RateKind, perMinute: number): Promise<RateDecision> {
    if (kind !== 'executions' && kind !== 'calls') throw new TypeError(`unknown rate kind '${kind}'`);
    if (!(perMinute > 0)) throw new RangeError(`rate limit must be positive, got ${perMinute}`);
    const { bucket, decision } = takeToken(
      await this.storage.get<Bucket>(kind),
      perMinute,
      this.ctx.clock.now(),
    );
    if (bucket) await this.storage.put(kind, bucket);
    return decision;
  }
}

/** A `RateLimiter` over each tenant's `RateLimitActor`, e.g. `(tenant) => system.namespace('ratelimits', { tenant })`. */
export function actorRateLimiter(namespaceFor: (tenant: string) => Namespace<RateLimitActor>): RateLimiter {
  return {
    take: (tenant, kind, perMinute) => namespaceFor(tenant).get(BUCKETS).take(kind, perMinute),
  };
}
