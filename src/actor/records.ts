/** An actor's records in the driver: user keys mapped into its key space, one operation at a time. */
import { commitRecords, hasManifest, resolveRecords } from './chunked-commit.ts';
import type { StorageDriver } from './driver.ts';
import { prefixEnd, utf8Length } from './key-order.ts';
import { dataPrefix } from './keyspace.ts';

export interface UserRange {
  start?: string;
  end?: string;
  limit?: number;
  reverse?: boolean;
}

/** Encoded records by user key. Both the driver-backed source and a transaction buffer give this. */
export interface RecordSource {
  read(keys: readonly string[]): Promise<(Uint8Array | undefined)[]>;
  scan(range: UserRange): Promise<[string, Uint8Array][]>;
  /** Writes all or nothing (null deletes). Keys are distinct. */
  apply(entries: readonly (readonly [string, Uint8Array | null])[]): Promise<void>;
  /** Deletes the keys that exist and says how many did, as one step. */
  remove(keys: readonly string[]): Promise<number>;
}

export interface DriverRecords extends RecordSource {
  /** Operations queued or running; an actor is only evicted once this is 0. */
  readonly pending: number;
}

/**
 * Operations run in the order they were issued, even when the caller does not await them
 * (`put(k, v); return get(k)` sees the put), as a Durable Object's storage does.
 */
export function driverRecords(driver: StorageDriver, actor: string): DriverRecords {
  const prefix = dataPrefix(actor);
  const prefixEndKey = prefixEnd(prefix);
  let tail: Promise<unknown> = Promise.resolve();
  let pending = 0;
  function enqueue<T>(op: () => Promise<T>): Promise<T> {
    // Nothing queued: start now and skip a microtask hop; order is the same either way.
    const run = pending++ === 0 ? op() : tail.then(op);
    tail = run.then(done, done);
    return run;
  }
  const done = () => {
    pending--;
  };
  const maxKeyBytes = driver.limits.maxKeyBytes;
  const rawGet = (keys: readonly string[]): Promise<(Uint8Array | undefined)[]> => {
    const full = keys.map((key) => prefix + key);
    // A key over the driver's limit cannot have been written; some backends throw if asked for it.
    if (maxKeyBytes === Number.POSITIVE_INFINITY || full.every((key) => utf8Length(key) <= maxKeyBytes)) {
      return driver.get(full);
    }
    const fit = full.filter((key) => utf8Length(key) <= maxKeyBytes);
    const at = new Map(fit.map((key, i) => [key, i]));
    return driver
      .get(fit)
      .then((values) => full.map((key) => (at.has(key) ? values[at.get(key)!] : undefined)));
  };
  // No chunk manifests among the records (the usual case): no extra await.
  const read = (keys: readonly string[]) =>
    rawGet(keys).then((records) => (hasManifest(records) ? resolveRecords(driver, actor, records) : records));
  const write = (entries: readonly (readonly [string, Uint8Array | null])[]) =>
    commitRecords(
      driver,
      actor,
      entries.map(([key, record]) => [prefix + key, record]),
    );
  return {
    get pending() {
      return pending;
    },
    read: (keys) => enqueue(() => read(keys)),
    scan: (range) =>
      enqueue(async () => {
        const rows = await driver.list({
          start: prefix + (range.start ?? ''),
          end: range.end === undefined ? prefixEndKey : prefix + range.end,
          limit: range.limit,
          reverse: range.reverse,
        });
        const records = await resolveRecords(
          driver,
          actor,
          rows.map(([, record]) => record),
        );
        return rows.map(([key], i) => [key.slice(prefix.length), records[i]!] as [string, Uint8Array]);
      }),
    apply: (entries) => enqueue(() => write(entries)),
    remove: (keys) =>
      enqueue(async () => {
        const found = await rawGet(keys);
        const existing = keys.filter((_, i) => found[i] !== undefined);
        if (existing.length > 0) await write(existing.map((key) => [key, null]));
        return existing.length;
      }),
  };
}
