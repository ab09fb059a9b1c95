/** Conformance targets for adapters/unstorage: the memory driver in-process, the fs driver with a writer child. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStorage, type Storage } from 'unstorage';
import fsDriver from 'unstorage/drivers/fs';
import { unstorageDriver } from '../../../adapters/unstorage/driver.ts';
import type { ConformanceTarget, Support } from '../../../src/testing/index.ts';
import { tsArgs } from '../node/target.ts';
import { spawnWriter } from '../spawn-writer.ts';

const writerScript = fileURLToPath(new URL('./writer.ts', import.meta.url));

const common = {
  'ordered-kv': {
    level: 'emulated',
    reason: 'getKeys of the narrowest base, then filtered and sorted by code point in memory',
  },
  'large-values': { level: 'native', reason: 'values stored whole as bytes; no chunking' },
  'host-wake': {
    level: 'unsupported',
    reason: 'unstorage cannot wake a stopped process; due schedules fire when the system starts again',
  },
} satisfies Record<string, Support>;

/** The memory driver: a restart reopens the driver over the same Storage object. */
export function unstorageMemoryTarget(): ConformanceTarget {
  const stores = new Map<string, Storage>();
  let places = 0;
  return {
    name: `unstorage (memory) on Node ${process.versions.node}`,
    support: {
      ...common,
      'atomic-batch': {
        level: 'emulated',
        reason: "maxBatchKeys 1: duet's redo log over single setItemRaw calls, each a Map.set",
      },
      restart: { level: 'emulated', reason: 'the Storage object outlives the driver, not the process' },
      durability: { level: 'unsupported', reason: 'the memory driver keeps nothing after the process exits' },
    },
    async createPlace() {
      const place = `unstorage-memory-${++places}`;
      stores.set(place, createStorage());
      return place;
    },
    async open(place) {
      const storage = stores.get(place);
      if (!storage) throw new Error(`unstorage memory target: no place '${place}'`);
      return unstorageDriver(storage);
    },
    async removePlace(place) {
      await stores.get(place)?.dispose();
      stores.delete(place);
    },
  };
}

export function openFsStorage(dir: string): Storage {
  return createStorage({ driver: fsDriver({ base: dir }) });
}

/** The fs driver: a directory per place, the SIGKILL writer on this Node. */
export function unstorageFsTarget(): ConformanceTarget {
  return {
    name: `unstorage (fs) on Node ${process.versions.node}`,
    support: {
      ...common,
      'atomic-batch': {
        level: 'emulated',
        reason:
          "maxBatchKeys 1: duet's redo log over single writes; fs writes files in place, so the driver writes a sidecar copy before each overwrite and repairs torn files on open",
      },
      restart: { level: 'native', reason: 'files in the base directory' },
      durability: {
        level: 'native',
        reason:
          'a resolved write is in the OS page cache, which survives SIGKILL; never fsynced, so a power loss or kernel crash can lose recent writes',
      },
    },
    createPlace: () => mkdtemp(join(tmpdir(), 'duet-unstorage-')),
    async open(place) {
      return unstorageDriver(openFsStorage(place));
    },
    removePlace: (place) => rm(place, { recursive: true, force: true }),
    spawnWriter: (place) => spawnWriter(process.execPath, [...tsArgs(), writerScript, place]),
  };
}
