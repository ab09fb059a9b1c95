/** The actor storage driver for Bun: bun:sqlite, one file per data dir, WAL, durable once a write resolves. */
import { Database } from 'bun:sqlite';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** In every data directory: an SQLite database one process keeps exclusively locked while it uses the directory. */
export const LOCK_FILE = 'duet.lock';
const PID_FILE = 'duet.pid';

/**
 * One process per data directory (as on Node): SQLite's own lock, which the kernel drops with the
 * process, so a server killed with -9 leaves no stale lock. Returns the release function.
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const db = new Database(join(dir, LOCK_FILE), { create: true });
  try {
    // A server that is just exiting (a restart) gets two seconds to let go before this one is refused.
    db.exec('PRAGMA busy_timeout = 2000');
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
    db.exec('DELETE FROM holder');
    db.exec(`INSERT INTO holder VALUES (${process.pid})`);
    db.exec('COMMIT');
  } catch (error) {
    db.close();
    if (!/locked|busy/i.test((error as Error).message)) throw error;
    let pid = '';
    try {
      pid = ` (pid ${readFileSync(join(dir, PID_FILE), 'utf8').trim()})`;
    } catch {}
    throw new Error(`another duet server${pid} is using --data ${dir}; stop it or pick another --data`);
  }
  writeFileSync(join(dir, PID_FILE), `${process.pid}\n`);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    rmSync(join(dir, PID_FILE), { force: true });
    db.close();
  };
}
