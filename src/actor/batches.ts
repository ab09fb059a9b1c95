/** Splitting writes into batches that fit a driver's limits. */
import type { DriverLimits, StorageDriver, WriteEntry } from './driver.ts';
import { utf8Length } from './key-order.ts';

export const entryBytes = (entry: WriteEntry): number => utf8Length(entry[0]) + (entry[1]?.length ?? 0);

/** True when the driver takes any key, any value and any batch in one atomic write. */
export function unlimited(limits: DriverLimits): boolean {
  return (
    limits.maxKeyBytes === Number.POSITIVE_INFINITY &&
    limits.maxValueBytes === Number.POSITIVE_INFINITY &&
    limits.maxEntryBytes === Number.POSITIVE_INFINITY &&
    limits.maxBatchKeys === Number.POSITIVE_INFINITY &&
    limits.maxBatchBytes === Number.POSITIVE_INFINITY
  );
}

export function fitsOneBatch(entries: readonly WriteEntry[], limits: DriverLimits): boolean {
  if (entries.length > limits.maxBatchKeys) return false;
  let bytes = 0;
  for (const entry of entries) bytes += entryBytes(entry);
  return bytes <= limits.maxBatchBytes;
}

/** Consecutive runs of entries, each within the batch limits. */
export function splitBatches(entries: readonly WriteEntry[], limits: DriverLimits): WriteEntry[][] {
  const batches: WriteEntry[][] = [];
  let current: WriteEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entryBytes(entry);
    if (size > limits.maxBatchBytes || size > limits.maxEntryBytes) {
      throw new Error(
        `duet actor storage: an entry of ${size} bytes does not fit the driver (max ${Math.min(limits.maxBatchBytes, limits.maxEntryBytes)}); this is a bug in duet's chunking, please report it`,
      );
    }
    if (
      current.length > 0 &&
      (current.length >= limits.maxBatchKeys || bytes + size > limits.maxBatchBytes)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export async function writeInBatches(driver: StorageDriver, entries: readonly WriteEntry[]): Promise<void> {
  for (const batch of splitBatches(entries, driver.limits)) await driver.write(batch);
}

/** Largest slice of a value that fits one entry and one batch next to a key of `keyBytes`. */
export function chunkSize(limits: DriverLimits, keyBytes: number): number {
  const size = Math.min(
    limits.maxValueBytes,
    limits.maxEntryBytes - keyBytes,
    limits.maxBatchBytes - keyBytes,
  );
  if (size < 1024) {
    throw new Error(
      `duet actor storage: driver limits leave ${size} bytes per chunk; raise maxValueBytes/maxEntryBytes/maxBatchBytes to at least 2 KiB`,
    );
  }
  return Math.min(size, 1 << 30);
}

/** `bytes` cut into pieces of at most `size`, as views (no copy). */
export function slices(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
