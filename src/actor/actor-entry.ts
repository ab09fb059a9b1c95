/** One actor in memory: its turn queue, its storage and its instance, loaded on the first turn. */
import { type Actor, type ActorClass, type ActorServices, callableMethod, callableMethods } from './actor.ts';
import { storageOver } from './actor-storage.ts';
import type { Clock } from './clock.ts';
import { encodeValue } from './codec.ts';
import type { StorageDriver } from './driver.ts';
import { type ActorAddress, actorKey, metaKey } from './keyspace.ts';
import { type ActorLease, OwnershipError } from './ownership.ts';
import { driverRecords } from './records.ts';
import { actorSchedules } from './schedules.ts';
import { recoverLog } from './write-log.ts';

export interface ActorEntry {
  readonly address: ActorAddress;
  readonly key: string;
  /** Epoch ms the last turn ended. */
  readonly lastUsed: number;
  /** No turn queued or running and no storage operation in flight. */
  readonly idle: boolean;
  /** Its lease was lost (shared backends): no turn runs on it again; the system activates a fresh entry. */
  readonly lost: boolean;
  /** The driver this activation writes through: its lease's on a shared backend. */
  readonly driver: StorageDriver;
  /** Runs `fn` once every earlier turn of this actor has finished. */
  turn<T>(fn: (actor: Actor) => T | Promise<T>): Promise<T>;
  /** Promise settled when the queue is empty. */
  drained(): Promise<void>;
  /** Gives up its lease, if it holds one (eviction, shutdown). */
  release(): Promise<void>;
}

export interface EntryDeps {
  driver: StorageDriver;
  clock: Clock;
  cls: ActorClass;
  address: ActorAddress;
  services: ActorServices;
  scheduled(at: number): void;
  /** A turn ended. */
  released(entry: ActorEntry): void;
}

export function actorEntry(deps: EntryDeps): ActorEntry {
  const { clock, cls, address } = deps;
  const key = actorKey(address);
  const ownership = deps.driver.ownership;
  // On a shared backend this activation holds a lease, and every write goes through it, so a write
  // that comes after another process took the actor over is refused by the store (fencing). An entry
  // never changes lease: once it is lost, the system replaces the entry, cached state and all.
  let lease: ActorLease | undefined;
  const driver = ownership ? throughLease(deps.driver, key, () => lease) : deps.driver;
  const records = driverRecords(driver, key);
  const describe = () =>
    `duet actor ${address.tenant ? `${address.tenant}:` : ''}${address.namespace}/${address.name}`;
  const probe = Object.create(cls.prototype) as Actor;
  const ctx = {
    address,
    clock,
    services: deps.services,
    storage: storageOver(records),
    schedules: actorSchedules({
      driver,
      clock,
      address,
      actor: key,
      scheduled: deps.scheduled,
      checkMethod(method) {
        if (!callableMethod(probe, method)) throw noMethod(describe(), cls, probe, method);
      },
    }),
  };
  let instance: Actor | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  let queued = 0;
  let lastUsed = clock.now();

  async function load(): Promise<Actor> {
    if (ownership && !lease) lease = await ownership.acquire(key);
    // A write that went through the redo log and crashed half-applied is finished before any read
    // (whatever the limits now: the store may have been written by a driver with smaller ones).
    await recoverLog(driver, key);
    const [meta] = await driver.get([metaKey(key)]);
    if (!meta) await driver.write([[metaKey(key), encodeValue({ created: clock.now() })]]);
    const actor = new cls(ctx);
    await actor.onLoad?.();
    instance = actor;
    return actor;
  }

  const entry: ActorEntry = {
    address,
    key,
    get lastUsed() {
      return lastUsed;
    },
    get idle() {
      return queued === 0 && records.pending === 0;
    },
    get lost() {
      return lease !== undefined && !lease.held;
    },
    driver,
    turn(fn) {
      queued++;
      const run = tail.then(async () => {
        // Rejects once the lease is lost: this process may no longer act for the actor.
        if (lease) await lease.confirm();
        return fn(instance ?? (await load()));
      });
      tail = run.then(release, release);
      return run;
    },
    drained: () => tail.then(() => undefined),
    release: async () => lease?.release(),
  };
  const release = () => {
    queued--;
    lastUsed = clock.now();
    // Lost: the state this instance cached may be stale; a fresh entry reloads it from storage.
    if (lease && !lease.held) instance = undefined;
    deps.released(entry);
  };
  return entry;
}

/** Reads from the store; writes through the activation's lease, and only once there is one. */
function throughLease(
  base: StorageDriver,
  actor: string,
  lease: () => ActorLease | undefined,
): StorageDriver {
  return {
    name: base.name,
    limits: base.limits,
    get: (keys) => base.get(keys),
    list: (range) => base.list(range),
    write(entries) {
      const held = lease();
      if (held) return held.driver.write(entries);
      return Promise.reject(
        new OwnershipError(
          `duet actor ${actor}: a write before the actor was activated under a lease; write from inside a turn`,
          actor,
        ),
      );
    },
    close: async () => undefined,
  };
}

/** Calls `method` on the actor, or explains which methods exist. */
export function callOn(actor: Actor, method: string, args: unknown[]): unknown {
  const fn = callableMethod(actor, method);
  if (!fn)
    throw noMethod(
      `duet actor ${actor.ctx.address.namespace}/${actor.name}`,
      actor.constructor as ActorClass,
      actor,
      method,
    );
  return fn.apply(actor, args);
}

function noMethod(who: string, cls: ActorClass, probe: Actor, method: string): Error {
  return new TypeError(
    `${who}: ${cls.name} has no callable method '${method}' (it has: ${callableMethods(probe).join(', ') || 'none'}); declare it as a method of the class`,
  );
}
