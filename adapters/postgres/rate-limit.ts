/**
 * Rate limits across nodes: a tenant's buckets are one actor, owned by one node at a time; other nodes
 * ask that node over HTTP (authenticated by the cluster secret in the database).
 */
import type { MiddlewareHandler } from 'hono';
import { isOwnershipError, type LeaseHolder } from '../../src/actor/ownership.ts';
import type { RateDecision, RateKind, RateLimiter } from '../../src/policy/rate-limit.ts';
import type { LeaseManager } from './leases.ts';

export const RATE_LIMIT_PATH = '/_duet/cluster/rate-limit';
const SECRET_HEADER = 'x-duet-cluster-secret';

export interface ClusterRateLimitOptions {
  /** This node's rate limiter over the buckets actors (fails with an OwnershipError for buckets another node holds). */
  local: RateLimiter;
  leases: LeaseManager;
  leaseMs: number;
  secret: string;
  fetch?: typeof fetch;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Takes from the local buckets actor, or from the node that owns it. */
export function clusterRateLimiter(options: ClusterRateLimitOptions): RateLimiter {
  const send = options.fetch ?? fetch;
  async function remote(holder: LeaseHolder, tenant: string, kind: RateKind, perMinute: number) {
    if (!holder.url) return undefined;
    try {
      const response = await send(new URL(RATE_LIMIT_PATH, holder.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SECRET_HEADER]: options.secret },
        body: JSON.stringify({ tenant, kind, perMinute }),
        signal: AbortSignal.timeout(options.leaseMs),
      });
      return response.ok ? ((await response.json()) as RateDecision) : undefined;
    } catch {
      return undefined;
    }
  }
  return {
    async take(tenant, kind, perMinute) {
      const until = performance.now() + 3 * options.leaseMs;
      for (;;) {
        try {
          return await options.local.take(tenant, kind, perMinute);
        } catch (error) {
          if (!isOwnershipError(error) || !error.holder) throw error;
          const decision = await remote(error.holder, tenant, kind, perMinute);
          if (decision) return decision;
          // The owner did not answer: it is gone or moving; its lease runs out within expiresInMs.
          if (performance.now() > until) throw error;
          await sleep(Math.min(Math.max(50, error.holder.expiresInMs + 50), options.leaseMs));
        }
      }
    },
  };
}

function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The endpoint other nodes call: takes from this node's buckets (never forwarded further). */
export function rateLimitEndpoint(local: RateLimiter, secret: string): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.path !== RATE_LIMIT_PATH) return next();
    if (c.req.method !== 'POST' || !sameSecret(c.req.header(SECRET_HEADER) ?? '', secret))
      return c.json(
        { ok: false, error: { kind: 'unauthorized', message: 'duet cluster: internal endpoint' } },
        401,
      );
    const { tenant, kind, perMinute } = (await c.req.json()) as {
      tenant: string;
      kind: RateKind;
      perMinute: number;
    };
    try {
      return c.json(await local.take(tenant, kind, perMinute));
    } catch (error) {
      const moved = isOwnershipError(error);
      return c.json(
        { ok: false, error: { kind: moved ? 'overloaded' : 'internal', message: (error as Error).message } },
        moved ? 503 : 500,
      );
    }
  };
}
