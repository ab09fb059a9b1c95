/** The actor storage driver for Bun: bun:sqlite, one file per data dir, WAL, durable once a write resolves. */
import { Database } from 'bun:sqlite';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StorageDriver } from '../../src/actor/driver.ts';
import { sqliteKvDriver } from '../../src/actor/sqlite-kv-driver.ts';

export const SQLITE_FILE = 'actors.sqlite';

export interface BunSqliteDriverOptions {
  /** Data directory; the database is `<dir>/actors.sqlite` (created if missing). */
  dir: string;
  /** `full` (default) fsyncs every commit; `normal` survives a process kill but not a power loss. */
  synchronous?: 'full' | 'normal';
}

export function bunSqliteDriver(options: BunSqliteDriverOptions): StorageDriver & { readonly path: string } {
  mkdirSync(options.dir, { recursive: true });
  const path = join(options.dir, SQLITE_FILE);
  const driver = sqliteKvDriver(new Database(path, { create: true }), {
    name: 'bun-sqlite',
    synchronous: options.synchronous,
    location: path,
  });
  return Object.assign(driver, { path });
}
