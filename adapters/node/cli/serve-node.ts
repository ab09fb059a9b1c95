/** `duet serve` on Node itself: the whole server in this process, SQLite under --data. */
import { jsonLogger } from '../../../src/audit/telemetry.ts';
import { listeningLine } from '../../../src/config/listening-line.ts';
import type { PolicyDocument } from '../../../src/policy/schema.ts';
import { serveNode } from '../serve.ts';
import { stderrLines } from '../stderr-lines.ts';
import { backgroundWork } from '../warm.ts';
import type { Values } from './flags.ts';
import { makeDuet, openDataDir } from './load.ts';

/** Never returns: the server runs until a signal stops it. */
export async function serveOnNode(values: Values, policy: PolicyDocument, port: number): Promise<number> {
  const { duet, close } = await makeDuet(
    values,
    policy,
    jsonLogger(stderrLines()),
    await openDataDir(values),
  );
  const server = await serveNode(duet, { port, host: values.host, onClose: close });
  console.error(listeningLine(server.url, duet, 'node'));
  // The search ranking is built once the first requests are answered; the type-checker loads with the
  // first search; heap left over from parsing the specs and from type-checks is returned when quiet.
  backgroundWork(duet, server);
  return new Promise(() => {});
}
