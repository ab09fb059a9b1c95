/** The actor storage driver for Bun: bun:sqlite, one file per data dir, WAL, durable once a write resolves. */
import { Database } from 'bun:sqlite';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StorageDriver } from '../../src/actor/driver.ts';
import { sqliteKvDriver } from '../../src/actor/sqlite-kv-driver.ts';
import { LOCK_FILE, takeDataDirLock } from '../../src/session/data-dir-lock.ts';

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

export { LOCK_FILE } from '../../src/session/data-dir-lock.ts';

/** One process per data directory, as on Node (src/session/data-dir-lock.ts). Returns the release function. */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const db = new Database(join(dir, LOCK_FILE), { create: true });
  return takeDataDirLock(dir, db, { readFileSync, writeFileSync, rmSync }, process.pid);
}
