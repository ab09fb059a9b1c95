/**
 * The actor storage driver over any unstorage `Storage` (memory, fs, redis, Cloudflare KV, ...).
 * Runtime-free: it only calls the Storage API, so it runs wherever unstorage and its driver run.
 *
 * What it gives, plainly:
 * - **Atomicity is emulated.** unstorage has no multi-key transaction, so the driver declares
 *   `maxBatchKeys: 1` and duet's core makes every multi-key write atomic with its redo log (log
 *   pieces, one commit marker, then the writes; replayed after a crash). That rests on one
 *   assumption: a single `setItemRaw` / `removeItem` is atomic, all or nothing, and durable once
 *   it resolves. Memory (a `Map.set`) and redis (`SET`, `DEL`) give that. The fs and fs-lite
 *   drivers do not: they write in place (`fs.promises.writeFile`, i.e. open with O_TRUNC, then
 *   write; no temp file and rename), so a crash mid-write leaves an empty or partial file. For
 *   them this driver (option `atomicOverwrite`, on by default for `fs` and `fs-lite`) writes a
 *   sidecar copy before overwriting an existing value in place, removes it after, and on open
 *   repairs any value torn by a crash from its sidecar. Every value carries its length, so a torn
 *   value is recognised (and a torn write of a new key reads as absent: it never resolved).
 * - **Durability is the backend's.** fs never fsyncs: a resolved write is in the OS page cache,
 *   which survives SIGKILL of the process but not a power loss or kernel crash. Memory keeps
 *   nothing after the process. Redis: whatever its persistence (AOF/RDB) is configured to keep.
 * - **Lists cost a key scan.** `list` is `getKeys(base)` (base = the longest whole-directory
 *   prefix of the range, see keys.ts), then decoding, filtering and sorting in memory by code
 *   point, then one `getItemRaw` per returned entry. The memory and fs drivers ignore the base and
 *   return every key of the store (fs walks the whole directory tree), so each list costs O(keys
 *   in the store), and an actor's first activation lists its redo log. Fine for thousands of
 *   keys; for large stores use a driver that honours the base (redis) or the SQLite adapters.
 * - **Values are raw bytes** (`setItemRaw` / `getItemRaw`) behind a 6-byte header (a marker
 *   byte, a version, the length). Drivers without raw support get them from unstorage itself as
 *   `base64:` strings. Keys are escaped into driver-safe segments (keys.ts); the default
 *   `maxKeyBytes` of 1024 keeps fs paths (up to 3 characters per key byte) within PATH_MAX.
 * - `close()` does not dispose the Storage: the caller created it and owns it (the memory
 *   driver's `dispose()` clears its data).
 */
import type { Storage } from 'unstorage';
import type { DriverLimits, KeyRange, StorageDriver, WriteEntry } from '../../src/actor/driver.ts';
import { compareKeys, prefixEnd } from '../../src/actor/key-order.ts';
import { decodeKey as decodeStoredKey, encodeBase, encodeKey as encodeStoredKey } from './keys.ts';

export interface UnstorageDriverOptions {
  /**
   * Write a sidecar copy before overwriting a value in place and repair torn values on open.
   * Needed when a single `setItemRaw` is not atomic; default: true for the `fs` and `fs-lite`
   * drivers, false otherwise (memory, redis and most KV services replace a value atomically).
   */
  atomicOverwrite?: boolean;
  /** Override the declared limits, e.g. a backend's value size limit (redis: 512 MB). */
  limits?: Partial<DriverLimits>;
  /** Name of the unstorage driver in errors and reports (default: the root mount's driver name). */
  backend?: string;
}

/** Drivers whose `setItemRaw` truncates and rewrites a file in place. */
const IN_PLACE = new Set(['fs', 'fs-lite']);
/** Sidecar copies live under this first segment, which no encoded key starts with. */
const SIDECARS = 'w';
const MARKER = 0xd5;
const VERSION = 1;
const HEADER = 6;

