/** The tables duet keeps in PostgreSQL, created on first use and versioned. */
import type { Sql } from 'postgres';

/** The schema version this code writes and reads. Bump it with a migration in `ensureSchema`. */
export const SCHEMA_VERSION = 1;

/** Quoted, schema-qualified table names. */
export interface Tables {
  schema: string;
  /** One row: the schema version and the cluster's shared secret for node-to-node calls. */
  meta: string;
  /** The actor store: keys in code point order (text COLLATE "C", NUL escaped), values as bytes. */
  kv: string;
  /** One lease per actor: owner node, epoch, expiry. */
  leases: string;
  /** Nodes serving this store, with the URL they advertise and a heartbeat. */
  nodes: string;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function tablesIn(schema: string): Tables {
  const q = (table: string) => `${quoteIdent(schema)}.${quoteIdent(table)}`;
  return {
    schema,
    meta: q('duet_schema'),
    kv: q('duet_kv'),
    leases: q('duet_leases'),
    nodes: q('duet_nodes'),
  };
}

function ddl(t: Tables): string[] {
  return [
    `CREATE TABLE ${t.meta} (version integer NOT NULL, secret text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    // `epoch`: the lease epoch the row was written under (NULL outside a lease), for audits after a takeover.
    `CREATE TABLE ${t.kv} (key text COLLATE "C" PRIMARY KEY, value bytea NOT NULL, epoch bigint)`,
    `CREATE TABLE ${t.leases} (actor text COLLATE "C" PRIMARY KEY, owner text, epoch bigint NOT NULL, expires_at timestamptz NOT NULL, renewed_at timestamptz)`,
    `CREATE TABLE ${t.nodes} (id text PRIMARY KEY, url text, started_at timestamptz NOT NULL DEFAULT now(), heartbeat_at timestamptz NOT NULL DEFAULT now())`,
  ];
}

/** A 64-bit key for the transaction-scoped lock that serialises schema creation among nodes starting together. */
function lockKey(schema: string): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(`duet schema ${schema}`)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return BigInt.asIntN(64, hash);
}

/**
 * Creates the tables on first use, or checks the version of those there. Returns the cluster secret.
 * A newer schema is refused: this node would misread what newer nodes write.
 */
export async function ensureSchema(sql: Sql, tables: Tables, where: string): Promise<string> {
  const [{ server_encoding: encoding }] = await sql.unsafe('SHOW server_encoding');
  if (encoding !== 'UTF8') {
    throw new Error(
      `duet postgres: the database at ${where} uses encoding ${encoding}; duet needs UTF8 (create the database with ENCODING 'UTF8')`,
    );
  }
  return sql.begin(async (tx) => {
    // Transaction-scoped, so it works through transaction-mode poolers; released at COMMIT.
    await tx.unsafe('SELECT pg_advisory_xact_lock($1)', [lockKey(tables.schema).toString()]);
    await tx.unsafe(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(tables.schema)}`);
    const [{ found }] = await tx.unsafe('SELECT to_regclass($1) IS NOT NULL AS found', [tables.meta]);
    if (!found) {
      for (const statement of ddl(tables)) await tx.unsafe(statement);
      const secret = randomHex(32);
      await tx.unsafe(`INSERT INTO ${tables.meta} (version, secret) VALUES ($1, $2)`, [
        SCHEMA_VERSION,
        secret,
      ]);
      return secret;
    }
    const rows = await tx.unsafe(`SELECT version, secret FROM ${tables.meta}`);
    if (rows.length !== 1) {
      throw new Error(
        `duet postgres: ${tables.meta} at ${where} has ${rows.length} rows, expected 1; the schema was changed outside duet`,
      );
    }
    const version = Number(rows[0].version);
    if (version > SCHEMA_VERSION) {
      throw new Error(
        `duet postgres: the database at ${where} (schema ${tables.schema}) has duet schema version ${version}, newer than this duet understands (${SCHEMA_VERSION}); upgrade duet on this node to the version the other nodes run`,
      );
    }
    if (version < SCHEMA_VERSION) {
      // No older versions exist yet: migrations from `version` go here, in this transaction.
      throw new Error(
        `duet postgres: the database at ${where} has duet schema version ${version}, which this duet cannot migrate; restore a backup taken by a matching duet`,
      );
    }
    return String(rows[0].secret);
  });
}

function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
}
