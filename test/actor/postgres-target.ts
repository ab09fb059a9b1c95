/** Conformance target for adapters/postgres: a schema per place in one test server, the SIGKILL writer a child on this Node. */
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { postgresDriver } from '../../adapters/postgres/driver.ts';
import type { ConformanceTarget } from '../../src/testing/index.ts';
import { tsArgs } from '../runtimes/node/target.ts';
import { spawnWriter } from '../runtimes/spawn-writer.ts';

const writerScript = fileURLToPath(new URL('./postgres-writer.ts', import.meta.url));

/** Short leases: after the SIGKILL case the parent takes the dead writer's actors over within a second. */
export const TARGET_LEASE_MS = 1000;

export function postgresTarget(url: string, runtime = `Node ${process.versions.node}`): ConformanceTarget {
  let places = 0;
  const admin = postgres(url, { onnotice: () => undefined, max: 2 });
  return {
    name: `postgres on ${runtime}`,
    support: {
      'ordered-kv': {
        level: 'native',
        reason: 'text COLLATE "C" keys: UTF-8 byte order is code point order',
      },
      'atomic-batch': {
        level: 'native',
        reason: 'one statement (one transaction) per batch, fenced by the lease',
      },
      'large-values': {
        level: 'native',
        reason: 'bytea, compressed and stored out of line by PostgreSQL itself (TOAST); no core chunking',
      },
      restart: { level: 'native' },
      durability: { level: 'native', reason: 'a write resolves after COMMIT' },
      'host-wake': {
        level: 'unsupported',
        reason: 'a stopped node cannot be woken; any live node fires due schedules of actors nobody holds',
      },
    },
    createPlace: async () => `conformance_${process.pid}_${++places}`,
    // Every driver a case opens in this process is the same node (a reopen is that node restarting, and
    // takes its leases back at once); the SIGKILL writer is another node, whose leases must run out first.
    open: (place) =>
      postgresDriver({
        url,
        schema: place,
        node: `test-${place}`,
        leaseMs: TARGET_LEASE_MS,
        takeoverWaitMs: 5 * TARGET_LEASE_MS,
      }),
    async removePlace(place) {
      await admin.unsafe(`DROP SCHEMA IF EXISTS "${place}" CASCADE`);
    },
    spawnWriter: (place) =>
      spawnWriter(process.execPath, [...tsArgs(), writerScript, url, place, String(TARGET_LEASE_MS)]),
  };
}
