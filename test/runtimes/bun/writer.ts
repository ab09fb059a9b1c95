/** The SIGKILL case's writer child on Bun: `bun writer.ts <dir>`. */
import { bunSqliteDriver } from '../../../adapters/bun/sqlite-driver.ts';
import { runAckWriter } from '../../../src/testing/ack-writer.ts';

await runAckWriter(bunSqliteDriver({ dir: process.argv[2] }), (line) => process.stdout.write(`${line}\n`));
