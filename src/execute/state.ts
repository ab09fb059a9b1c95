/** The `state` binding: a session's key-value store as the guest sees it. */

export interface StateStore {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Entries in key order, as a plain object. */
  list(options?: { prefix?: string; limit?: number }): Promise<Record<string, unknown>>;
}

/** Which tenant a session belongs to: the same session id in two tenants is two sessions. '' is the default tenant. */
export interface SessionScope {
  tenant?: string;
}

export interface RecordListOptions {
  prefix?: string;
  /** Inclusive lower bound. */
  start?: string;
  /** Exclusive upper bound. */
  end?: string;
  limit?: number;
  reverse?: boolean;
}

/**
 * A session's host-only records (its audit trail, dry-run plans): the guest's `state` never sees them.
 * Keys order by code point, as actor storage does.
 */
export interface SessionRecords {
  get(key: string): Promise<unknown>;
  /** Writes every entry or none. */
  putMany(entries: Record<string, unknown>): Promise<void>;
  list(options?: RecordListOptions): Promise<[string, unknown][]>;
}

/** Changes a turn commits at once: guest state and host records (audit entry, journal) together. */
export interface TurnChanges {
  statePuts?: readonly (readonly [string, unknown])[];
  stateDeletes?: readonly string[];
  records?: Record<string, unknown>;
  recordDeletes?: readonly string[];
}

/** What a session's turn may touch: the guest's state and the host's records. */
export interface SessionTurn {
  state: StateStore;
  records: SessionRecords;
  /** Applies every change or none (one atomic batch); resolves once durable. */
  commit(changes: TurnChanges): Promise<void>;
  /**
   * Has the store's wake handler called for this session after `delayMs`, even after a restart (a
   * persisted schedule), replacing the wake set before; `undefined` cancels it. Durable stores only.
   */
  setWake?(delayMs: number | undefined): Promise<void>;
}

/**
 * Called when a session's wake comes due (see `SessionTurn.setWake`), after the turn that fired it: it may
 * open turns of the session. The wake is set again for the same delay first, so a handler cut off by a
 * crash is called again; a handler with nothing more to do cancels it with `setWake(undefined)`.
 */
export type WakeHandler = (session: string, scope: SessionScope) => void;

/** A session as listed: the same id in two tenants is two sessions. */
export interface SessionRef {
  tenant: string;
  session: string;
}

export interface SessionListOptions {
  /** Only this tenant's sessions; default every tenant's. */
  tenant?: string;
  /** Start after this one (the last of the previous page). */
  after?: SessionRef;
  limit?: number;
}

/** Where sessions keep their state; the actor layer provides the durable one. */
export interface SessionStore {
  /** Runs `fn` as one turn of the session: turns of the same session never interleave. */
  withSession<T>(
    session: string,
    fn: (state: StateStore, turn: SessionTurn) => Promise<T>,
    scope?: SessionScope,
  ): Promise<T>;
  /** A snapshot of a session's state, or undefined for a session that has never run. */
  snapshot(session: string, scope?: SessionScope): Promise<Record<string, unknown> | undefined>;
  /** Runs `fn` as a turn of a session that has run before; undefined (and `fn` not run) otherwise. */
  inspect?<T>(
    session: string,
    fn: (turn: SessionTurn) => Promise<T>,
    scope?: SessionScope,
  ): Promise<T | undefined>;
  /** Sessions that have run, ordered by tenant, then id. */
  list?(options?: SessionListOptions): Promise<SessionRef[]>;
  /** Registers what runs when a session's wake comes due (one handler per store; a later one replaces it). */
  onWake?(handler: WakeHandler): void;
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

/** Records in a sorted in-memory map (code point order, as actor storage). */
export function memoryRecords(map: Map<string, unknown> = new Map()): SessionRecords {
  return {
    async get(key) {
      return structuredClone(map.get(key));
    },
    async putMany(entries) {
      for (const [key, value] of Object.entries(entries)) map.set(key, structuredClone(value));
    },
    async list({ prefix = '', start, end, limit = Number.POSITIVE_INFINITY, reverse = false } = {}) {
      const keys = [...map.keys()]
        .filter(
          (k) =>
            k.startsWith(prefix) &&
            (start === undefined || compareCodePoints(k, start) >= 0) &&
            (end === undefined || compareCodePoints(k, end) < 0),
        )
        .sort(compareCodePoints);
      if (reverse) keys.reverse();
      return keys.slice(0, limit).map((key) => [key, structuredClone(map.get(key))]);
    },
  };
}

function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i].codePointAt(0)! - y[i].codePointAt(0)!;
  }
  return x.length - y.length;
}

/** Sessions held in memory: gone when the process ends. */
export function memorySessions(): SessionStore {
  const sessions = new Map<string, { state: Map<string, unknown>; records: Map<string, unknown> }>();
  const tails = new Map<string, Promise<unknown>>();
  const keyOf = (session: string, scope?: SessionScope) => JSON.stringify([scope?.tenant ?? '', session]);
  const turnOf = (held: { state: Map<string, unknown>; records: Map<string, unknown> }): SessionTurn => ({
    state: memoryState(held.state),
    records: memoryRecords(held.records),
    // Nothing can stop between these synchronous steps: all or none, as the durable stores give.
    async commit(changes) {
      for (const [key, value] of changes.statePuts ?? []) held.state.set(key, structuredClone(value));
      for (const key of changes.stateDeletes ?? []) held.state.delete(key);
      for (const [key, value] of Object.entries(changes.records ?? {}))
        held.records.set(key, structuredClone(value));
      for (const key of changes.recordDeletes ?? []) held.records.delete(key);
    },
  });
  /** One turn at a time per session, in arrival order. */
  function queue<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve();
    const turn = previous.then(fn, fn);
    const tail = turn.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return turn;
  }
  return {
    withSession(session, fn, scope) {
      const key = keyOf(session, scope);
      let held = sessions.get(key);
      if (!held) {
        held = { state: new Map(), records: new Map() };
        sessions.set(key, held);
      }
      const turn = turnOf(held);
      return queue(key, () => fn(turn.state, turn));
    },
    async snapshot(session, scope) {
      const map = sessions.get(keyOf(session, scope))?.state;
      return map ? Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) : undefined;
    },
    async inspect(session, fn, scope) {
      const key = keyOf(session, scope);
      const held = sessions.get(key);
      if (!held) return undefined;
      return queue(key, () => fn(turnOf(held)));
    },
    async list({ tenant, after, limit = Number.POSITIVE_INFINITY } = {}) {
      const byOrder = (a: SessionRef, b: SessionRef) =>
        compareCodePoints(a.tenant, b.tenant) || compareCodePoints(a.session, b.session);
      return [...sessions.keys()]
        .map((key) => {
          const [tenant, session] = JSON.parse(key) as [string, string];
          return { tenant, session };
        })
        .filter(
          (ref) => (tenant === undefined || ref.tenant === tenant) && (!after || byOrder(ref, after) > 0),
        )
        .sort(byOrder)
        .slice(0, limit);
    },
  };
}
