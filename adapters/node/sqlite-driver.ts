/** The actor storage driver for Node: one SQLite file per data dir, WAL, durable once a write resolves. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StorageDriver } from '../../src/actor/driver.ts';
import { sqliteKvDriver } from '../../src/actor/sqlite-kv-driver.ts';
import { openSqlite, type SqliteBackend } from './sqlite-open.ts';

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
  const driver = sqliteKvDriver(db, {
    name: `node-sqlite (${db.backend})`,
    synchronous: options.synchronous,
    location: path,
  });
  return Object.assign(driver, { backend: db.backend, path });
}
