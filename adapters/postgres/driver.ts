/** The actor storage driver for PostgreSQL (postgres.js): many duet nodes on one database, one writer per actor. */
import postgres, { type Sql } from 'postgres';
import type { DriverLimits, StorageDriver } from '../../src/actor/driver.ts';
import { kvStatements } from './kv.ts';
import { type LeaseManager, leaseManager } from './leases.ts';
import { ensureSchema, type Tables, tablesIn } from './schema.ts';

export const POSTGRES_DRIVER = 'postgres';

export interface PostgresDriverOptions {
  /**
   * `postgres://user:password@host:5432/database`; `?schema=NAME` keeps duet's tables in that schema
   * (default `public`); other parameters go to postgres.js (e.g. `?max=20`, `?prepare=false` behind a
   * transaction-mode pooler, `?sslmode=require`).
   */
  url?: string;
  /** An existing postgres.js client instead of `url` (the driver then does not end it on close). */
  sql?: Sql;
  /** Schema for duet's tables (default: `?schema=` of the URL, else `public`). */
  schema?: string;
  /** This process's node id in leases and the node registry (default: a fresh random id). Unique per process. */
  node?: string;
  /**
   * How long a lease runs without renewal (default 10 s). Renewed three times per period; after a node
   * dies its actors are taken over this long after its last renewal at most.
   */
  leaseMs?: number;
  /** How long activating an actor waits for another node's lease to run out before failing (default 0). */
  takeoverWaitMs?: number;
  /** How often to look for schedules other nodes wrote or left behind (default: the lease period). */
  pollMs?: number;
  /** Leases and fencing (default true). Off: a single process owns the whole store, as with SQLite. */
  leases?: boolean;
  /** Background failures (lease renewal); default console.error. */
  onError?(error: unknown, context: string): void;
}

export interface PostgresDriver extends StorageDriver {
  readonly sql: Sql;
  readonly tables: Tables;
  /** This process's node id. */
  readonly node: string;
  readonly leaseMs: number;
  /** The cluster's shared secret (in the database), for node-to-node calls. */
  readonly secret: string;
  /** Lease manager (undefined with `leases: false`). */
  readonly leases?: LeaseManager;
}

/**
 * PostgreSQL limits: a btree entry holds at most ~2700 bytes and keys are escaped (up to twice as long),
 * so keys are limited. Values are not chunked by the core: PostgreSQL compresses and stores large bytea
 * out of line itself (TOAST, up to 1 GB a value and 1 GB a statement), and without a value limit the core
 * writes without reading the old records first (one statement per write).
 */
export const POSTGRES_LIMITS: DriverLimits = Object.freeze({
  maxKeyBytes: 1024,
  maxValueBytes: Number.POSITIVE_INFINITY,
  maxEntryBytes: Number.POSITIVE_INFINITY,
  maxBatchKeys: Number.POSITIVE_INFINITY,
  maxBatchBytes: Number.POSITIVE_INFINITY,
});

/** `postgres://h:5432/db?schema=x` without credentials and the `schema` parameter, for messages. */
export function describeUrl(url: string): { where: string; connect: string; schema?: string } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  const where = `${parsed.hostname || 'localhost'}:${parsed.port || 5432}${parsed.pathname}`;
  return { where, connect: parsed.toString(), schema };
}

export async function postgresDriver(options: PostgresDriverOptions): Promise<PostgresDriver> {
  if (!options.sql && !options.url)
    throw new Error(
      'duet postgres driver: pass `url` (postgres://user:password@host:5432/database) or `sql`',
    );
  const described = options.url ? describeUrl(options.url) : undefined;
  const where = described?.where ?? 'the given postgres.js client';
  const sql =
    options.sql ??
    postgres(described!.connect, {
      onnotice: () => undefined,
      connection: { application_name: 'duet' },
    });
  const owned = !options.sql;
  const schema = options.schema ?? described?.schema ?? 'public';
  const tables = tablesIn(schema);
  const name = `${POSTGRES_DRIVER} (${where}${schema === 'public' ? '' : `, schema ${schema}`})`;
  let secret: string;
  try {
    secret = await ensureSchema(sql, tables, where);
  } catch (error) {
    if (owned) await sql.end({ timeout: 1 }).catch(() => undefined);
    const code = (error as { code?: string }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === '28P01' || code === '3D000') {
      throw new Error(
        `duet ${name}: cannot connect (${(error as Error).message}); check the URL, that the server runs and that the database exists`,
        { cause: error },
      );
    }
    throw error;
  }
  const kv = kvStatements(sql, tables);
  const node = options.node ?? `node-${crypto.randomUUID().slice(0, 8)}`;
  const leaseMs = options.leaseMs ?? 10_000;
  if (!(leaseMs >= 100)) throw new RangeError(`duet ${name}: leaseMs must be at least 100, got ${leaseMs}`);
  let closed = false;
  const open = () => {
    if (closed) throw new Error(`duet ${name} driver: used after close(); open a new driver`);
  };
  const driver: PostgresDriver = {
    name,
    limits: POSTGRES_LIMITS,
    sql,
    tables,
    node,
    leaseMs,
    secret,
    async get(keys) {
      open();
      return kv.get(keys);
    },
    async list(range) {
      open();
      return kv.list(range);
    },
    async write(entries) {
      open();
      await kv.write(entries);
    },
    async close() {
      if (closed) return;
      closed = true;
      await leases?.close();
      if (owned) await sql.end({ timeout: 5 });
    },
  };
  const leases =
    options.leases === false
      ? undefined
      : leaseManager(sql, tables, kv, driver, {
          node,
          leaseMs,
          takeoverWaitMs: options.takeoverWaitMs ?? 0,
          pollMs: options.pollMs ?? leaseMs,
          name,
          onError: options.onError ?? ((error, context) => console.error(`duet ${context}:`, error)),
        });
  return Object.assign(driver, { leases, ownership: leases });
}
