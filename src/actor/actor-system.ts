/** The actor system: namespaces of actors addressed by name, one turn at a time each, over one driver. */
import type { ActorClass, ActorServices } from './actor.ts';
import { type ActorEntry, actorEntry, callOn } from './actor-entry.ts';
import { type ActorListOptions, listActors } from './actor-list.ts';
import { alarmLoop } from './alarm-loop.ts';
import { type Clock, systemClock } from './clock.ts';
import type { StorageDriver } from './driver.ts';
import { type ActorAddress, actorKey } from './keyspace.ts';
import { createNamespace, type Namespace } from './namespace.ts';
import { isOwnershipError } from './ownership.ts';
import { type DueEntry, defaultRetry, fireSchedule, type RetryPolicy } from './schedules.ts';

export type { Namespace } from './namespace.ts';

export type ActorRegistry = Record<string, ActorClass<any>>;

export interface ActorSystemOptions<R extends ActorRegistry> {
  driver: StorageDriver;
  /** Actor classes by namespace name. Schedules of a namespace only fire when it is registered. */
  actors: R;
  clock?: Clock;
  /** Idle time after which an actor leaves memory (default 30 s; `Infinity` keeps actors). */
  idleMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Failures nobody awaits: schedule handlers, the alarm loop (default: console.error). */
  onError?(error: unknown, context: string): void;
  /** Handed to every actor as `ctx.services` (default: an empty object the host may fill in later). */
  services?: ActorServices;
}

export interface ActorSystem<R extends ActorRegistry> {
  readonly driver: StorageDriver;
  readonly clock: Clock;
  /** Resolves once stored schedules have been read and the alarm armed. */
  readonly ready: Promise<void>;
  /** Actors in memory. */
  readonly active: number;
  /** What every actor of this system sees as `ctx.services`. */
  readonly services: ActorServices;
  namespace<K extends keyof R & string>(
    name: K,
    options?: { tenant?: string },
  ): Namespace<InstanceType<R[K]>>;
  /** Actors of a namespace that have run (now or on an earlier run), by tenant then name. */
  actors(namespace: keyof R & string, options?: ActorListOptions): Promise<ActorAddress[]>;
  /** Fires every due schedule now and resolves when their turns ended (a host alarm handler calls this). */
  runDueAlarms(): Promise<number>;
  /** Drops idle actors from memory now; returns how many. */
  evictIdle(): number;
  /** Waits for running turns, then stops timers. The driver stays open: its owner closes it. */
  close(): Promise<void>;
}

export function createActorSystem<R extends ActorRegistry>(options: ActorSystemOptions<R>): ActorSystem<R> {
  const { driver, actors } = options;
  const clock = options.clock ?? systemClock;
  const idleMs = options.idleMs ?? 30_000;
  const retry = { ...defaultRetry, ...options.retry };
  const onError = options.onError ?? ((error, context) => console.error(`duet actors: ${context}:`, error));
  const services = options.services ?? {};
  const entries = new Map<string, ActorEntry>();
  let closed = false;
  let cancelSweep: (() => void) | undefined;
  let cancelPoll: (() => void) | undefined;

  const fireDeps = { driver, clock, retry, onError, scheduled: (at: number) => loop.scheduled(at) };
  const loop = alarmLoop({
    driver,
    clock,
    onError,
    stuckDelayMs: retry.baseMs,
    fire(due: DueEntry, key: string) {
      const address = { tenant: due.tenant, namespace: due.namespace, name: due.name };
      if (!Object.hasOwn(actors, due.namespace)) {
        const missing = new Error(
          `no actor class registered for namespace '${due.namespace}'; pass it in createActorSystem({ actors })`,
        );
        return fireSchedule(fireDeps, due, actorKey(address), key, () => Promise.reject(missing));
      }
      const entry = entryFor(address);
      return entry
        .turn((actor) =>
          fireSchedule({ ...fireDeps, driver: entry.driver }, due, entry.key, key, async (method, args) =>
            callOn(actor, method, args),
          ),
        )
        .catch((error) => {
          // Another process owns the actor (or took it over mid-run): the schedule stays due for it.
          if (!isOwnershipError(error)) throw error;
        });
    },
  });
  const ready = loop.arm().catch((error) => onError(error, 'reading stored schedules'));
  // A shared store: other processes add schedules and leave them behind when they die; look for them.
  const pollMs = driver.ownership?.pollMs;
  const poll = () => {
    if (closed || pollMs === undefined) return;
    cancelPoll = clock.setTimer(clock.now() + pollMs, () => {
      cancelPoll = undefined;
      return loop
        .runDue()
        .catch((error) => onError(error, 'alarm loop'))
        .finally(poll);
    });
  };
  void ready.then(poll);

  function entryFor(address: ActorAddress): ActorEntry {
    if (closed) throw new Error('duet actors: the actor system is closed; create a new one to call actors');
    const key = actorKey(address);
    let entry = entries.get(key);
    // Its lease was lost: calls from now on go to a fresh activation, which reloads from storage.
    if (entry?.lost) entry = undefined;
    if (!entry) {
      entry = actorEntry({
        driver,
        clock,
        cls: actors[address.namespace],
        address,
        services,
        scheduled: loop.scheduled,
        released,
      });
      entries.set(key, entry);
    }
    return entry;
  }

  function released() {
    if (cancelSweep || !Number.isFinite(idleMs) || closed) return;
    let oldest = Number.POSITIVE_INFINITY;
    // Busy actors are left out: they call this again when their turn ends.
    for (const entry of entries.values()) if (entry.idle) oldest = Math.min(oldest, entry.lastUsed);
    if (oldest === Number.POSITIVE_INFINITY) return;
    cancelSweep = clock.setTimer(oldest + idleMs, () => {
      cancelSweep = undefined;
      system.evictIdle();
      released();
    });
  }

  const system: ActorSystem<R> = {
    driver,
    clock,
    ready,
    services,
    get active() {
      return entries.size;
    },
    namespace(name, { tenant = '' } = {}) {
      if (!Object.hasOwn(actors, name)) {
        throw new Error(
          `duet actors: no namespace '${name}' (registered: ${Object.keys(actors).join(', ') || 'none'}); add it to createActorSystem({ actors })`,
        );
      }
      return createNamespace({ name, tenant, driver, services, entryFor });
    },
    actors: (namespace, listOptions) => listActors(driver, namespace, listOptions),
    runDueAlarms: () => loop.runDue(),
    evictIdle() {
      let evicted = 0;
      const now = clock.now();
      for (const [key, entry] of entries) {
        if (entry.idle && (entry.lastUsed + idleMs <= now || entry.lost)) {
          entries.delete(key);
          entry.release().catch((error) => onError(error, `releasing ${key}`));
          evicted++;
        }
      }
      return evicted;
    },
    async close() {
      closed = true;
      cancelSweep?.();
      cancelPoll?.();
      await loop.stop();
      await Promise.all([...entries.values()].map((entry) => entry.drained()));
      await Promise.all(
        [...entries.values()].map((entry) =>
          entry.release().catch((error) => onError(error, `releasing ${entry.key}`)),
        ),
      );
      entries.clear();
    },
  };
  return system;
}
