/** The reference target: the in-memory driver, where a "restart" reopens the same store. */
import { createMemoryStore, type MemoryStore, memoryDriver } from '../actor/memory-driver.ts';
import type { ConformanceTarget } from './target.ts';

export function memoryTarget(): ConformanceTarget {
  const stores = new Map<string, MemoryStore>();
  let places = 0;
  return {
    name: 'memory (reference)',
    reference: true,
    support: {
      'ordered-kv': { level: 'native' },
      'atomic-batch': { level: 'native' },
      'large-values': { level: 'native' },
      restart: { level: 'emulated', reason: 'the store object outlives the driver, not the process' },
      durability: { level: 'unsupported', reason: 'in memory: nothing outlives the process' },
      'host-wake': { level: 'unsupported', reason: 'no host to wake' },
    },
    async createPlace() {
      const place = `memory-${++places}`;
      stores.set(place, createMemoryStore());
      return place;
    },
    async open(place) {
      const store = stores.get(place);
      if (!store) throw new Error(`memory target: no place '${place}'; call createPlace() first`);
      return memoryDriver({ store });
    },
    async removePlace(place) {
      stores.delete(place);
    },
  };
}
