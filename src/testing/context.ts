/** What a case gets: a fresh place, drivers and systems that are cleaned up, a manual clock. */
import {
  type ActorRegistry,
  type ActorSystem,
  type ActorSystemOptions,
  createActorSystem,
} from '../actor/actor-system.ts';
import { type ManualClock, manualClock } from '../actor/clock.ts';
import type { StorageDriver } from '../actor/driver.ts';
import { type FaultOptions, type FaultyDriver, faultyDriver } from './faulty-driver.ts';
import type { ConformanceTarget } from './target.ts';

export interface CaseContext {
  readonly target: ConformanceTarget;
  readonly place: string;
  readonly clock: ManualClock;
  /** Failures the systems reported through `onError` (handler errors, injected crashes). */
  readonly errors: string[];
  /** Opens the target's driver over this case's place. */
  open(): Promise<StorageDriver>;
  /** Opens it wrapped for fault injection (crash points, smaller limits, recorded alarms). */
  openFaulty(options?: FaultOptions): Promise<FaultyDriver>;
  /** An actor system on the case clock; closed when the case ends. */
  system<R extends ActorRegistry>(
    driver: StorageDriver,
    actors: R,
    options?: Partial<ActorSystemOptions<R>>,
  ): ActorSystem<R>;
  /** Closes every system and driver opened so far, as a process exit would. */
  shutdown(): Promise<void>;
}

export async function createCaseContext(
  target: ConformanceTarget,
): Promise<CaseContext & { dispose(): Promise<void> }> {
  const place = await target.createPlace();
  const clock = manualClock();
  const errors: string[] = [];
  const drivers: StorageDriver[] = [];
  const systems: ActorSystem<any>[] = [];
  const shutdown = async () => {
    for (const system of systems.splice(0)) await system.close().catch(() => undefined);
    for (const driver of drivers.splice(0)) await driver.close().catch(() => undefined);
  };
  const open = async () => {
    const driver = await target.open(place);
    drivers.push(driver);
    return driver;
  };
  return {
    target,
    place,
    clock,
    errors,
    open,
    openFaulty: async (options) => faultyDriver(await open(), options),
    system(driver, actors, options) {
      const system = createActorSystem({
        driver,
        actors,
        clock,
        onError: (error, context) => errors.push(`${context}: ${(error as Error)?.message ?? error}`),
        ...options,
      });
      systems.push(system);
      return system;
    },
    shutdown,
    async dispose() {
      await shutdown();
      await target.removePlace?.(place);
    },
  };
}