export const UNSTORAGE_LIMITS: DriverLimits = Object.freeze({
  maxKeyBytes: 1024,
  maxValueBytes: Number.POSITIVE_INFINITY,
  maxEntryBytes: Number.POSITIVE_INFINITY,
  maxBatchKeys: 1,
  maxBatchBytes: Number.POSITIVE_INFINITY,
});

export function unstorageDriver(storage: Storage, options: UnstorageDriverOptions = {}): StorageDriver {
  const backend = options.backend ?? mountName(storage);
  const name = `unstorage (${backend})`;
  const sidecars = options.atomicOverwrite ?? IN_PLACE.has(backend);
  let closed = false;
  // Escaping is pure; lists decode every key of the scanned base each time, so remember both ways.
  const encodeKey = memo(encodeStoredKey);
  const decodeKey = memo(decodeStoredKey);

  const read = async (stored: string): Promise<Uint8Array | undefined> => {
    const value = unseal(name, stored, await storage.getItemRaw(stored));
    if (value !== TORN) return value;
    if (!sidecars) return undefined;
    // Torn by a crash (repaired on open) or being rewritten right now: the sidecar is whole.
    const copy = unseal(name, stored, await storage.getItemRaw(sidecarOf(stored)));
    return copy === TORN ? undefined : copy;
  };

  const put = async (stored: string, value: Uint8Array): Promise<void> => {
    const sealed = seal(value);
    if (sidecars && (await storage.hasItem(stored))) {
      const sidecar = sidecarOf(stored);
      await storage.setItemRaw(sidecar, sealed);
      await storage.setItemRaw(stored, sealed);
      await storage.removeItem(sidecar);
    } else {
      await storage.setItemRaw(stored, sealed);
    }
  };

  /** After a crash: a value torn mid-overwrite gets its sidecar's bytes; sidecars go. */
  const repair = async (): Promise<void> => {
    for (const sidecar of await storage.getKeys(SIDECARS)) {
      const stored = sidecar.slice(SIDECARS.length + 1);
      const copy = await storage.getItemRaw(sidecar);
      if (
        decodeKey(stored) !== undefined &&
        unseal(name, stored, await storage.getItemRaw(stored)) === TORN &&
        unseal(name, sidecar, copy) !== TORN
      ) {
        await storage.setItemRaw(stored, copy);
      }
      await storage.removeItem(sidecar);
    }
  };

  const ready = sidecars ? repair() : Promise.resolve();
  // Reported by the first call that awaits it.
  ready.catch(() => undefined);
  const open = async () => {
    if (closed) throw new Error(`duet ${name} driver: used after close(); open a new driver on the storage`);
    await ready;
  };

  return {
    name,
    limits: { ...UNSTORAGE_LIMITS, ...options.limits },
    async get(keys) {
      await open();
      return Promise.all(keys.map((key) => read(encodeKey(key))));
    },
    async list(range: KeyRange) {
      await open();
      const { start, end } = range;
      const limit = range.limit ?? Number.POSITIVE_INFINITY;
      if (limit <= 0 || (start !== undefined && end !== undefined && compareKeys(start, end) >= 0)) return [];
      const found: [key: string, stored: string][] = [];
      for (const stored of await storage.getKeys(encodeBase(rangePrefix(range)))) {
        const key = decodeKey(stored);
        if (key === undefined) continue;
        if (start !== undefined && compareKeys(key, start) < 0) continue;
        if (end !== undefined && compareKeys(key, end) >= 0) continue;
        found.push([key, stored]);
      }
      found.sort((a, b) => compareKeys(a[0], b[0]));
      if (range.reverse) found.reverse();
      const out: [string, Uint8Array][] = [];
      // Read in windows: a key can vanish (or be a torn new write) between getKeys and the read.
      for (let at = 0; at < found.length && out.length < limit; ) {
        const window = found.slice(at, at + Math.min(256, Math.max(16, limit - out.length)));
        at += window.length;
        const values = await Promise.all(window.map(([, stored]) => read(stored)));
        window.forEach(([key], i) => {
          const value = values[i];
          if (value !== undefined && out.length < limit) out.push([key, value]);
        });
      }
      return out;
    },
    async write(entries: readonly WriteEntry[]) {
      await open();
      // Keys in a batch are distinct. More than one entry arrives only from a caller that
      // overrides maxBatchKeys (fault injection); those entries are not applied atomically.
      await Promise.all(
        entries.map(([key, value]) =>
          value === null ? storage.removeItem(encodeKey(key)) : put(encodeKey(key), value),
        ),
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      await ready.catch(() => undefined);
    },
  };
}

function mountName(storage: Storage): string {
  try {
    return storage.getMount?.('')?.driver?.name ?? 'custom';
  } catch {
    return 'custom';
  }
}

const sidecarOf = (stored: string) => `${SIDECARS}:${stored}`;

/** `fn` with a cache of up to `max` results, dropped whole when full. */
function memo<T>(fn: (key: string) => T, max = 50_000): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    const hit = cache.get(key);
    if (hit !== undefined || cache.has(key)) return hit as T;
    const result = fn(key);
    if (cache.size >= max) cache.clear();
    cache.set(key, result);
    return result;
  };
}

