/** The in-memory driver: the reference backend, and a store that outlives a driver to model restarts. */
import type { DriverLimits, KeyRange, StorageDriver, WriteEntry } from './driver.ts';
import { UNLIMITED } from './driver.ts';
import { compareKeys } from './key-order.ts';

export const MEMORY_DRIVER = 'memory';

/** Sorted keys plus values; hand the same store to a new driver to model a process restart. */
export interface MemoryStore {
  keys: string[];
  values: Map<string, Uint8Array>;
}

export interface MemoryDriverOptions {
  /** Where entries live (default: a fresh store). */
  store?: MemoryStore;
  /** Advertise a smaller backend's limits, e.g. Deno KV's, to exercise chunking in the core. */
  limits?: Partial<DriverLimits>;
  name?: string;
}

export function createMemoryStore(): MemoryStore {
  return { keys: [], values: new Map() };
}

export function memoryDriver(options: MemoryDriverOptions = {}): StorageDriver {
  const store = options.store ?? createMemoryStore();
  const name = options.name ?? MEMORY_DRIVER;
  let closed = false;
  const open = () => {
    if (closed)
      throw new Error(`duet ${name} driver: used after close(); open a new driver over the same store`);
  };
  return {
    name,
    limits: { ...UNLIMITED, ...options.limits },
    async get(keys) {
      open();
      return keys.map((key) => store.values.get(key));
    },
    async list(range: KeyRange) {
      open();
      const from = range.start === undefined ? 0 : lowerBound(store.keys, range.start);
      const to = range.end === undefined ? store.keys.length : lowerBound(store.keys, range.end);
      if (to <= from) return [];
      const limit = range.limit ?? Number.POSITIVE_INFINITY;
      const out: [string, Uint8Array][] = [];
      if (range.reverse) {
        for (let i = to - 1; i >= from && out.length < limit; i--)
          out.push([store.keys[i], store.values.get(store.keys[i])!]);
      } else {
        for (let i = from; i < to && out.length < limit; i++)
          out.push([store.keys[i], store.values.get(store.keys[i])!]);
      }
      return out;
    },
    async write(entries: readonly WriteEntry[]) {
      open();
      for (const [key, value] of entries) {
        const had = store.values.has(key);
        if (value === null) {
          if (!had) continue;
          store.values.delete(key);
          store.keys.splice(lowerBound(store.keys, key), 1);
        } else {
          // Copy: the caller may reuse its buffer, and a real backend would not see later changes.
          store.values.set(key, value.slice());
          if (!had) store.keys.splice(lowerBound(store.keys, key), 0, key);
        }
      }
    },
    async close() {
      closed = true;
    },
  };
}

/** Index of the first key not below `key`. */
function lowerBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(keys[mid], key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
