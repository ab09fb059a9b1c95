/** The SIGKILL case's writer child on PostgreSQL: `node postgres-writer.ts <url> <schema> <leaseMs>`. */
import { postgresDriver } from '../../adapters/postgres/driver.ts';
import { runAckWriter } from '../../src/testing/ack-writer.ts';

const [url, schema, leaseMs] = process.argv.slice(2);
const driver = await postgresDriver({ url, schema, leaseMs: Number(leaseMs) });
await runAckWriter(driver, (line) => process.stdout.write(`${line}\n`));
