/** Portable actors: durable, addressable, single-writer state over any storage driver. */
export {
  Actor,
  type ActorClass,
  type ActorContext,
  type ActorMethod,
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
export { DUET_ACTORS, type DurableSessions, sessionsOn } from './open-sessions.ts';
export {
  type ActorLease,
  type ActorOwnership,
  isOwnershipError,
  type LeaseHolder,
  OwnershipError,
} from './ownership.ts';
export { defaultRetry, type RetryPolicy } from './schedules.ts';
export {
  actorSessions,
  RECORDS_PREFIX,
  recordsOf,
  SESSIONS,
  SessionActor,
  type SessionNamespaces,
  stateOf,
} from './sessions.ts';
