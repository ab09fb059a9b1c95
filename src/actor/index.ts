/** Portable actors: durable, addressable, single-writer state over any storage driver. */

// Sessions are an application of actors and live in src/session/ (no actor module imports them); this
// barrel keeps offering them to code that imported them from here.
export {
  actorSessions,
  DUET_ACTORS,
  type DurableSessions,
  RECORDS_PREFIX,
  recordsOf,
  SESSIONS,
  SessionActor,
  type SessionNamespaces,
  sessionsOn,
  stateOf,
} from '../session/index.ts';
export {
  Actor,
  type ActorClass,
  type ActorContext,
  type ActorMethod,
  type ActorServices,
  type ActorStub,
  type MethodArgs,
  type ScheduleInfo,
  type Scheduler,
  type Schedules,
} from './actor.ts';
export type { ActorListOptions } from './actor-list.ts';
export type { ActorStorage, ListOptions } from './actor-storage.ts';
export {
  type ActorRegistry,
  type ActorSystem,
  type ActorSystemOptions,
  createActorSystem,
  type Namespace,
} from './actor-system.ts';
export { type Clock, type ManualClock, manualClock, systemClock } from './clock.ts';
export { decodeValue, encodeValue } from './codec.ts';
export {
  type DriverLimits,
  type KeyRange,
  type StorageDriver,
  UNLIMITED,
  type WriteEntry,
} from './driver.ts';
export { compareKeys, isWellFormed, prefixEnd, utf8Length } from './key-order.ts';
export type { ActorAddress } from './keyspace.ts';
export {
  createMemoryStore,
  MEMORY_DRIVER,
  type MemoryDriverOptions,
  type MemoryStore,
  memoryDriver,
} from './memory-driver.ts';
export {
  type ActorLease,
  type ActorOwnership,
  isOwnershipError,
  type LeaseHolder,
  OwnershipError,
} from './ownership.ts';
export { defaultRetry, type RetryPolicy } from './schedules.ts';
