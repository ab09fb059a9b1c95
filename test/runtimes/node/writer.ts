/** The SIGKILL case's writer child on Node: `node writer.ts <dir> <backend>`. */
import { sqliteDriver } from '../../../adapters/node/sqlite-driver.ts';
import type { SqliteBackend } from '../../../adapters/node/sqlite-open.ts';
import { runAckWriter } from '../../../src/testing/ack-writer.ts';

const [dir, backend] = process.argv.slice(2);
const driver = await sqliteDriver({ dir, backend: backend as SqliteBackend });
await runAckWriter(driver, (line) => process.stdout.write(`${line}\n`));
