/**
 * Leases: one owner node per actor, with an epoch that grows on every takeover. Acquired on activation,
 * renewed in the background while held, released on eviction; every write is fenced by owner + epoch.
 */
import type { Sql } from 'postgres';
import type { StorageDriver } from '../../src/actor/driver.ts';
import {
  type ActorLease,
  type ActorOwnership,
  type LeaseHolder,
  OwnershipError,
} from '../../src/actor/ownership.ts';
import { escapeKey } from '../../src/actor/sqlite-kv-driver.ts';
import type { KvStatements } from './kv.ts';
import type { Tables } from './schema.ts';

export interface LeaseOptions {
  /** This process's node id (unique per process). */
  node: string;
  /** How long a lease runs without renewal (ms). */
  leaseMs: number;
  /** How long `acquire` waits for another node's lease to run out before failing (ms; 0: fail at once). */
  takeoverWaitMs: number;
  /** How often the actor system looks for schedules other nodes wrote (ms). */
  pollMs: number;
  /** Name for errors, e.g. `postgres (127.0.0.1:5432/duet)`. */
  name: string;
  onError(error: unknown, context: string): void;
}

interface Held {
  actor: string;
  epoch: number;
  /** performance.now() before which the lease surely has not run out (the store's expiry is later). */
  deadline: number;
  held: boolean;
  users: number;
}

