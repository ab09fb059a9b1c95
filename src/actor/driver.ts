/** The storage driver contract: the few primitives a backend must give the actor core. */
import type { ActorOwnership } from './ownership.ts';

/**
 * Keys are strings ordered by Unicode code point (the same as UTF-8 byte order, which is what
 * SQLite, Deno KV and Durable Objects give natively). They are always well-formed UTF-16 and may
 * hold any character, including NUL. Values are opaque bytes owned by the caller after return.
 */
export interface KeyRange {
  /** Inclusive lower bound. */
  start?: string;
  /** Exclusive upper bound. */
  end?: string;
  limit?: number;
  /** Descending order; `limit` then counts from the end of the range. */
  reverse?: boolean;
}

/** One write: bytes to store, or `null` to delete. Keys within one batch are distinct. */
export type WriteEntry = readonly [key: string, value: Uint8Array | null];

/**
 * What one call may carry. The core splits values and batches to fit and, when a logical write
 * does not fit one atomic batch, makes it atomic itself (a redo log), so drivers never need to.
 * Use `Infinity` where the backend has no limit.
 */
export interface DriverLimits {
  /** UTF-8 bytes of one key (Deno KV: 2048). */
  maxKeyBytes: number;
  /** Bytes of one value (Deno KV: 65536). */
  maxValueBytes: number;
  /** Key plus value bytes of one entry (Durable Objects: 2 MB). */
  maxEntryBytes: number;
  /** Entries in one atomic `write` (Deno KV: 1000; Durable Objects: 128). */
  maxBatchKeys: number;
  /** Key plus value bytes in one atomic `write` (Deno KV: 800 KiB). */
  maxBatchBytes: number;
}

export const UNLIMITED: DriverLimits = Object.freeze({
  maxKeyBytes: Number.POSITIVE_INFINITY,
  maxValueBytes: Number.POSITIVE_INFINITY,
  maxEntryBytes: Number.POSITIVE_INFINITY,
  maxBatchKeys: Number.POSITIVE_INFINITY,
  maxBatchBytes: Number.POSITIVE_INFINITY,
});

export interface StorageDriver {
  /** Names the backend in errors and reports, e.g. `node-sqlite (node:sqlite)`. */
  readonly name: string;
  readonly limits: DriverLimits;
  /** Values of `keys` in the same order, `undefined` where absent. */
  get(keys: readonly string[]): Promise<(Uint8Array | undefined)[]>;
  /** Entries in `[start, end)` in key order (or reverse), at most `limit`. */
  list(range: KeyRange): Promise<[string, Uint8Array][]>;
  /** Applies every entry or none; resolves only once the batch is durable. */
  write(entries: readonly WriteEntry[]): Promise<void>;
  /**
   * Asks the host to wake at `at` (epoch ms) even if it sleeps or restarts, or clears the wake-up.
   * Only backends that can wake a sleeping host (Durable Object alarms) implement it; elsewhere the
   * system keeps a timer while it runs and finds due schedules in storage when it starts.
   */
  setAlarm?(at: number | null): Promise<void>;
  /**
   * Only backends several processes share (PostgreSQL): leases that give each actor one writer at a
   * time. The system then activates an actor under its lease and writes only through the lease.
   */
  readonly ownership?: ActorOwnership;
  close(): Promise<void>;
}
