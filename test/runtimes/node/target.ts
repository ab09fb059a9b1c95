/** Conformance target for the Node SQLite driver, with a writer child on the same Node binary. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sqliteDriver } from '../../../adapters/node/sqlite-driver.ts';
import { hasNodeSqlite, type SqliteBackend } from '../../../adapters/node/sqlite-open.ts';
import type { ConformanceTarget } from '../../../src/testing/index.ts';
import { spawnWriter } from '../spawn-writer.ts';

const writerScript = fileURLToPath(new URL('./writer.ts', import.meta.url));
const registerTs = new URL('./register-ts.mjs', import.meta.url).href;

/** Node arguments that let this Node run a .ts file: nothing where it strips types itself. */
export function tsArgs(): string[] {
  const native = (process.features as { typescript?: unknown }).typescript;
  return ['--no-warnings', ...(native ? [] : ['--import', registerTs])];
}

export async function nodeSqliteTarget(backend?: SqliteBackend): Promise<ConformanceTarget> {
  const chosen = backend ?? ((await hasNodeSqlite()) ? 'node:sqlite' : 'better-sqlite3');
  return {
    name: `node-sqlite (${chosen}) on Node ${process.versions.node}`,
    support: {
      'ordered-kv': { level: 'native' },
      'atomic-batch': { level: 'native', reason: 'one SQLite transaction per batch' },
      'large-values': { level: 'native', reason: 'BLOBs up to 1 GB; no chunking' },
      restart: { level: 'native' },
      durability: { level: 'native', reason: 'WAL with synchronous=FULL' },
      'host-wake': {
        level: 'unsupported',
        reason: 'a stopped Node process cannot be woken; due schedules fire when the system starts again',
      },
    },
    createPlace: () => mkdtemp(join(tmpdir(), 'duet-actors-')),
    open: (place) => sqliteDriver({ dir: place, backend: chosen }),
    removePlace: (place) => rm(place, { recursive: true, force: true }),
    spawnWriter: (place) => spawnWriter(process.execPath, [...tsArgs(), writerScript, place, chosen]),
  };
}
