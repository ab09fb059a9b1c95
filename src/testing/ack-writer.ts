/** The SIGKILL case's child: writes forever through actors and prints `ack <n>` after each resolved write. */
import { createActorSystem } from '../actor/actor-system.ts';
import type { StorageDriver } from '../actor/driver.ts';
import { AckWriter } from './fixtures.ts';

export const WRITERS = 4;
export const WRITE_BYTES = 2048;

/**
 * Runs `WRITERS` actors writing concurrently, so several writes are in flight when the kill lands.
 * Write n goes to actor `w<n % WRITERS>`. Never returns; the parent kills the process.
 */
export async function runAckWriter(driver: StorageDriver, print: (line: string) => void): Promise<never> {
  const system = createActorSystem({
    driver,
    actors: { writers: AckWriter },
    idleMs: Number.POSITIVE_INFINITY,
  });
  const writers = system.namespace('writers');
  print('ready');
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      for (;;) {
        const n = next++;
        await writers.get(`w${n % WRITERS}`).write(n, WRITE_BYTES);
        print(`ack ${n}`);
      }
    }),
  );
  throw new Error('unreachable');
}
