/** Durable execute sessions on Node: an actor system over `<dataDir>/actors.sqlite` with sessions and rate limits. */

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type ActorSystem, actorSessions, createActorSystem, DUET_ACTORS } from '../../src/actor/index.ts';
import type { SessionStore } from '../../src/execute/state.ts';
import type { RateLimiter } from '../../src/policy/rate-limit.ts';
import { actorRateLimiter, RATE_LIMITS } from '../../src/policy/rate-limit-actor.ts';
import { DataDirError, ensureDataDir } from './data-dir.ts';
import { SQLITE_FILE, type SqliteDriver, type SqliteDriverOptions, sqliteDriver } from './sqlite-driver.ts';
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

export type DurableStore = Pick<NodeActorSessions, 'sessions' | 'rateLimiter' | 'close'>;

/**
 * Sessions and rate limits that open `<dir>` on first use, so a command that never needs a session (a
 * search-only `duet mcp`, `duet execute` without `--session`) never creates or locks the directory. A
 * failed opening fails that call (an MCP tool error) and the next call tries again.
 */
export function lazyActorSessions(dir: string): DurableStore {
  let opening: Promise<NodeActorSessions> | undefined;
  const open = () =>
    (opening ??= Promise.resolve()
      .then(() => ensureDataDir(dir))
      .then(() => openActorSessions({ dir }))
      .catch((error) => {
        opening = undefined;
        throw error;
      }));
  const sessions: SessionStore = {
    withSession: async (session, fn, scope) => (await open()).sessions.withSession(session, fn, scope),
    snapshot: async (session, scope) => (await open()).sessions.snapshot(session, scope),
    inspect: async (session, fn, scope) => (await open()).sessions.inspect!(session, fn, scope),
    list: async (options) => (await open()).sessions.list!(options),
  };
  return {
    sessions,
    rateLimiter: { take: async (...args) => (await open()).rateLimiter.take(...args) },
    async close() {
      const opened = await opening?.catch(() => undefined);
      await opened?.close();
    },
  };
}

/**
 * The sessions another process (a running `duet serve`) keeps in `<dir>`, for reading: no lock (SQLite's
 * WAL lets readers and the one writer work at once) and nothing created when there is no store yet.
 */
export async function readActorSessions(dir: string): Promise<Pick<NodeActorSessions, 'sessions' | 'close'>> {
  if (!existsSync(join(dir, SQLITE_FILE))) {
    const other = existsSync(join(dir, 'actors.kv'))
      ? ' (it holds a Deno KV store: --runtime deno sessions are read through that server, GET /v1/sessions)'
      : '';
    throw new DataDirError(
      `no sessions in ${resolve(dir)}: no ${SQLITE_FILE} there${other}; pass the --data DIR that duet serve or duet execute --session used`,
    );
  }
  const driver = await sqliteDriver({ dir });
  const system = createActorSystem({ driver, actors: DUET_ACTORS });
  return {
    sessions: actorSessions(system),
    async close() {
      await system.close();
      await driver.close();
    },
  };
}
