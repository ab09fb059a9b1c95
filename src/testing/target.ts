/** What a conformance target declares: how to open its driver, what it supports, how to kill a writer. */
import type { StorageDriver } from '../actor/driver.ts';

export type SupportLevel = 'native' | 'emulated' | 'unsupported';

export interface Support {
  level: SupportLevel;
  /** How it is emulated, or why it is unsupported. */
  reason?: string;
}

/**
 * Features the suite checks. `driver` features depend on the backend and each target declares its
 * level; `core` ones are implemented by duet for every driver. A target may not declare a core
 * feature unsupported unless it is the reference model.
 */
export const FEATURES = {
  'ordered-kv': {
    core: true,
    by: 'driver',
    title: 'get/list/write with code point order, ranges, limits, reverse',
  },
  'atomic-batch': { core: true, by: 'driver', title: 'multi-key writes are all-or-nothing' },
  'large-values': { core: true, by: 'driver', title: 'values of at least 1 MiB' },
  restart: {
    core: true,
    by: 'driver',
    title: 'state and schedules survive closing and reopening the driver',
  },
  durability: { core: true, by: 'driver', title: 'every acknowledged write survives SIGKILL of the process' },
  'host-wake': {
    core: false,
    by: 'driver',
    title: 'the backend wakes a sleeping host for the next schedule',
  },
  'value-types': {
    core: true,
    by: 'core',
    title: 'JSON, Date, Uint8Array, Map, Set, bigint, undefined round trip',
  },
  transactions: {
    core: true,
    by: 'core',
    title: 'a transaction that throws changes nothing; reads see its writes',
  },
  turns: { core: true, by: 'core', title: 'one turn at a time per actor; actors run concurrently' },
  isolation: { core: true, by: 'core', title: 'actors and tenants never see each other' },
  alarms: {
    core: true,
    by: 'core',
    title: 'persisted, fire after restart, at-least-once, retried with backoff',
  },
  eviction: { core: true, by: 'core', title: 'idle actors leave memory; state comes back from storage' },
  sessions: { core: true, by: 'core', title: 'execute sessions as actors' },
} as const;

export type Feature = keyof typeof FEATURES;
export type DriverFeature = {
  [F in Feature]: (typeof FEATURES)[F]['by'] extends 'driver' ? F : never;
}[Feature];

/** A writer child process for the SIGKILL case: prints `ack <n>` after each resolved write. */
export interface WriterProcess {
  lines: AsyncIterable<string>;
  /** Sends SIGKILL and resolves when the process is gone. */
  kill(): Promise<void>;
  stderr(): string;
}

export interface ConformanceTarget {
  /** e.g. `node-sqlite (node:sqlite) on Node 22.23.3`. */
  name: string;
  /** The in-memory reference model: may declare core features unsupported (it is not an adapter). */
  reference?: boolean;
  support: Record<DriverFeature, Support>;
  /** A fresh, empty place for one case (a temporary directory, a store name). */
  createPlace(): Promise<string>;
  /** Opens the driver at `place`; opening it again after `close()` is a restart. */
  open(place: string): Promise<StorageDriver>;
  removePlace?(place: string): Promise<void>;
  /** Starts `runAckWriter` on this runtime in a child process over `place`. */
  spawnWriter?(place: string): WriterProcess;
}
