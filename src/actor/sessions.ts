/** Execute sessions as actors: each session one actor, each run one turn, `state` its storage. */
import type { SessionStore, StateStore } from '../execute/state.ts';
import { Actor } from './actor.ts';
import type { ActorStorage } from './actor-storage.ts';
import type { Namespace } from './actor-system.ts';

/** A session: no methods of its own; the executor runs snippets in its turns through `run`. */
export class SessionActor extends Actor {}

export const SESSIONS = 'sessions';

/**
 * A `SessionStore` over a namespace of `SessionActor`s, e.g.
 * `actorSessions(createActorSystem({ driver, actors: { sessions: SessionActor } }).namespace('sessions'))`.
 */
export function actorSessions(sessions: Namespace<SessionActor>): SessionStore {
  return {
    withSession: (session, fn) => sessions.run(session, (actor) => fn(stateOf(actor.storage))),
    async snapshot(session) {
      if (!(await sessions.exists(session))) return undefined;
      const entries = await sessions.run(session, (actor) => actor.storage.list());
      return Object.fromEntries(entries);
    },
  };
}

/** The guest's `state` binding over actor storage. */
export function stateOf(storage: ActorStorage): StateStore {
  return {
    get: (key) => storage.get(key),
    put: (key, value) => storage.put(key, value),
    delete: (key) => storage.delete(key),
    async list(options = {}) {
      const { prefix, limit } = options;
      // Guests may pass any number; the storage wants a whole count (or none for all).
      const count =
        limit === undefined || !Number.isFinite(limit) ? undefined : Math.max(0, Math.floor(limit));
      return Object.fromEntries(await storage.list({ prefix, limit: count }));
    },
  };
}
