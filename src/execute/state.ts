/** The `state` binding: a session's key-value store as the guest sees it. */

export interface StateStore {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Entries in key order, as a plain object. */
  list(options?: { prefix?: string; limit?: number }): Promise<Record<string, unknown>>;
}

/** Where sessions keep their state; the actor layer provides the durable one. */
export interface SessionStore {
  /** Runs `fn` as one turn of the session: turns of the same session never interleave. */
  withSession<T>(session: string, fn: (state: StateStore) => Promise<T>): Promise<T>;
  /** A snapshot of a session's state, or undefined for a session that has never run. */
  snapshot(session: string): Promise<Record<string, unknown> | undefined>;
}

export function memoryState(map: Map<string, unknown> = new Map()): StateStore {
  return {
    async get(key) {
      return map.get(key);
    },
    async put(key, value) {
      map.set(key, value);
    },
    async delete(key) {
      return map.delete(key);
    },
    async list({ prefix = '', limit = Number.POSITIVE_INFINITY } = {}) {
      // A null prototype keeps a `__proto__` key an ordinary entry.
      const out: Record<string, unknown> = Object.create(null);
      const keys = [...map.keys()].filter((k) => k.startsWith(prefix)).sort();
      for (const key of keys.slice(0, limit)) out[key] = map.get(key);
      return out;
    },
  };
}

/** Sessions held in memory: gone when the process ends. */
export function memorySessions(): SessionStore {
  const sessions = new Map<string, Map<string, unknown>>();
  const tails = new Map<string, Promise<unknown>>();
  return {
    withSession(session, fn) {
      let map = sessions.get(session);
      if (!map) {
        map = new Map();
        sessions.set(session, map);
      }
      const state = memoryState(map);
      const previous = tails.get(session) ?? Promise.resolve();
      const turn = previous.then(
        () => fn(state),
        () => fn(state),
      );
      const tail = turn.catch(() => undefined);
      tails.set(session, tail);
      void tail.then(() => {
        if (tails.get(session) === tail) tails.delete(session);
      });
      return turn;
    },
    async snapshot(session) {
      const map = sessions.get(session);
      return map ? Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) : undefined;
    },
  };
}
