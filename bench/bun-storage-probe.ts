/**
 * The storage benchmark on Bun: bun:sqlite used directly vs duet's Bun adapter (bun:sqlite through
 * the actor storage). `bun bench/bun-storage-probe.ts '{"ms":100,"rounds":5}'` prints one JSON line.
 * Runtime modules load by computed specifier so `npm run build` (Node) does not compile Bun code.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StorageDriver } from '../src/actor/index.ts';
import type { SqliteLike } from '../src/actor/sqlite-kv-driver.ts';
import {
  duetContender,
  measurePair,
  PROBE_MARKER,
  type ProbeOutput,
  sqliteRawContender,
  timingFrom,
} from './storage-bench-core.ts';

declare const Bun: { version: string };
const load = (specifier: string): Promise<unknown> => import(specifier);

const timing = timingFrom(process.argv[2]);
const { Database } = (await load('bun:sqlite')) as {
  Database: new (path: string, options?: { create?: boolean }) => SqliteLike;
};
const { bunSqliteDriver } = (await load(
  new URL('../adapters/bun/sqlite-driver.ts', import.meta.url).href,
)) as {
  bunSqliteDriver(options: { dir: string }): StorageDriver;
};
const dir = await mkdtemp(join(tmpdir(), 'duet-bench-bun-'));
const output: ProbeOutput = { rows: [], skipped: [] };
try {
  const raw = sqliteRawContender(new Database(join(dir, 'raw.sqlite'), { create: true }));
  const duet = await duetContender(bunSqliteDriver({ dir }));
  output.rows = await measurePair(
    {
      runtime: `Bun ${Bun.version}`,
      adapter: 'adapters/bun (bun:sqlite)',
      raw: 'bun:sqlite, JSON in a BLOB, WAL, synchronous=FULL',
    },
    raw,
    duet,
    timing,
  );
  await duet.close?.();
  raw.close?.();
} finally {
  await rm(dir, { recursive: true, force: true });
}
console.log(PROBE_MARKER + JSON.stringify(output));