/**
 * A prefix every key in the range starts with: the common prefix of its bounds, or `P` when the
 * range is `[P..., prefixEnd(P))` (how duet lists a prefix). Only narrows the scan.
 */
export function rangePrefix(range: KeyRange): string {
  const { start, end } = range;
  if (start === undefined || end === undefined) return '';
  let n = 0;
  const max = Math.min(start.length, end.length);
  while (n < max && start.charCodeAt(n) === end.charCodeAt(n)) n++;
  let prefix = start.slice(0, n);
  for (const length of [end.length, end.length - 1]) {
    if (length > prefix.length && length <= start.length && prefixEnd(start.slice(0, length)) === end) {
      prefix = start.slice(0, length);
      break;
    }
  }
  // Never end between the halves of a surrogate pair.
  const last = prefix.charCodeAt(prefix.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? prefix.slice(0, -1) : prefix;
}

const TORN = Symbol('torn');

function seal(value: Uint8Array): Uint8Array {
  if (value.length > 0xffff_ffff) throw new RangeError('duet unstorage driver: values over 4 GiB');
  const out = new Uint8Array(HEADER + value.length);
  out[0] = MARKER;
  out[1] = VERSION;
  new DataView(out.buffer).setUint32(2, value.length, true);
  out.set(value, HEADER);
  return out;
}

/** The value's bytes (a fresh copy), undefined when absent, TORN when a write of it was cut short. */
function unseal(name: string, stored: string, raw: unknown): Uint8Array | undefined | typeof TORN {
  if (raw === null || raw === undefined) return undefined;
  const bytes = asBytes(name, stored, raw);
  // A write cut short leaves a prefix of the sealed bytes: empty, part of the header, or short.
  if (bytes.length === 0 || (bytes.length < HEADER && bytes[0] === MARKER)) return TORN;
  if (bytes[0] !== MARKER || bytes[1] !== VERSION || bytes.length < HEADER) throw foreign(name, stored);
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(2, true);
  if (bytes.length < HEADER + length) return TORN;
  if (bytes.length > HEADER + length) throw foreign(name, stored);
  // A copy: the caller owns what get returns, and the memory driver hands out what it holds.
  const out = new Uint8Array(length);
  out.set(bytes.subarray(HEADER));
  return out;
}

function asBytes(name: string, stored: string, raw: unknown): Uint8Array {
  if (raw instanceof Uint8Array) return raw;
  if (raw instanceof ArrayBuffer) return new Uint8Array(raw);
  if (ArrayBuffer.isView(raw)) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  throw foreign(name, stored);
}

function foreign(name: string, stored: string): Error {
  return new Error(
    `duet ${name} driver: the value at '${stored}' was not written by duet; give duet a storage (or a prefixStorage) of its own`,
  );
}
