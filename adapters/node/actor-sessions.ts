/** Durable execute sessions on Node: an actor system over `<dataDir>/actors.sqlite` with a sessions namespace. */

import { type ActorSystem, actorSessions, createActorSystem, SessionActor } from '../../src/actor/index.ts';
import type { SessionStore } from '../../src/execute/state.ts';
import { type SqliteDriver, type SqliteDriverOptions, sqliteDriver } from './sqlite-driver.ts';

export interface NodeActorSessions {
  sessions: SessionStore;
  system: ActorSystem<{ sessions: typeof SessionActor }>;
  driver: SqliteDriver;
  /** Waits for running turns, then closes the database. */
  close(): Promise<void>;
}

/** For `createDuet({ sessions })`: `const { sessions, close } = await openActorSessions({ dir: '.duet' })`. */
export async function openActorSessions(options: SqliteDriverOptions): Promise<NodeActorSessions> {
  const driver = await sqliteDriver(options);
  const system = createActorSystem({ driver, actors: { sessions: SessionActor } });
  return {
    sessions: actorSessions(system.namespace('sessions')),
    system,
    driver,
    async close() {
      await system.close();
      await driver.close();
    },
  };
}
