/** Actor storage micro-benchmark: put/get/list through ActorStorage vs the same SQLite library used directly. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type SqliteDriverOptions, sqliteDriver } from '../adapters/node/sqlite-driver.ts';
import { hasNodeSqlite, openSqlite, type SqliteBackend } from '../adapters/node/sqlite-open.ts';
import { Actor, type ActorStorage, createActorSystem } from '../src/actor/index.ts';
import { table } from './stats.ts';

class Bench extends Actor {
  async put(key: string, value: unknown): Promise<void> {
    await this.storage.put(key, value);
  }
}

type Op = 'put' | 'get' | 'list 100';
interface Contender {
  put(i: number): Promise<void> | void;
  get(i: number): Promise<unknown> | unknown;
  list(i: number): Promise<unknown> | unknown;
}

const KEYS = 1000;
const key = (i: number) => `item:${String(i % KEYS).padStart(6, '0')}`;
const value = (i: number) => ({ n: i, name: `item ${i}`, tags: ['a', 'b'], done: i % 2 === 0 });

/** What an application would write without duet: JSON text in a BLOB, the same table shape and pragmas. */
async function rawContender(
  dir: string,
  backend: SqliteBackend,
  synchronous: string,
): Promise<Contender & { close(): void }> {
  const db = await openSqlite(join(dir, 'raw.sqlite'), backend);
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
    get: (i) => JSON.parse(decoder.decode(select.get(key(i))!.value as Uint8Array)),
    list: (i) =>
      range.all(key(i), 'item;').map((row) => [row.key, JSON.parse(decoder.decode(row.value as Uint8Array))]),
    close: () => db.close(),
  };
}

function actorContender(
  storage: ActorStorage,
  viaStub: (i: number) => Promise<void>,
): Contender & { stubPut(i: number): Promise<void> } {
  return {
    put: (i) => storage.put(key(i), value(i)),
    get: (i) => storage.get(key(i)),
    list: (i) => storage.list({ start: key(i), prefix: 'item:', limit: 100 }),
    stubPut: viaStub,
  };
}

async function opsPerSecond(fn: (i: number) => unknown, ms: number): Promise<number> {
  for (let i = 0; i < 200; i++) await fn(i);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let j = 0; j < 50; j++) await fn(n++);
  }
  return (n * 1000) / (performance.now() - start);
}

/** Median of alternating rounds, so drift (CPU frequency, page cache) hits both sides alike. */
async function compare(
  raw: (i: number) => unknown,
  actor: (i: number) => unknown,
  ms: number,
): Promise<[number, number]> {
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < 7; round++) {
    a.push(await opsPerSecond(raw, ms));
    b.push(await opsPerSecond(actor, ms));
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[xs.length >> 1];
  return [median(a), median(b)];
}

export async function actorStorageBench(
  options: { ms?: number; backends?: SqliteBackend[] } = {},
): Promise<string> {
  const ms = options.ms ?? 200;
  const backends = options.backends ?? [(await hasNodeSqlite()) ? 'node:sqlite' : 'better-sqlite3'];
  const rows: string[][] = [];
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  for (const backend of backends) {
    for (const synchronous of ['full', 'normal'] as const) {
      const dir = await mkdtemp(join(tmpdir(), 'duet-bench-'));
      try {
        const raw = await rawContender(dir, backend, synchronous);
        const driver = await sqliteDriver({ dir, backend, synchronous } satisfies SqliteDriverOptions);
        const system = createActorSystem({ driver, actors: { bench: Bench } });
        const storage = await system.namespace('bench').run('b', (actor) => actor.storage);
        const stub = system.namespace('bench').get('b');
        const actor = actorContender(storage, (i) => stub.put(key(i), value(i)));
        for (let i = 0; i < KEYS; i++) {
          raw.put(i);
          await actor.put(i);
        }
        const label = `${backend}, synchronous=${synchronous}`;
        const ops: [Op | 'put via stub (a turn each)', (i: number) => unknown, (i: number) => unknown][] = [
          ['put', raw.put, actor.put],
          ['put via stub (a turn each)', raw.put, actor.stubPut],
          ['get', raw.get, actor.get],
          ['list 100', raw.list, actor.list],
        ];
        for (const [op, rawFn, actorFn] of ops) {
          const [r, a] = await compare(rawFn, actorFn, ms);
          rows.push([label, op, fmt(r), fmt(a), `${(r / a).toFixed(2)}x`]);
        }
        await system.close();
        await driver.close();
        raw.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  }
  return table(
    `actor storage vs raw SQLite on Node ${process.versions.node} (small JSON values, 1,000 keys; ratio = time per op through duet / raw; target <= 1.2x)`,
    ['backend', 'operation', 'raw ops/s', 'duet ops/s', 'ratio'],
    rows,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(await actorStorageBench());
