/** A namespace: typed stubs and host-side turns for the actors of one class under one tenant. */
import type { Actor, ActorServices, ActorStub } from './actor.ts';
import { type ActorEntry, callOn } from './actor-entry.ts';
import type { StorageDriver } from './driver.ts';
import { isWellFormed } from './key-order.ts';
import { type ActorAddress, actorKey, metaKey } from './keyspace.ts';

export interface Namespace<A extends Actor> {
  readonly name: string;
  readonly tenant: string;
  /** The system's `services`, as its actors see them. */
  readonly services: ActorServices;
  /** A typed stub; each call is one turn of that actor. Creating it does not touch storage. */
  get(name: string): ActorStub<A>;
  /** Runs `fn` with the instance as one turn: for host code next to the actor, not for clients. */
  run<T>(name: string, fn: (actor: A) => T | Promise<T>): Promise<T>;
  /** True once the actor has run a turn, on any earlier run of the system. */
  exists(name: string): Promise<boolean>;
}

export interface NamespaceDeps {
  name: string;
  tenant: string;
  driver: StorageDriver;
  services: ActorServices;
  entryFor(address: ActorAddress): ActorEntry;
}

export function createNamespace<A extends Actor>(deps: NamespaceDeps): Namespace<A> {
  const { name, tenant } = deps;
  checkName('tenant', tenant, true);
  const address = (actorName: string): ActorAddress => ({
    tenant,
    namespace: name,
    name: checkName('actor name', actorName, false),
  });
  return {
    name,
    tenant,
    services: deps.services,
    get(actorName) {
      const at = address(actorName);
      return stub((method, args) =>
        settle(() => deps.entryFor(at).turn((actor) => callOn(actor, method, args))),
      );
    },
    run: (actorName, fn) => settle(() => deps.entryFor(address(actorName)).turn(fn as (actor: Actor) => any)),
    async exists(actorName) {
      const [meta] = await deps.driver.get([metaKey(actorKey(address(actorName)))]);
      return meta !== undefined;
    },
  };
}

function stub<A>(invoke: (method: string, args: unknown[]) => Promise<unknown>): ActorStub<A> {
  return new Proxy({} as ActorStub<A>, {
    // `then` stays undefined so a stub is not mistaken for a promise when returned from async code.
    get: (_, prop) =>
      typeof prop !== 'string' || prop === 'then' ? undefined : (...args: unknown[]) => invoke(prop, args),
  });
}

/** A closed system or a bad name rejects like any failed call instead of throwing synchronously. */
function settle<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return fn();
  } catch (error) {
    return Promise.reject(error);
  }
}

function checkName(what: string, value: string, emptyOk: boolean): string {
  if (typeof value !== 'string' || (!emptyOk && value === '') || !isWellFormed(value)) {
    throw new TypeError(
      `duet actors: ${what} must be a ${emptyOk ? '' : 'non-empty '}well-formed string, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
