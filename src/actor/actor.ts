/** The `Actor` base class and the types that make stubs and schedules typed from it. */
import type { ActorStorage } from './actor-storage.ts';
import type { Clock } from './clock.ts';
import type { ActorAddress } from './keyspace.ts';

/** What the system hands an actor instance. */
export interface ActorContext {
  readonly address: ActorAddress;
  readonly storage: ActorStorage;
  readonly clock: Clock;
  readonly schedules: Schedules;
  /**
   * What the host lends the actors of its system (`createActorSystem({ services })`), e.g. a callback into
   * the application a scheduled method reports to. The actor layer never reads it.
   */
  readonly services: ActorServices;
}

/** Objects the host shares with every actor of a system, by name. */
export type ActorServices = Record<string, unknown>;

export interface ScheduleInfo {
  id: string;
  /** Epoch ms it is due (after a failure: when it is retried). */
  at: number;
  method: string;
  args: unknown[];
  /** Failed runs so far. */
  attempt: number;
}

/** Schedules of one actor, untyped; `Actor.schedule` is the typed view. */
export interface Schedules {
  at(when: number | Date, method: string, args: unknown[]): Promise<string>;
  cancel(id: string): Promise<boolean>;
  list(): Promise<ScheduleInfo[]>;
}

/**
 * Extend this and add async methods; `namespace.get(name).method(args)` calls them one turn at a
 * time. State that must outlive eviction or a restart belongs in `this.storage`; fields are a cache.
 */
export abstract class Actor {
  readonly ctx: ActorContext;

  constructor(ctx: ActorContext) {
    this.ctx = ctx;
  }

  get name(): string {
    return this.ctx.address.name;
  }

  get storage(): ActorStorage {
    return this.ctx.storage;
  }

  /** Calls one of this actor's methods later, persisted: at least once, retried with backoff. */
  get schedule(): Scheduler<this> {
    const { schedules, clock } = this.ctx;
    return {
      at: (when, method, ...args) => schedules.at(when, method, args),
      after: (delayMs, method, ...args) => schedules.at(clock.now() + delayMs, method, args),
      cancel: (id) => schedules.cancel(id),
      list: () => schedules.list(),
    };
  }

  /** Runs in the first turn after the actor is created or reloaded (after eviction or a restart). */
  onLoad?(): void | Promise<void>;
}

/** Names of the methods a stub exposes: functions declared by the subclass. */
export type ActorMethod<A> = {
  [K in keyof A]: K extends keyof Actor ? never : A[K] extends (...args: any[]) => any ? K : never;
}[keyof A] &
  string;

export type MethodArgs<A, K extends keyof A> = A[K] extends (...args: infer P) => any ? P : never;

/** The client side of an actor: every method, returning a promise of its result. */
export type ActorStub<A> = {
  readonly [K in ActorMethod<A>]: A[K] extends (...args: infer P) => infer R
    ? (...args: P) => Promise<Awaited<R>>
    : never;
};

/**
 * Method names are checked against the class; arguments are checked when scheduling (they must be
 * storable), not by the compiler, because inside the class `this` is generic and TypeScript cannot
 * resolve a method's parameters from it.
 */
export interface Scheduler<A> {
  at<K extends keyof A & string>(when: number | Date, method: K, ...args: unknown[]): Promise<string>;
  after<K extends keyof A & string>(delayMs: number, method: K, ...args: unknown[]): Promise<string>;
  /** True when the schedule existed. */
  cancel(id: string): Promise<boolean>;
  list(): Promise<ScheduleInfo[]>;
}

export type ActorClass<A extends Actor = Actor> = new (ctx: ActorContext) => A;

/** The method if `name` is one a stub may call, else undefined. */
export function callableMethod(instance: Actor, name: string): ((...args: unknown[]) => unknown) | undefined {
  if (name === 'constructor' || name === 'onLoad' || name in Actor.prototype) return undefined;
  for (
    let proto = Object.getPrototypeOf(instance);
    proto && proto !== Actor.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    if (descriptor) return typeof descriptor.value === 'function' ? descriptor.value : undefined;
  }
  return undefined;
}

export function callableMethods(instance: Actor): string[] {
  const names = new Set<string>();
  for (
    let proto = Object.getPrototypeOf(instance);
    proto && proto !== Actor.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) if (callableMethod(instance, name)) names.add(name);
  }
  return [...names].sort();
}
