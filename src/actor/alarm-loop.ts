/** Every actor's schedules multiplexed onto one alarm: a timer while running, the driver's wake-up across sleeps. */
import type { Clock } from './clock.ts';
import { decodeValue } from './codec.ts';
import type { StorageDriver } from './driver.ts';
import { dueAll, dueTime, dueUntil } from './keyspace.ts';
import type { DueEntry } from './schedules.ts';

export interface AlarmLoop {
  /** Reads the earliest due time from storage and arms for it. */
  arm(): Promise<void>;
  /** A schedule was written for `at`: arm earlier if needed. */
  scheduled(at: number): void;
  /** Fires everything due now; resolves when those turns finished. Returns how many fired. */
  runDue(): Promise<number>;
  stop(): Promise<void>;
}

export interface AlarmLoopDeps {
  driver: StorageDriver;
  clock: Clock;
  /** Runs one due schedule (in its actor's turn). Must not throw for a handler's failure. */
  fire(due: DueEntry, key: string): Promise<void>;
  onError(error: unknown, context: string): void;
  /** How long to wait before trying again an entry that stayed due after firing (its write failed). */
  stuckDelayMs: number;
}

const PASS = 256;

export function alarmLoop(deps: AlarmLoopDeps): AlarmLoop {
  const { driver, clock } = deps;
  let armedAt: number | undefined;
  let cancel: (() => void) | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = false;

  function setAt(at: number | undefined) {
    if (stopped || (at === armedAt && (at === undefined || cancel))) return;
    cancel?.();
    cancel = undefined;
    armedAt = at;
    if (at !== undefined) {
      cancel = clock.setTimer(at, () => {
        cancel = undefined;
        return loop.runDue().catch((error) => deps.onError(error, 'alarm loop'));
      });
    }
    driver.setAlarm?.(at ?? null).catch((error) => deps.onError(error, `${driver.name}: setAlarm`));
  }

  async function pass(): Promise<number> {
    let fired = 0;
    for (;;) {
      const rows = await driver.list({ ...dueUntil(clock.now()), limit: PASS });
      // Different actors fire concurrently; the turns of one actor still queue.
      await Promise.all(
        rows.map(([key, value]) =>
          deps
            .fire(decodeValue(value) as DueEntry, key)
            .catch((error) => deps.onError(error, `alarm ${key}`)),
        ),
      );
      fired += rows.length;
      if (rows.length < PASS || stopped) return fired;
    }
  }

  const loop: AlarmLoop = {
    async arm() {
      const [first] = await driver.list({ ...dueAll, limit: 1 });
      setAt(first ? dueTime(first[0]) : undefined);
    },
    scheduled(at) {
      if (running && at <= clock.now()) again = true;
      else if (armedAt === undefined || at < armedAt) setAt(at);
    },
    runDue() {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        let fired = 0;
        try {
          do {
            again = false;
            fired += await pass();
          } while (again && !stopped);
          if (!stopped) {
            const [first] = await driver.list({ ...dueAll, limit: 1 });
            const at = first ? dueTime(first[0]) : undefined;
            // Still due after a full pass: its acknowledgement failed; do not spin on it.
            setAt(at !== undefined && at <= clock.now() ? clock.now() + deps.stuckDelayMs : at);
          }
        } finally {
          running = undefined;
        }
        return fired;
      })();
      return running;
    },
    async stop() {
      stopped = true;
      cancel?.();
      await running?.catch(() => undefined);
    },
  };
  return loop;
}