export interface LeaseManager extends ActorOwnership {
  /** Leases this node holds now. */
  readonly held: number;
  /** Who holds `actor` now, by the store (undefined: nobody, or the lease ran out). */
  holder(actor: string): Promise<LeaseHolder | undefined>;
  /** Renews every held lease (and the node's heartbeat) now; the background timer calls this. */
  renewAll(): Promise<void>;
  /** Adds work to each renewal round (the node registry's heartbeat). */
  onRenew(fn: () => Promise<unknown>): void;
  /** Stops renewing and gives every lease back. */
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function leaseManager(
  sql: Sql,
  t: Tables,
  kv: KvStatements,
  base: StorageDriver,
  options: LeaseOptions,
): LeaseManager {
  const { node, leaseMs } = options;
  // Renew three times per lease period; a turn renews first when less than half of it is left.
  const renewEvery = Math.max(50, Math.floor(leaseMs / 3));
  const interval = `${leaseMs} milliseconds`;
  const leases = new Map<string, Held>();
  const acquiring = new Map<string, Promise<Held>>();
  const renewHooks: (() => Promise<unknown>)[] = [];
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const take =
    `INSERT INTO ${t.leases} AS l (actor, owner, epoch, expires_at, renewed_at) VALUES ($1, $2, 1, now() + $3::interval, now()) ` +
    'ON CONFLICT (actor) DO UPDATE SET owner = excluded.owner, epoch = l.epoch + 1, expires_at = excluded.expires_at, renewed_at = now() ' +
    'WHERE l.owner IS NULL OR l.expires_at <= now() OR l.owner = excluded.owner RETURNING l.epoch';
  const holderSql =
    `SELECT l.owner, l.epoch, (extract(epoch FROM l.expires_at - now()) * 1000)::float8 AS expires_in_ms, n.url ` +
    `FROM ${t.leases} l LEFT JOIN ${t.nodes} n ON n.id = l.owner WHERE l.actor = $1 AND l.owner IS NOT NULL`;
  const renewSql =
    `UPDATE ${t.leases} AS l SET expires_at = now() + $2::interval, renewed_at = now() ` +
    'FROM unnest($3::text[], $4::bigint[]) AS v(actor, epoch) WHERE l.actor = v.actor AND l.epoch = v.epoch AND l.owner = $1 RETURNING l.actor';
  const releaseSql = `UPDATE ${t.leases} SET owner = NULL, expires_at = now() WHERE actor = $1 AND owner = $2 AND epoch = $3`;

  async function holder(actor: string): Promise<LeaseHolder | undefined> {
    const rows = await sql.unsafe(holderSql, [escapeKey(actor)], { prepare: true });
    if (rows.length === 0 || !(rows[0].expires_in_ms > 0)) return undefined;
    return {
      node: rows[0].owner,
      url: rows[0].url ?? undefined,
      epoch: Number(rows[0].epoch),
      expiresInMs: rows[0].expires_in_ms,
    };
  }

  function lost(state: Held) {
    state.held = false;
    if (leases.get(state.actor) === state) leases.delete(state.actor);
  }

  function ownershipLost(state: Held, now?: LeaseHolder): OwnershipError {
    const by = now ? `node ${now.node} holds it at epoch ${now.epoch}` : 'its lease ran out';
    return new OwnershipError(
      `duet ${options.name}: ownership lost: node ${node} no longer holds actor ${state.actor} (epoch ${state.epoch}; ${by}), so its write was refused and nothing of it was stored; the node was paused, partitioned or too slow to renew its lease. Retry the call: it goes to the current owner`,
      state.actor,
      now,
    );
  }

  async function tryTake(actor: string): Promise<Held | LeaseHolder> {
    const started = performance.now();
    const rows = await sql.unsafe(take, [escapeKey(actor), node, interval], { prepare: true });
    if (rows.length === 1) {
      return { actor, epoch: Number(rows[0].epoch), deadline: started + leaseMs, held: true, users: 0 };
    }
    const now = await holder(actor);
    // Ran out between the two statements: try again.
    return now ?? tryTake(actor);
  }

  async function takeLease(actor: string): Promise<Held> {
    const until = performance.now() + options.takeoverWaitMs;
    for (;;) {
      const result = await tryTake(actor);
      if ('held' in result) {
        leases.set(actor, result);
        schedule();
        return result;
      }
      const left = until - performance.now();
      if (result.expiresInMs <= left) {
        await sleep(Math.max(10, result.expiresInMs + 10));
        continue;
      }
      throw new OwnershipError(
        `duet ${options.name}: actor ${actor} is owned by node ${result.node}${result.url ? ` (${result.url})` : ''} at epoch ${result.epoch} for ${Math.ceil(result.expiresInMs)} ms more; send the request to that node (duet serve forwards it), or wait for its lease to run out if that node is gone`,
        actor,
        result,
      );
    }
  }

  async function renew(state: Held): Promise<boolean> {
    const started = performance.now();
    const rows = await sql.unsafe(
      renewSql,
      [node, interval, [escapeKey(state.actor)], [state.epoch]] as never,
      { prepare: true },
    );
    if (rows.length === 1) state.deadline = started + leaseMs;
    else lost(state);
    return rows.length === 1;
  }

  function schedule() {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      manager
        .renewAll()
        .catch((error) => options.onError(error, `${options.name}: renewing leases`))
        .finally(() => {
          if (leases.size > 0 || renewHooks.length > 0) schedule();
        });
    }, renewEvery);
    (timer as { unref?: () => void }).unref?.();
  }

  function handle(state: Held): ActorLease {
    state.users++;
    let released = false;
    const fence = { actor: escapeKey(state.actor), owner: node, epoch: state.epoch };
    const driver: StorageDriver = {
      name: base.name,
      limits: base.limits,
      get: (keys) => base.get(keys),
      list: (range) => base.list(range),
      async write(entries) {
        if (!state.held) throw ownershipLost(state, await holder(state.actor).catch(() => undefined));
        if (await kv.write(entries, fence)) return;
        lost(state);
        throw ownershipLost(state, await holder(state.actor).catch(() => undefined));
      },
      close: async () => undefined,
    };
    return {
      driver,
      get held() {
        return state.held && !released;
      },
      async confirm() {
        if (released)
          throw new OwnershipError(
            `duet ${options.name}: the lease on ${state.actor} was released`,
            state.actor,
          );
        if (!state.held) throw ownershipLost(state, await holder(state.actor).catch(() => undefined));
        // Fresh enough (the background renewal keeps it so); otherwise this node may have been paused
        // past its lease: ask the store before running anything.
        if (state.deadline - performance.now() > leaseMs / 2) return;
        if (!(await renew(state)))
          throw ownershipLost(state, await holder(state.actor).catch(() => undefined));
      },
      async release() {
        if (released) return;
        released = true;
        if (--state.users > 0 || !state.held) return;
        lost(state);
        await sql.unsafe(releaseSql, [escapeKey(state.actor), node, state.epoch], { prepare: true });
      },
    };
  }

  const manager: LeaseManager = {
    pollMs: options.pollMs,
    get held() {
      return leases.size;
    },
    async acquire(actor) {
      if (closed) throw new Error(`duet ${options.name}: the driver is closed; open a new one`);
      const current = leases.get(actor);
      if (current?.held) return handle(current);
      let pending = acquiring.get(actor);
      if (!pending) {
        pending = takeLease(actor).finally(() => acquiring.delete(actor));
        acquiring.set(actor, pending);
      }
      return handle(await pending);
    },
    holder,
    async renewAll() {
      const started = performance.now();
      const states = [...leases.values()];
      await Promise.all(renewHooks.map((fn) => fn()));
      if (states.length === 0) return;
      const rows = await sql.unsafe(
        renewSql,
        [node, interval, states.map((s) => escapeKey(s.actor)), states.map((s) => s.epoch)] as never,
        { prepare: true },
      );
      const renewed = new Set(rows.map((row) => row.actor as string));
      for (const state of states) {
        if (renewed.has(escapeKey(state.actor))) state.deadline = started + leaseMs;
        else lost(state);
      }
    },
    onRenew(fn) {
      renewHooks.push(fn);
      schedule();
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      const states = [...leases.values()];
      leases.clear();
      await Promise.all(
        states.map((state) => {
          state.held = false;
          return sql
            .unsafe(releaseSql, [escapeKey(state.actor), node, state.epoch], { prepare: true })
            .catch((error) => options.onError(error, `${options.name}: releasing ${state.actor}`));
        }),
      );
    },
  };
  return manager;
}
