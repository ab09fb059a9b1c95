/**
 * Child processes for the PostgreSQL tests: `node postgres-writer.ts <url> <schema> <leaseMs> [mode]`.
 * Default mode: the conformance SIGKILL writer. `schedule`: a node that schedules `ping('late')` on
 * pinger `p` in 800 ms, prints `scheduled` and waits to be killed.
 */
import { postgresDriver } from '../../adapters/postgres/driver.ts';
import { createActorSystem } from '../../src/actor/actor-system.ts';
import { runAckWriter } from '../../src/testing/ack-writer.ts';
import { Pinger } from '../../src/testing/fixtures.ts';

const [url, schema, leaseMs, mode] = process.argv.slice(2);
const driver = await postgresDriver({ url, schema, leaseMs: Number(leaseMs) });
if (mode === 'schedule') {
  const system = createActorSystem({ driver, actors: { pingers: Pinger } });
  await system.namespace('pingers').get('p').plan({ late: 800 });
  process.stdout.write('scheduled\n');
  setInterval(() => undefined, 60_000);
} else {
  await runAckWriter(driver, (line) => process.stdout.write(`${line}\n`));
}
