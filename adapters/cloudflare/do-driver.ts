/** The actor storage driver for Cloudflare: a SQLite-backed Durable Object's `ctx.storage`, one table, DO alarms. */
import type { DriverLimits, KeyRange, StorageDriver, WriteEntry } from '../../src/actor/driver.ts';
import type { DurableObjectStorage } from './workers-types.ts';

export const DURABLE_OBJECT_DRIVER = 'durable-object (sqlite)';

/**
 * A Durable Object's SQLite caps a row (key plus value plus the record header) at 2 MB; the headroom
 * keeps the record header inside it. A `transactionSync` has no key count limit (unlike the KV API's
 * 128 keys per batch call), so batches are bounded only by the entry size.
 */
export const DURABLE_OBJECT_LIMITS: DriverLimits = Object.freeze({
  maxKeyBytes: Number.POSITIVE_INFINITY,
  maxValueBytes: Number.POSITIVE_INFINITY,
  maxEntryBytes: 2_000_000 - 4 * 1024,
  maxBatchKeys: Number.POSITIVE_INFINITY,
  maxBatchBytes: Number.POSITIVE_INFINITY,
});

const TABLE = 'duet_kv';

/**
 * A driver over `ctx.storage` of a Durable Object whose class is declared in `new_sqlite_classes`.
 * Writes are synchronous SQL in one `transactionSync`, so a batch is all-or-nothing; the DO's output
 * gate holds every response and outgoing request until they are durable, which is what "resolves only
 * once durable" means to anyone outside the object.
 */
export function durableObjectDriver(storage: DurableObjectStorage): StorageDriver {
  const { sql } = storage;
  if (!sql) {
    throw new Error(
      `duet ${DURABLE_OBJECT_DRIVER} driver: ctx.storage has no SQL API; declare the class in the wrangler migration's new_sqlite_classes`,
    );
  }
  sql.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID`);
  let closed = false;
  const open = () => {
    if (closed) throw new Error(`duet ${DURABLE_OBJECT_DRIVER} driver: used after close()`);
  };

  function apply([key, value]: WriteEntry) {
    if (value === null) sql.exec(`DELETE FROM ${TABLE} WHERE key = ?`, key);
    else
      sql.exec(
        `INSERT INTO ${TABLE} (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        key,
        value,
      );
  }

  return {
    name: DURABLE_OBJECT_DRIVER,
    limits: DURABLE_OBJECT_LIMITS,
    async get(keys) {
      open();
      return keys.map((key) => {
        const [row] = sql
          .exec<{ value: ArrayBuffer }>(`SELECT value FROM ${TABLE} WHERE key = ?`, key)
          .toArray();
        return row ? new Uint8Array(row.value) : undefined;
      });
    },
    async list(range: KeyRange) {
      open();
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (range.start !== undefined) {
        where.push('key >= ?');
        params.push(range.start);
      }
      if (range.end !== undefined) {
        where.push('key < ?');
        params.push(range.end);
      }
      params.push(range.limit ?? -1);
      const query = `SELECT key, value FROM ${TABLE} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY key ${range.reverse ? 'DESC' : 'ASC'} LIMIT ?`;
      return sql
        .exec<{ key: string; value: ArrayBuffer }>(query, ...params)
        .toArray()
        .map((row): [string, Uint8Array] => [row.key, new Uint8Array(row.value)]);
    },
    async write(entries) {
      open();
      if (entries.length === 1) apply(entries[0]);
      else if (entries.length > 1) storage.transactionSync(() => entries.forEach(apply));
    },
    async setAlarm(at) {
      open();
      if (at === null) await storage.deleteAlarm();
      else await storage.setAlarm(at);
    },
    async close() {
      closed = true;
    },
  };
}
