/** Opens SQLite on Node: the built-in node:sqlite where the runtime has it, else better-sqlite3. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCK_FILE, takeDataDirLock } from '../../src/session/data-dir-lock.ts';

export type SqliteBackend = 'node:sqlite' | 'better-sqlite3';

export interface SqliteStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): Record<string, unknown> | undefined;
  all(...params: unknown[]): Record<string, unknown>[];
}

/** The subset both libraries share, so one driver serves both. */
export interface SqliteDatabase {
  readonly backend: SqliteBackend;
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  close(): void;
}

// A variable specifier: @types/node for Node 20 has no node:sqlite, and Node 20 has no module.
const NODE_SQLITE = 'node:sqlite';

type NodeSqlite = { DatabaseSync: new (path: string) => Omit<SqliteDatabase, 'backend'> };

/** True when this runtime has node:sqlite without a flag (Node >= 22.13). */
export async function hasNodeSqlite(): Promise<boolean> {
  try {
    await import(NODE_SQLITE);
    return true;
  } catch {
    return false;
  }
}

export async function openSqlite(path: string, backend?: SqliteBackend): Promise<SqliteDatabase> {
  const choice = backend ?? ((await hasNodeSqlite()) ? 'node:sqlite' : 'better-sqlite3');
  if (choice === 'node:sqlite') {
    const { DatabaseSync } = (await import(NODE_SQLITE).catch((cause) => {
      throw new Error(
        `duet sqlite: node:sqlite is not available in Node ${process.versions.node} (it needs >= 22.13); use backend 'better-sqlite3'`,
        { cause },
      );
    })) as NodeSqlite;
    return wrap('node:sqlite', new DatabaseSync(path));
  }
  const notLoaded = (cause: unknown) =>
    new Error(
      `duet sqlite: better-sqlite3 did not load in ${runtimeName()} (it is a native module built for one Node ABI at install, unless install scripts were skipped; run \`npm rebuild better-sqlite3\`, or use Node >= 22.13 for node:sqlite)`,
      { cause },
    );
  const { default: Database } = await import('better-sqlite3').catch((cause) => {
    throw notLoaded(cause);
  });
  let db: Omit<SqliteDatabase, 'backend'>;
  try {
    db = new Database(path) as unknown as Omit<SqliteDatabase, 'backend'>;
  } catch (error) {
    // The binary is looked for on first use, not at import: missing (install scripts skipped) or built
    // for another Node.
    const err = error as NodeJS.ErrnoException;
    if (/Could not locate the bindings file/.test(err.message) || err.code === 'ERR_DLOPEN_FAILED')
      throw notLoaded(error);
    throw error;
  }
  return wrap('better-sqlite3', db);
}

function wrap(backend: SqliteBackend, db: Omit<SqliteDatabase, 'backend'>): SqliteDatabase {
  return {
    backend,
    exec: (sql) => db.exec(sql),
    prepare: (sql) => db.prepare(sql),
    close: () => db.close(),
  };
}

function runtimeName(): string {
  return `Node ${process.versions.node}`;
}

export { LOCK_FILE, PID_FILE } from '../../src/session/data-dir-lock.ts';

export interface DataDirLock {
  /** Gives the directory up (the OS also does when the process dies, even by kill -9). */
  release(): void;
}

/**
 * One process per data directory: a second one is refused with the first one's pid. The lock is SQLite's
 * own (a POSIX lock the kernel drops with the process), so a server killed with -9 leaves no stale lock.
 */
export async function lockDataDir(dir: string, backend?: SqliteBackend): Promise<DataDirLock> {
  mkdirSync(dir, { recursive: true });
  const db = await openSqlite(join(dir, LOCK_FILE), backend);
  const release = takeDataDirLock(dir, db, { readFileSync, writeFileSync, rmSync }, process.pid);
  return { release };
}
