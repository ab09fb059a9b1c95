/** Execute sessions as actors: each session one actor, each run one turn, `state` its storage. */
import type { ActorServices } from '../actor/actor.ts';
import type { ActorStorage } from '../actor/actor-storage.ts';
import type { ActorSystem, Namespace } from '../actor/actor-system.ts';
import { prefixEnd } from '../actor/key-order.ts';
import type {
  SessionListOptions,
  SessionRecords,
  SessionScope,
  SessionStore,
  SessionTurn,
  StateStore,
} from '../execute/state.ts';
import {
  RECORDS_PREFIX,
  SESSION_WAKE,
  type SessionActor,
  WAKE_RECORD,
  type WakeRecord,
} from './session-actor.ts';

export { RECORDS_PREFIX, SessionActor } from './session-actor.ts';

export const SESSIONS = 'sessions';

/** Every guest key sorts at or after this. */
const GUEST_START = '\u0001';

/** The namespace of one tenant's sessions. */
export type SessionNamespaces = (tenant: string) => Namespace<SessionActor>;

/** An actor system with `SessionActor`s registered under `SESSIONS`. */
export type SessionSystem = Pick<
  ActorSystem<{ [SESSIONS]: typeof SessionActor }>,
  'namespace' | 'actors' | 'services'
>;

/**
 * A `SessionStore` over `SessionActor`s: an actor system (every tenant, and the store can list its
 * sessions), a namespace (one tenant), or a function giving each tenant's namespace.
 */
export function actorSessions(
  source: SessionSystem | Namespace<SessionActor> | SessionNamespaces,
): SessionStore {
  const system = typeof source === 'object' && 'actors' in source ? source : undefined;
  const namespaceFor = (scope?: SessionScope): Namespace<SessionActor> => {
    const tenant = scope?.tenant ?? '';
    if (system) return system.namespace(SESSIONS, { tenant });
    if (typeof source === 'function') return source(tenant);
    source = source as Namespace<SessionActor>;
    if (tenant !== source.tenant) {
      throw new Error(
        `duet sessions: this store holds tenant '${source.tenant}' only, not '${tenant}'; pass a function of the tenant to actorSessions`,
      );
    }
    return source;
  };
  const servicesOf = (): ActorServices => {
    if (system) return system.services;
    if (typeof source === 'function') return source('').services;
    return (source as Namespace<SessionActor>).services;
  };
  const turnOf = (actor: SessionActor): SessionTurn => ({
    ...storageTurn(actor.storage),
    async setWake(delayMs) {
      const pending = (await actor.storage.get(WAKE_RECORD)) as WakeRecord | undefined;
      if (pending) await actor.schedule.cancel(pending.id);
      if (delayMs === undefined) {
        if (pending) await actor.storage.delete(WAKE_RECORD);
        return;
      }
      const id = await actor.schedule.after(delayMs, 'wake');
      await actor.storage.put(WAKE_RECORD, { id, delayMs } satisfies WakeRecord);
    },
  });
  const storageTurn = (storage: ActorStorage): SessionTurn => ({
    state: stateOf(storage),
    records: recordsOf(storage),
    commit: (changes) =>
      storage.transaction(async (tx) => {
        for (const [key, value] of changes.statePuts ?? []) await tx.put(guestKey(key), value);
        for (const key of changes.stateDeletes ?? []) await tx.delete(guestKey(key));
        for (const [key, value] of Object.entries(changes.records ?? {}))
          await tx.put(RECORDS_PREFIX + key, value);
        for (const key of changes.recordDeletes ?? []) await tx.delete(RECORDS_PREFIX + key);
      }),
  });
  const list = system
    ? async ({ tenant, after, limit }: SessionListOptions = {}) => {
        const found = await system.actors(SESSIONS, {
          tenant,
          after: after && { tenant: after.tenant, name: after.session },
          limit,
        });
        return found.map(({ tenant, name }) => ({ tenant, session: name }));
      }
    : undefined;
  return {
    ...(list && { list }),
    withSession(session, fn, scope) {
      return namespaceFor(scope).run(session, (actor) => {
        const turn = turnOf(actor);
        return fn(turn.state, turn);
      });
    },
    onWake(handler) {
      servicesOf()[SESSION_WAKE] = handler;
    },
    async snapshot(session, scope) {
      const sessions = namespaceFor(scope);
      if (!(await sessions.exists(session))) return undefined;
      const entries = await sessions.run(session, (actor) => actor.storage.list({ start: GUEST_START }));
      return Object.fromEntries(entries);
    },
    async inspect(session, fn, scope) {
      const sessions = namespaceFor(scope);
      if (!(await sessions.exists(session))) return undefined;
      return sessions.run(session, (actor) => fn(turnOf(actor)));
    },
  };
}

function guestKey(key: string): string {
  if (typeof key === 'string' && key.startsWith('\u0000'))
    throw { message: 'state keys may not start with U+0000 (reserved for duet)' };
  return key;
}

/** The guest's `state` binding over actor storage. */
export function stateOf(storage: ActorStorage): StateStore {
  return {
    get: (key) => storage.get(guestKey(key)),
    put: (key, value) => storage.put(guestKey(key), value),
    delete: (key) => storage.delete(guestKey(key)),
    async list(options = {}) {
      const { prefix, limit } = options;
      if (prefix?.startsWith('\u0000')) return {};
      // Guests may pass any number; the storage wants a whole count (or none for all).
      const count =
        limit === undefined || !Number.isFinite(limit) ? undefined : Math.max(0, Math.floor(limit));
      return Object.fromEntries(await storage.list({ prefix, start: GUEST_START, limit: count }));
    },
  };
}

/** The host's records of a session, in its actor storage under `RECORDS_PREFIX`. */
export function recordsOf(storage: ActorStorage): SessionRecords {
  const at = (key: string) => RECORDS_PREFIX + key;
  return {
    get: (key) => storage.get(at(key)),
    putMany: (entries) =>
      storage.putMany(Object.entries(entries).map(([key, value]) => [at(key), value] as const)),
    async list(options = {}) {
      const prefix = RECORDS_PREFIX + (options.prefix ?? '');
      const entries = await storage.list({
        prefix,
        start: options.start === undefined ? undefined : at(options.start),
        end: options.end === undefined ? prefixEnd(RECORDS_PREFIX) : at(options.end),
        limit: options.limit,
        reverse: options.reverse,
      });
      return [...entries].map(([key, value]) => [key.slice(RECORDS_PREFIX.length), value]);
    },
  };
}
