/** The actor storage driver for Deno: Deno KV (local SQLite file or Deno Deploy), fenced by a versionstamp check. */
import type { KeyRange, StorageDriver, WriteEntry } from '../../src/actor/driver.ts';
import { compareKeys } from '../../src/actor/key-order.ts';

type KvKey = readonly (string | number)[];
interface KvEntry {
  key: KvKey;
  value: unknown;
  versionstamp: string | null;
}
interface KvAtomic {
  check(...checks: { key: KvKey; versionstamp: string | null }[]): KvAtomic;
  set(key: KvKey, value: unknown): KvAtomic;
  delete(key: KvKey): KvAtomic;
  commit(): Promise<{ ok: boolean; versionstamp?: string }>;
}
interface Kv {
  getMany(keys: KvKey[]): Promise<KvEntry[]>;
  list(
    selector: { prefix?: KvKey; start?: KvKey; end?: KvKey },
    options?: { limit?: number; reverse?: boolean },
  ): AsyncIterable<KvEntry>;
  atomic(): KvAtomic;
  close(): void;
}
declare const Deno: { openKv(path?: string): Promise<Kv> };

export interface DenoKvDriverOptions {
  /** A file path for a local store; omit on Deno Deploy. Needs `--unstable-kv`. */
  path?: string;
  /**
   * Take ownership of the store when opening and make every commit check it (default true): if
   * another process opens the same store later, this one's writes fail instead of interleaving.
   */
  fence?: boolean;
}

// Data keys are ['d', key]; the owner record sits outside that prefix.
const DATA = 'd';
const OWNER: KvKey = ['owner'];
// Deno KV: 2048-byte keys (tuple encoding adds bytes), 64 KiB values, 1,000 mutations and 800 KiB per commit, 10 keys per getMany.
const GET_MANY = 10;

export async function denoKvDriver(options: DenoKvDriverOptions = {}): Promise<StorageDriver> {
  const kv = await Deno.openKv(options.path);
  const name = 'deno-kv';
  let owner: string | null = null;
  if (options.fence ?? true) {
    const taken = await kv.atomic().set(OWNER, crypto.randomUUID()).commit();
    owner = taken.versionstamp ?? null;
  }
  let closed = false;
  const open = () => {
    if (closed)
      throw new Error(
        `duet ${name} driver: used after close(); open a new driver on ${options.path ?? 'the default store'}`,
      );
  };
  const key = (k: string): KvKey => [DATA, k];
  return {
    name,
    limits: {
      maxKeyBytes: 2000,
      maxValueBytes: 65_536,
      maxEntryBytes: 2048 + 65_536,
      maxBatchKeys: 1000,
      maxBatchBytes: 800 * 1024,
    },
    async get(keys) {
      open();
      const out: (Uint8Array | undefined)[] = [];
      for (let i = 0; i < keys.length; i += GET_MANY) {
        const entries = await kv.getMany(keys.slice(i, i + GET_MANY).map(key));
        for (const entry of entries) out.push((entry.value as Uint8Array | null) ?? undefined);
      }
      return out;
    },
    async list(range: KeyRange) {
      open();
      const selector =
        range.start !== undefined && range.end !== undefined
          ? { start: key(range.start), end: key(range.end) }
          : {
              prefix: [DATA],
              ...(range.start !== undefined && { start: key(range.start) }),
              ...(range.end !== undefined && { end: key(range.end) }),
            };
      const rows: [string, Uint8Array][] = [];
      // Deno KV rejects an inverted range; the contract says it is empty.
      if (
        range.limit === 0 ||
        (range.start !== undefined && range.end !== undefined && compareKeys(range.start, range.end) >= 0)
      )
        return rows;
      for await (const entry of kv.list(selector, { limit: range.limit, reverse: range.reverse })) {
        rows.push([entry.key[1] as string, entry.value as Uint8Array]);
      }
      return rows;
    },
    async write(entries: readonly WriteEntry[]) {
      open();
      let op = kv.atomic();
      if (owner !== null) op = op.check({ key: OWNER, versionstamp: owner });
      for (const [k, value] of entries) op = value === null ? op.delete(key(k)) : op.set(key(k), value);
      const result = await op.commit();
      if (!result.ok) {
        throw new Error(
          `duet ${name} driver: another process opened ${options.path ?? 'this store'} after this one, so this one no longer owns it and its write was refused; run one process per store (or pass fence: false and accept interleaved writers)`,
        );
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      kv.close();
    },
  };
}
