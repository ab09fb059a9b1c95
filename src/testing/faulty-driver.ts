/** Fault injection: a driver wrapper that "crashes" at a chosen write and can advertise smaller limits. */
import type { DriverLimits, StorageDriver, WriteEntry } from '../actor/driver.ts';

/** What the wrapper throws at the crash point; afterwards every call throws it (the process is gone). */
export class InjectedCrash extends Error {
  override name = 'InjectedCrash';
}

export interface FaultOptions {
  /** Advertise these limits (e.g. Deno KV's) so the core chunks and logs on any backend. */
  limits?: Partial<DriverLimits>;
  /** Crash instead of performing the n-th write (1-based). */
  crashAtWrite?: number;
  /** Crash instead of performing the first write this returns true for. */
  crashWhen?(entries: readonly WriteEntry[]): boolean;
}

export interface FaultyDriver extends StorageDriver {
  /** Writes attempted so far, including the one that crashed. */
  readonly writes: number;
  readonly crashed: boolean;
  /** Every wake-up time the core asked for, in order. */
  readonly alarms: (number | null)[];
}

export function faultyDriver(inner: StorageDriver, options: FaultOptions = {}): FaultyDriver {
  let writes = 0;
  let crashed = false;
  const alarms: (number | null)[] = [];
  const alive = () => {
    if (crashed) throw new InjectedCrash(`${inner.name}: the process crashed at write ${writes}`);
  };
  return {
    name: `${inner.name} (fault injection)`,
    limits: { ...inner.limits, ...options.limits },
    get writes() {
      return writes;
    },
    get crashed() {
      return crashed;
    },
    alarms,
    async get(keys) {
      alive();
      return inner.get(keys);
    },
    async list(range) {
      alive();
      return inner.list(range);
    },
    async write(entries) {
      alive();
      writes++;
      if (writes === options.crashAtWrite || options.crashWhen?.(entries)) {
        crashed = true;
        alive();
      }
      return inner.write(entries);
    },
    async setAlarm(at) {
      alive();
      alarms.push(at);
      await inner.setAlarm?.(at);
    },
    close: () => inner.close(),
  };
}

/** Deno KV's limits, to run the chunking and redo-log paths on any backend. */
export const DENO_KV_LIMITS: DriverLimits = {
  maxKeyBytes: 2048,
  maxValueBytes: 65_536,
  maxEntryBytes: 2048 + 65_536,
  maxBatchKeys: 1000,
  maxBatchBytes: 800 * 1024,
};

/** Tiny limits that force every multi-key write through several batches. */
export const TINY_LIMITS: DriverLimits = {
  maxKeyBytes: 512,
  maxValueBytes: 4096,
  maxEntryBytes: 4096 + 512,
  maxBatchKeys: 4,
  maxBatchBytes: 16 * 1024,
};
