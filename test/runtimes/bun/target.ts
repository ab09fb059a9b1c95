/** Conformance target for the Bun driver (bun:sqlite), with a writer child on the same Bun binary. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bunSqliteDriver } from '../../../adapters/bun/sqlite-driver.ts';
import type { ConformanceTarget } from '../../../src/testing/index.ts';
import { spawnWriter } from '../spawn-writer.ts';

const writerScript = fileURLToPath(new URL('./writer.ts', import.meta.url));

export function bunSqliteTarget(): ConformanceTarget {
  return {
    name: `bun-sqlite on Bun ${(process.versions as { bun?: string }).bun}`,
    support: {
      'ordered-kv': { level: 'native' },
      'atomic-batch': { level: 'native', reason: 'one SQLite transaction per batch' },
      'large-values': { level: 'native', reason: 'BLOBs up to 1 GB; no chunking' },
      restart: { level: 'native' },
      durability: { level: 'native', reason: 'WAL with synchronous=FULL' },
      'host-wake': {
        level: 'unsupported',
        reason: 'a stopped Bun process cannot be woken; due schedules fire when the system starts again',
      },
    },
    createPlace: () => mkdtemp(join(tmpdir(), 'duet-actors-bun-')),
    open: async (place) => bunSqliteDriver({ dir: place }),
    removePlace: (place) => rm(place, { recursive: true, force: true }),
    spawnWriter: (place) => spawnWriter(process.execPath, [writerScript, place]),
  };
}
