/** `ActorStorage`: the durable key-value store an actor sees, with transactions. */
import { decodeValue, encodeValue } from './codec.ts';
import { isWellFormed, rangeOf } from './key-order.ts';
import type { RecordSource } from './records.ts';
import { transactionBuffer } from './transaction-buffer.ts';

export interface ListOptions {
  /** Only keys that start with this. */
  prefix?: string;
  /** Inclusive lower bound. */
  start?: string;
  /** Exclusive upper bound. */
  end?: string;
  limit?: number;
  /** Descending; `limit` then takes the last keys of the range. */
  reverse?: boolean;
}

/**
 * Keys are any well-formed strings, ordered by code point. Values are JSON values plus Date,
 * Uint8Array, Map, Set, bigint and undefined inside containers; what you read is always a copy.
 * A write that resolved is durable.
 */
export interface ActorStorage {
  get<T = unknown>(key: string): Promise<T | undefined>;
  getMany<T = unknown>(keys: readonly string[]): Promise<Map<string, T>>;
  put(key: string, value: unknown): Promise<void>;
  /** Writes every entry or none. */
  putMany(entries: Record<string, unknown> | Iterable<readonly [string, unknown]>): Promise<void>;
  /** True when the key existed. */
  delete(key: string): Promise<boolean>;
  /** How many of the keys existed; all are deleted or none. */
  deleteMany(keys: readonly string[]): Promise<number>;
  /** Entries in key order (or reverse), as a Map that keeps that order. */
  list<T = unknown>(options?: ListOptions): Promise<Map<string, T>>;
  /**
   * Runs `fn` against a view whose writes become visible all at once when `fn` resolves; when it
   * throws, nothing changes. Use `tx`, not the outer storage, inside `fn`.
   */
  transaction<T>(fn: (tx: ActorStorage) => Promise<T> | T): Promise<T>;
}

export function storageOver(source: RecordSource): ActorStorage {
  const storage: ActorStorage = {
    get<T>(key: string) {
      return settle(() =>
        source
          .read([checkKey(key)])
          .then(([record]) => (record === undefined ? undefined : (decodeValue(record) as T))),
      );
    },
    async getMany<T>(keys: readonly string[]) {
      const unique = [...new Set(keys.map(checkKey))];
      const records = await source.read(unique);
      const out = new Map<string, T>();
      unique.forEach((key, i) => {
        if (records[i] !== undefined) out.set(key, decodeValue(records[i]!) as T);
      });
      return out;
    },
    put(key, value) {
      return settle(() => source.apply([[checkKey(key), encodeDefined(key, value)]]));
    },
    putMany(entries) {
      return settle(() => {
        const pairs = Symbol.iterator in entries ? entries : Object.entries(entries);
        const unique = new Map<string, Uint8Array>();
        for (const [key, value] of pairs as Iterable<readonly [string, unknown]>) {
          unique.set(checkKey(key), encodeDefined(key, value));
        }
        return unique.size === 0 ? Promise.resolve() : source.apply([...unique]);
      });
    },
    async delete(key) {
      return (await source.remove([checkKey(key)])) > 0;
    },
    deleteMany(keys) {
      return settle(() => {
        const unique = [...new Set(keys.map(checkKey))];
        return unique.length === 0 ? Promise.resolve(0) : source.remove(unique);
      });
    },
    async list<T>(options: ListOptions = {}) {
      for (const bound of [options.prefix, options.start, options.end])
        if (bound !== undefined) checkKey(bound);
      const { limit, reverse } = options;
      if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
        throw new RangeError(`duet actor storage: list limit must be a whole number >= 0, got ${limit}`);
      }
      const out = new Map<string, T>();
      if (limit === 0) return out;
      for (const [key, record] of await source.scan({ ...rangeOf(options), limit, reverse }))
        out.set(key, decodeValue(record) as T);
      return out;
    },
    async transaction(fn) {
      const buffer = transactionBuffer(source);
      const result = await fn(storageOver(buffer));
      const entries = buffer.entries();
      if (entries.length > 0) await source.apply(entries);
      return result;
    },
  };
  return storage;
}

/** Runs `fn`, turning a synchronous throw (a bad key or value) into a rejection like any async API. */
function settle<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return fn();
  } catch (error) {
    return Promise.reject(error);
  }
}

function checkKey(key: string): string {
  if (typeof key !== 'string') throw new TypeError(`duet actor storage: keys are strings, got ${typeof key}`);
  if (!isWellFormed(key))
    throw new TypeError(
      'duet actor storage: key has a lone surrogate (not valid Unicode); fix the string before storing',
    );
  return key;
}

function encodeDefined(key: string, value: unknown): Uint8Array {
  if (value === undefined)
    throw new TypeError(`duet actor storage: put('${key}', undefined); use delete('${key}') to remove a key`);
  return encodeValue(value);
}
