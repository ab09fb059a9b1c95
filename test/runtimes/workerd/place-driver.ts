/** A StorageDriver whose every call is an RPC to a Place object, where the Durable Object driver does the work. */
import { DURABLE_OBJECT_DRIVER, DURABLE_OBJECT_LIMITS } from '../../../adapters/cloudflare/do-driver.ts';
import type { DurableObjectNamespace } from '../../../adapters/cloudflare/workers-types.ts';
import type { KeyRange, StorageDriver, WriteEntry } from '../../../src/actor/driver.ts';

interface PlaceStub {
  get(keys: string[]): Promise<(Uint8Array | undefined)[]>;
  list(range: KeyRange): Promise<[string, Uint8Array][]>;
  write(entries: WriteEntry[]): Promise<void>;
  setAlarm(at: number | null): Promise<void>;
  alarmAt(): Promise<number | null>;
  restart(): Promise<void>;
}

export interface PlaceDriver extends StorageDriver {
  /** The object's DO alarm as workerd holds it. */
  alarmAt(): Promise<number | null>;
}

export function placeDriver(places: DurableObjectNamespace, place: string): PlaceDriver {
  const stub = places.get(places.idFromName(place)) as unknown as PlaceStub;
  let closed = false;
  const open = () => {
    if (closed) throw new Error(`duet ${DURABLE_OBJECT_DRIVER} driver: used after close()`);
  };
  return {
    name: DURABLE_OBJECT_DRIVER,
    limits: DURABLE_OBJECT_LIMITS,
    async get(keys) {
      open();
      return stub.get([...keys]);
    },
    async list(range) {
      open();
      return stub.list({ ...range });
    },
    async write(entries) {
      open();
      return stub.write(entries.map(([key, value]) => [key, value]));
    },
    async setAlarm(at) {
      open();
      return stub.setAlarm(at);
    },
    alarmAt: () => stub.alarmAt(),
    async close() {
      if (closed) return;
      closed = true;
      // The object resets: the next open talks to a new instance that has only what storage kept.
      await stub.restart().catch(() => undefined);
    },
  };
}
