/** The actor storage driver for Node: one SQLite file per data dir, WAL, durable once a write resolves. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type KeyRange, type StorageDriver, UNLIMITED, type WriteEntry } from '../../src/actor/driver.ts';
import { openSqlite, type SqliteBackend, type SqliteStatement } from './sqlite-open.ts';

export const SQLITE_FILE = 'actors.sqlite';

export interface SqliteDriverOptions {
  /** Data directory; the database is `<dir>/actors.sqlite` (created if missing). */
  dir: string;
  /** Library to use (default: node:sqlite when the runtime has it, else better-sqlite3). */
  backend?: SqliteBackend;
  /**
   * `full` (default) fsyncs the WAL on every commit: a resolved write survives a process kill and a
   * power loss. `normal` survives a process kill (the WAL is in the OS page cache) but may lose the
   * last commits on power loss, for several times the write throughput.
   */
  synchronous?: 'full' | 'normal';
}

export interface SqliteDriver extends StorageDriver {
  readonly backend: SqliteBackend;
  readonly path: string;
}

export async function sqliteDriver(options: SqliteDriverOptions): Promise<SqliteDriver> {
  mkdirSync(options.dir, { recursive: true });
  const path = join(options.dir, SQLITE_FILE);
  const db = await openSqlite(path, options.backend);
  db.exec(
    `PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}; PRAGMA busy_timeout = 5000;`,
  );
  db.exec('CREATE TABLE IF NOT EXISTS duet_kv (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID');
  const getOne = db.prepare('SELECT value FROM duet_kv WHERE key = ?');
  const upsert = db.prepare(
    'INSERT INTO duet_kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const remove = db.prepare('DELETE FROM duet_kv WHERE key = ?');
  const lists = new Map<string, SqliteStatement>();
  const name = `node-sqlite (${db.backend})`;
  let closed = false;
  const open = () => {
    if (closed)
      throw new Error(`duet ${name} driver: used after close(); open a new driver on ${options.dir}`);
  };

  function listStatement(range: KeyRange): SqliteStatement {
    const shape = `${range.start !== undefined}${range.end !== undefined}${range.reverse === true}`;
    let statement = lists.get(shape);
    if (!statement) {
      const where = [range.start !== undefined && 'key >= ?', range.end !== undefined && 'key < ?'].filter(
        Boolean,
      );
      statement = db.prepare(
        `SELECT key, value FROM duet_kv ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY key ${range.reverse ? 'DESC' : 'ASC'} LIMIT ?`,
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
    backend: db.backend,
    path,
    limits: UNLIMITED,
    async get(keys) {
      open();
      return keys.map((key) => bytes(getOne.get(escapeKey(key))?.value));
    },
    async list(range) {
      open();
      const params: unknown[] = [];
      if (range.start !== undefined) params.push(escapeKey(range.start));
      if (range.end !== undefined) params.push(escapeKey(range.end));
      params.push(range.limit ?? -1);
      return listStatement(range)
        .all(...params)
        .map((row) => [unescapeKey(row.key as string), bytes(row.value)!]);
    },
    async write(entries) {
      open();
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

function escapeKey(key: string): string {
  return needsEscape.test(key)
    ? key.replace(/[\0\x01]/g, (c) => (c === '\0' ? '\x01\x01' : '\x01\x02'))
    : key;
}

function unescapeKey(key: string): string {
  return key.includes('\x01')
    ? key.replace(/\x01([\x01\x02])/g, (_, c) => (c === '\x01' ? '\0' : '\x01'))
    : key;
}
