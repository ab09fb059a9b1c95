/**
 * The runtime-free part of the actor storage benchmark: the same operations through duet's actor
 * storage and through a backend used directly, measured in alternating rounds. Node runs it
 * in-process; Bun and Deno run it in probes (bench/*-storage-probe.ts) that print one JSON line.
 */

import { Actor, createActorSystem, type StorageDriver } from '../src/actor/index.ts';
import type { SqliteLike } from '../src/actor/sqlite-kv-driver.ts';

export const PROBE_MARKER = 'DUET_STORAGE_BENCH ';

export const KEYS = 1000;
export const key = (i: number): string => `item:${String(i % KEYS).padStart(6, '0')}`;
export const value = (i: number): { n: number; name: string; tags: string[]; done: boolean } => ({
  n: i,
  name: `item ${i}`,
  tags: ['a', 'b'],
  done: i % 2 === 0,
});
/** Above every `key(i)`: the end of a list from key(i). */
export const KEYS_END = 'item;';

export interface Contender {
  put(i: number): unknown;
  get(i: number): unknown;
  /** Up to 100 entries from key(i) on, in key order. */
  list(i: number): unknown;
  close?(): unknown;
}

export interface BenchTiming {
  /** Length of one measuring round per side. */
  ms: number;
  /** Alternating rounds per operation; the best counts. */
  rounds: number;
}

export interface BenchRow {
  /** e.g. `Node 20.20.2`, `Bun 1.2.3`. */
  runtime: string;
  /** The duet adapter, e.g. `adapters/node (better-sqlite3)`. */
  adapter: string;
  /** What the raw side uses, e.g. `better-sqlite3, JSON in a BLOB`. */
  raw: string;
  op: string;
  rawOps: number;
  duetOps: number;
}

export interface ProbeOutput {
  rows: BenchRow[];
  /** Adapters this runtime could not measure, with why. */
  skipped: string[];
}

class Bench extends Actor {
  async put(k: string, v: unknown): Promise<void> {
    await this.storage.put(k, v);
  }
}

/** The actor storage of one actor over `driver`, plus puts through a stub (one turn each). */
export async function duetContender(
  driver: StorageDriver,
): Promise<Contender & { stubPut(i: number): Promise<void> }> {
  const system = createActorSystem({ driver, actors: { bench: Bench } });
  const storage = await system.namespace('bench').run('b', (actor) => actor.storage);
  const stub = system.namespace('bench').get('b');
  return {
    put: (i) => storage.put(key(i), value(i)),
    get: (i) => storage.get(key(i)),
    list: (i) => storage.list({ start: key(i), prefix: 'item:', limit: 100 }),
    stubPut: (i) => stub.put(key(i), value(i)),
    async close() {
      await system.close();
      await driver.close();
    },
  };
}

/** What an application would write without duet on SQLite: JSON text in a BLOB, one table, WAL. */
export function sqliteRawContender(db: SqliteLike, synchronous: 'full' | 'normal' = 'full'): Contender {
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${synchronous};`);
  db.exec('CREATE TABLE kv (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID');
  const upsert = db.prepare(
    'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const select = db.prepare('SELECT value FROM kv WHERE key = ?');
  const range = db.prepare('SELECT key, value FROM kv WHERE key >= ? AND key < ? ORDER BY key LIMIT 100');
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return {
    put: (i) => void upsert.run(key(i), encoder.encode(JSON.stringify(value(i)))),
    get: (i) => JSON.parse(decoder.decode((select.get(key(i)) as { value: Uint8Array }).value)),
    list: (i) =>
      (range.all(key(i), KEYS_END) as { key: string; value: Uint8Array }[]).map((row) => [
        row.key,
        JSON.parse(decoder.decode(row.value)),
      ]),
    close: () => db.close(),
  };
}

async function opsPerSecond(fn: (i: number) => unknown, ms: number): Promise<number> {
  for (let i = 0; i < 50; i++) await fn(i);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let j = 0; j < 20; j++) await fn(n++);
  }
  return (n * 1000) / (performance.now() - start);
}

/**
 * Best ops/s of alternating rounds: drift (CPU frequency, page cache) hits both sides alike, and the
 * best round is the one least disturbed by other processes (a median still moves on a busy machine).
 */
async function compare(
  raw: (i: number) => unknown,
  duet: (i: number) => unknown,
  timing: BenchTiming,
): Promise<[number, number]> {
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < timing.rounds; round++) {
    a.push(await opsPerSecond(raw, timing.ms));
    b.push(await opsPerSecond(duet, timing.ms));
  }
  return [Math.max(...a), Math.max(...b)];
}

/** Fills both sides with KEYS entries, then measures put, put via a stub, get and list 100. */
export async function measurePair(
  labels: { runtime: string; adapter: string; raw: string },
  raw: Contender,
  duet: Contender & { stubPut(i: number): Promise<void> },
  timing: BenchTiming,
): Promise<BenchRow[]> {
  for (let i = 0; i < KEYS; i++) {
    await raw.put(i);
    await duet.put(i);
  }
  const ops: [string, (i: number) => unknown, (i: number) => unknown][] = [
    ['put', raw.put, duet.put],
    ['put via stub (a turn each)', raw.put, duet.stubPut],
    ['get', raw.get, duet.get],
    ['list 100', raw.list, duet.list],
  ];
  const rows: BenchRow[] = [];
  for (const [op, rawFn, duetFn] of ops) {
    const [rawOps, duetOps] = await compare(rawFn, duetFn, timing);
    rows.push({ ...labels, op, rawOps, duetOps });
  }
  return rows;
}

/** Timing from a probe's argv (`{"ms":..,"rounds":..}`), with defaults. */
export function timingFrom(arg: string | undefined): BenchTiming {
  const parsed = arg ? (JSON.parse(arg) as Partial<BenchTiming>) : {};
  return { ms: parsed.ms ?? 100, rounds: parsed.rounds ?? 5 };
}
