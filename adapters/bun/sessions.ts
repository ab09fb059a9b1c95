/** Durable execute sessions on Bun: actors over bun:sqlite in the data directory. */
import { type DurableSessions, sessionsOn } from '../../src/actor/index.ts';
import { bunSqliteDriver } from './sqlite-driver.ts';

export function openBunSessions(dir: string): DurableSessions {
  return sessionsOn(bunSqliteDriver({ dir }));
}
