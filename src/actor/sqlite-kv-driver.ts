/** A storage driver over any synchronous SQLite binding (node:sqlite, better-sqlite3, bun:sqlite): one table, WAL. */
import { type KeyRange, type StorageDriver, UNLIMITED, type WriteEntry } from './driver.ts';

export interface SqliteStatementLike {
  run(...params: any[]): unknown;
  /** A row object, or undefined/null when there is none. */
  get(...params: any[]): unknown;
  all(...params: any[]): unknown[];
}

/** The subset node:sqlite, better-sqlite3 and bun:sqlite share. */
export interface SqliteLike {
  exec(sql: string): unknown;
  prepare(sql: string): SqliteStatementLike;
  close(): unknown;
}

export interface SqliteKvOptions {
  /** Names the driver in errors, e.g. `node-sqlite (node:sqlite)`. */
  name: string;
  /** `full` (default) fsyncs every commit; `normal` survives a process kill but not a power loss. */
  synchronous?: 'full' | 'normal';
  /** Where the database lives, for error messages. */
  location: string;
}

export const SQLITE_TABLE = 'duet_kv';

/** Sets WAL and the sync level, creates the table, and serves the driver contract from it. */
export function sqliteKvDriver(db: SqliteLike, options: SqliteKvOptions): StorageDriver {
  const { name } = options;
  db.exec(
    `PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}; PRAGMA busy_timeout = 5000;`,
  );
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${SQLITE_TABLE} (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID`,
  );
  const getOne = db.prepare(`SELECT value FROM ${SQLITE_TABLE} WHERE key = ?`);
  const upsert = db.prepare(
    `INSERT INTO ${SQLITE_TABLE} (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  );
  const remove = db.prepare(`DELETE FROM ${SQLITE_TABLE} WHERE key = ?`);
  const lists = new Map<string, SqliteStatementLike>();
  let closed = false;
  const open = () => {
    if (closed)
      throw new Error(`duet ${name} driver: used after close(); open a new driver on ${options.location}`);
  };

  function listStatement(range: KeyRange): SqliteStatementLike {
    const shape = `${range.start !== undefined}${range.end !== undefined}${range.reverse === true}`;
    let statement = lists.get(shape);
    if (!statement) {
      const where = [range.start !== undefined && 'key >= ?', range.end !== undefined && 'key < ?'].filter(
        Boolean,
      );
      statement = db.prepare(
        `SELECT key, value FROM ${SQLITE_TABLE} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY key ${range.reverse ? 'DESC' : 'ASC'} LIMIT ?`,
      );
      lists.set(shape, statement);
    }
    return statement;
  }

  function apply([key, value]: WriteEntry) {
    if (value === null) remove.run(escapeKey(key));
    else upsert.run(escapeKey(key), value);
  }

  return {
    name,
    limits: UNLIMITED,
    async get(keys) {
      open();
      return keys.map((key) => bytes((getOne.get(escapeKey(key)) as { value?: unknown } | null)?.value));
    },
    async list(range) {
      open();
      const params: unknown[] = [];
      if (range.start !== undefined) params.push(escapeKey(range.start));
      if (range.end !== undefined) params.push(escapeKey(range.end));
      params.push(range.limit ?? -1);
      return (listStatement(range).all(...params) as { key: string; value: unknown }[]).map((row) => [
        unescapeKey(row.key),
        bytes(row.value)!,
      ]);
    },
    async write(entries) {
      open();
      // One statement is its own transaction; BEGIN/COMMIT only when there are several.
      if (entries.length === 1) return apply(entries[0]);
      db.exec('BEGIN IMMEDIATE');
      try {
        for (const entry of entries) apply(entry);
        db.exec('COMMIT');
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

/** A plain Uint8Array view: better-sqlite3 gives Buffers, whose slice() does not copy. */
function bytes(value: unknown): Uint8Array | undefined {
  if (value === undefined || value === null) return undefined;
  const view = value as Uint8Array;
  return view.constructor === Uint8Array
    ? view
    : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

// node:sqlite reads TEXT as a C string and cuts it at NUL, so NUL and the escape byte are mapped to
// two-unit codes that keep code point order: \0 -> \x01\x01, \x01 -> \x01\x02.
const needsEscape = /[\0\x01]/;

export function escapeKey(key: string): string {
  return needsEscape.test(key)
    ? key.replace(/[\0\x01]/g, (c) => (c === '\0' ? '\x01\x01' : '\x01\x02'))
    : key;
}

export function unescapeKey(key: string): string {
  return key.includes('\x01')
    ? key.replace(/\x01([\x01\x02])/g, (_, c) => (c === '\x01' ? '\0' : '\x01'))
    : key;
}
