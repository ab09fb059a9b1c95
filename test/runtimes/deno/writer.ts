/** The SIGKILL case's writer child on Deno: `deno run -A --unstable-kv writer.ts <kv path>`. */
import { denoKvDriver } from '../../../adapters/deno/kv-driver.ts';
import { runAckWriter } from '../../../src/testing/ack-writer.ts';

declare const Deno: { args: string[]; stdout: { writeSync(bytes: Uint8Array): number } };

const encoder = new TextEncoder();
// writeSync: the ack must be out before the next write can start, so a kill never hides an ack.
await runAckWriter(await denoKvDriver({ path: Deno.args[0] }), (line) =>
  Deno.stdout.writeSync(encoder.encode(`${line}\n`)),
);
