/** Durable execute sessions over any storage driver: an actor system with sessions and rate-limit namespaces. */

import { createActorSystem } from '../actor/actor-system.ts';
import type { StorageDriver } from '../actor/driver.ts';
import type { SessionStore } from '../execute/state.ts';
import type { RateLimiter } from '../policy/rate-limit.ts';
import { actorRateLimiter, RATE_LIMITS, RateLimitActor } from '../policy/rate-limit-actor.ts';
import { actorSessions, SESSIONS } from './actor-sessions.ts';
import { SessionActor } from './session-actor.ts';

export interface DurableSessions {
  /** Each tenant's sessions in its own namespace. */
  sessions: SessionStore;
  /** Each tenant's rate-limit buckets in an actor. */
  rateLimiter: RateLimiter;
  /** Waits for running turns, then closes the driver. */
  close(): Promise<void>;
}

/** The actor classes a duet server registers. */
export const DUET_ACTORS = { [SESSIONS]: SessionActor, [RATE_LIMITS]: RateLimitActor } as const;

export function sessionsOn(driver: StorageDriver): DurableSessions {
  const system = createActorSystem({ driver, actors: DUET_ACTORS });
  return {
    sessions: actorSessions(system),
    rateLimiter: actorRateLimiter((tenant) => system.namespace(RATE_LIMITS, { tenant })),
    async close() {
      await system.close();
      await driver.close();
    },
  };
}
