/** Durable execute sessions over any storage driver: an actor system with a sessions namespace. */
import type { SessionStore } from '../execute/state.ts';
import { createActorSystem } from './actor-system.ts';
import type { StorageDriver } from './driver.ts';
import { actorSessions, SESSIONS, SessionActor } from './sessions.ts';

export interface DurableSessions {
  sessions: SessionStore;
  /** Waits for running turns, then closes the driver. */
  close(): Promise<void>;
}

export function sessionsOn(driver: StorageDriver): DurableSessions {
  const system = createActorSystem({ driver, actors: { [SESSIONS]: SessionActor } });
  return {
    sessions: actorSessions(system.namespace(SESSIONS)),
    async close() {
      await system.close();
      await driver.close();
    },
  };
}
