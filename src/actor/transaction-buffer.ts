/** A transaction's writes held in memory over its parent, applied as one atomic write at the end. */
import { compareKeys } from './key-order.ts';
import type { RecordSource, UserRange } from './records.ts';

export interface TransactionBuffer extends RecordSource {
  /** The buffered writes, to hand to the parent's `apply`. */
  entries(): [string, Uint8Array | null][];
}

/** Reads see the transaction's own writes; nothing reaches the parent until `entries()` is applied. */
export function transactionBuffer(parent: RecordSource): TransactionBuffer {
  const writes = new Map<string, Uint8Array | null>();
  const inRange = (key: string, range: UserRange) =>
    (range.start === undefined || compareKeys(key, range.start) >= 0) &&
    (range.end === undefined || compareKeys(key, range.end) < 0);
  const buffer: TransactionBuffer = {
    async read(keys) {
      const missing = keys.filter((key) => !writes.has(key));
      const base = missing.length > 0 ? await parent.read(missing) : [];
      let next = 0;
      return keys.map((key) => (writes.has(key) ? (writes.get(key) ?? undefined) : base[next++]));
    },
    async scan(range) {
      const touched = [...writes.keys()].filter((key) => inRange(key, range));
      // Buffered deletes can hide at most that many parent rows, so ask for that many more.
      const deletes = touched.filter((key) => writes.get(key) === null).length;
      const limit = range.limit === undefined ? undefined : range.limit + deletes;
      const merged = new Map(await parent.scan({ ...range, limit }));
      for (const key of touched) {
        const record = writes.get(key)!;
        if (record === null) merged.delete(key);
        else merged.set(key, record);
      }
      const rows = [...merged].sort(([a], [b]) => (range.reverse ? compareKeys(b, a) : compareKeys(a, b)));
      return range.limit === undefined ? rows : rows.slice(0, range.limit);
    },
    async apply(entries) {
      for (const [key, record] of entries) writes.set(key, record);
    },
    async remove(keys) {
      const found = await buffer.read(keys);
      let removed = 0;
      keys.forEach((key, i) => {
        if (found[i] !== undefined) removed++;
        writes.set(key, null);
      });
      return removed;
    },
    entries: () => [...writes],
  };
  return buffer;
}
