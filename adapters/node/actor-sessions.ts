/** Durable execute sessions on Node: an actor system over `<dataDir>/actors.sqlite` with sessions and rate limits. */

import { type ActorSystem, actorSessions, createActorSystem, DUET_ACTORS } from '../../src/actor/index.ts';
import type { SessionStore } from '../../src/execute/state.ts';
import type { RateLimiter } from '../../src/policy/rate-limit.ts';
import { actorRateLimiter, RATE_LIMITS } from '../../src/policy/rate-limit-actor.ts';
import { type SqliteDriver, type SqliteDriverOptions, sqliteDriver } from './sqlite-driver.ts';
import { lockDataDir } from './sqlite-open.ts';

export interface NodeActorSessions {
  sessions: SessionStore;
  /** Per-tenant rate-limit buckets, in the same database. */
  rateLimiter: RateLimiter;
  system: ActorSystem<typeof DUET_ACTORS>;
  driver: SqliteDriver;
  /** Waits for running turns, then closes the database. */
  close(): Promise<void>;
}

/** For `createDuet({ sessions })`: `const { sessions, close } = await openActorSessions({ dir: '.duet' })`. */
export async function openActorSessions(options: SqliteDriverOptions): Promise<NodeActorSessions> {
  // One process per data directory: the actors' single-writer turns hold only within one process.
  const lock = await lockDataDir(options.dir, options.backend);
  let driver: SqliteDriver;
  try {
    driver = await sqliteDriver(options);
  } catch (error) {
    lock.release();
    throw error;
  }
  const system = createActorSystem({ driver, actors: DUET_ACTORS });
  return {
    sessions: actorSessions(system),
    rateLimiter: actorRateLimiter((tenant) => system.namespace(RATE_LIMITS, { tenant })),
    system,
    driver,
    async close() {
      await system.close();
      await driver.close();
      lock.release();
    },
  };
}
