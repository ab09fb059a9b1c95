/** The key-value statements over `duet_kv`: gets, ordered ranges and atomic batches (optionally fenced by a lease). */
import type { Sql } from 'postgres';
import type { KeyRange, WriteEntry } from '../../src/actor/driver.ts';
import { escapeKey, unescapeKey } from '../../src/actor/sqlite-kv-driver.ts';
import type { Tables } from './schema.ts';

/** A plain Uint8Array view over what postgres.js returns (a Buffer). */
export function bytes(value: unknown): Uint8Array {
  const view = value as Uint8Array;
  return view.constructor === Uint8Array
    ? view
    : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

export interface Fence {
  /** The actor's key prefix, escaped as stored. */
  actor: string;
  owner: string;
  epoch: number;
}

export interface KvStatements {
  get(keys: readonly string[]): Promise<(Uint8Array | undefined)[]>;
  list(range: KeyRange): Promise<[string, Uint8Array][]>;
  /** Applies the batch in one statement (one transaction). With a fence: only while the lease row still says owner+epoch; false when it did not. */
  write(entries: readonly WriteEntry[], fence?: Fence): Promise<boolean>;
}

export function kvStatements(sql: Sql, t: Tables): KvStatements {
  const getOne = `SELECT value FROM ${t.kv} WHERE key = $1`;
  const getMany = `SELECT key, value FROM ${t.kv} WHERE key = ANY($1::text[])`;
  // Every write is one statement: PostgreSQL runs it as one transaction, so a batch is all-or-nothing.
  const upsert = `INSERT INTO ${t.kv} (key, value, epoch) SELECT k, v, $3::bigint FROM unnest($1::text[], $2::bytea[]) AS t(k, v)`;
  const onConflict = 'ON CONFLICT (key) DO UPDATE SET value = excluded.value, epoch = excluded.epoch';
  const plain = `WITH put AS (${upsert} ${onConflict}), del AS (DELETE FROM ${t.kv} WHERE key = ANY($4::text[])) SELECT true AS held`;
  // The fence: the lease row must still name this owner and epoch. FOR SHARE holds off a takeover (an
  // UPDATE of that row) until this commits, and a takeover that committed first makes the row fail the
  // check (READ COMMITTED re-reads a locked row's newest version), so no write of an old epoch lands
  // after a new owner took over. Without the row, nothing is written.
  const fenced =
    `WITH fence AS (SELECT 1 FROM ${t.leases} WHERE actor = $5 AND owner = $6 AND epoch = $3::bigint FOR SHARE), ` +
    `put AS (${upsert} WHERE EXISTS (SELECT FROM fence) ${onConflict}), ` +
    `del AS (DELETE FROM ${t.kv} WHERE key = ANY($4::text[]) AND EXISTS (SELECT FROM fence)) ` +
    'SELECT EXISTS (SELECT FROM fence) AS held';
  const lists = new Map<string, string>();
  const listSql = (range: KeyRange) => {
    const shape = `${range.start !== undefined}${range.end !== undefined}${range.reverse === true}`;
    let text = lists.get(shape);
    if (!text) {
      const where: string[] = [];
      if (range.start !== undefined) where.push(`key >= $${where.length + 2}`);
      if (range.end !== undefined) where.push(`key < $${where.length + 2}`);
      text = `SELECT key, value FROM ${t.kv}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY key ${range.reverse ? 'DESC' : 'ASC'} LIMIT $1`;
      lists.set(shape, text);
    }
    return text;
  };

  return {
    async get(keys) {
      if (keys.length === 0) return [];
      if (keys.length === 1) {
        const rows = await sql.unsafe(getOne, [escapeKey(keys[0])], { prepare: true });
        return [rows.length ? bytes(rows[0].value) : undefined];
      }
      const rows = await sql.unsafe(getMany, [keys.map(escapeKey)] as never, { prepare: true });
      const found = new Map<string, Uint8Array>();
      for (const row of rows) found.set(unescapeKey(row.key), bytes(row.value));
      return keys.map((key) => found.get(key));
    },
    async list(range) {
      if (range.limit === 0) return [];
      const params: unknown[] = [range.limit ?? null];
      if (range.start !== undefined) params.push(escapeKey(range.start));
      if (range.end !== undefined) params.push(escapeKey(range.end));
      const rows = await sql.unsafe(listSql(range), params as never, { prepare: true });
      return rows.map((row) => [unescapeKey(row.key), bytes(row.value)] as [string, Uint8Array]);
    },
    async write(entries, fence) {
      const putKeys: string[] = [];
      const putValues: Uint8Array[] = [];
      const deletes: string[] = [];
      for (const [key, value] of entries) {
        if (value === null) deletes.push(escapeKey(key));
        else {
          putKeys.push(escapeKey(key));
          putValues.push(value);
        }
      }
      // bytea[] (oid 1001): postgres.js would otherwise type an array of bytes as one bytea.
      const params: unknown[] = [putKeys, sql.array(putValues as never, 1001), fence?.epoch ?? null, deletes];
      if (!fence) {
        if (entries.length === 0) return true;
        await sql.unsafe(plain, params as never, { prepare: true });
        return true;
      }
      params.push(fence.actor, fence.owner);
      const [row] = await sql.unsafe(fenced, params as never, { prepare: true });
      return row.held === true;
    },
  };
}
