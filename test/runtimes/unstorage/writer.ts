/** The SIGKILL case's writer child for unstorage + fs on Node: `node writer.ts <dir>`. */
import { createStorage } from 'unstorage';
import fsDriver from 'unstorage/drivers/fs';
import { unstorageDriver } from '../../../adapters/unstorage/driver.ts';
import { runAckWriter } from '../../../src/testing/ack-writer.ts';

const [dir] = process.argv.slice(2);
const driver = unstorageDriver(createStorage({ driver: fsDriver({ base: dir }) }));
await runAckWriter(driver, (line) => process.stdout.write(`${line}\n`));
