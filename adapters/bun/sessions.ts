/** Durable execute sessions on Bun: actors over bun:sqlite in the data directory. */
import { type DurableSessions, sessionsOn } from '../../src/session/index.ts';
import { bunSqliteDriver, lockDataDir } from './sqlite-driver.ts';

/** Refuses a data directory another process uses (see `lockDataDir`). */
export function openBunSessions(dir: string): DurableSessions {
  const release = lockDataDir(dir);
  try {
    const durable = sessionsOn(bunSqliteDriver({ dir }));
    return {
      ...durable,
      async close() {
        await durable.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
