/** `duet serve --store postgres://...`: sessions and rate limits in PostgreSQL, shared with the other nodes. */
import { hostname } from 'node:os';
import { jsonLogger } from '../../../src/audit/telemetry.ts';
import { listeningLine } from '../../../src/config/listening-line.ts';
import { UsageError } from '../../../src/config/options.ts';
import type { Duet } from '../../../src/duet.ts';
import type { PolicyDocument } from '../../../src/policy/schema.ts';
import { serveNode } from '../serve.ts';
import { siblingAdapter } from '../sibling-adapter.ts';
import { stderrLines } from '../stderr-lines.ts';
import { leaseMs, storeUrl } from './flags.ts';
import { makeDuet, type Values } from './load.ts';

export { leaseMs, storeUrl };

/** `--store`, else `DUET_DATABASE_URL`; checked to be a PostgreSQL URL. */
/** `--advertise`, else the listening URL; a wildcard address cannot be reached by other nodes. */
export function advertisedUrl(values: Values, listening: string): string {
  const advertise = values.advertise as string | undefined;
  if (advertise !== undefined) {
    if (!/^https?:\/\/[^/]+\/?$/i.test(advertise))
      throw new UsageError(
        `--advertise ${advertise}: expected http://HOST:PORT (how other nodes reach this one)`,
      );
    return advertise.replace(/\/$/, '');
  }
  if (/^http:\/\/(0\.0\.0\.0|\[::\])/.test(listening))
    throw new UsageError(
      `--host ${values.host}: pass --advertise http://THIS-HOST:PORT so other nodes can reach this one`,
    );
  return listening;
}

async function loadPostgres() {
  return (await import(siblingAdapter('postgres/index').href)) as typeof import('../../postgres/index.ts');
}

export async function serveOnPostgres(
  values: Values,
  policy: PolicyDocument,
  port: number,
  store: string,
): Promise<number> {
  // Checked before connecting and listening: a wildcard address needs --advertise.
  advertisedUrl(values, values.host === '::' ? 'http://[::]' : `http://${values.host}`);
  const { openPostgresNode } = await loadPostgres();
  const node = await openPostgresNode({
    url: store,
    node: `${hostname()}-${process.pid}-${crypto.randomUUID().slice(0, 4)}`,
    leaseMs: leaseMs(),
    onError: (error, context) =>
      console.error(
        JSON.stringify({ level: 'error', msg: context, error: String((error as Error)?.message ?? error) }),
      ),
  });
  let duet: Duet;
  let close: () => Promise<void>;
  try {
    ({ duet, close } = await makeDuet(values, policy, jsonLogger(stderrLines()), node));
  } catch (error) {
    await node.close();
    throw error;
  }
  const app = node.route(duet.app, (authorization) => duet.auth.authenticate(authorization));
  // serveNode only calls `app.fetch`: the router in front of the app.
  const server = await serveNode(
    { ...duet, app: app as unknown as Duet['app'] },
    { port, host: values.host, onClose: close },
  );
  const advertise = advertisedUrl(values, server.url);
  await node.register(advertise);
  console.error(
    JSON.stringify({
      level: 'info',
      msg: `duet node ${node.driver.node} on ${node.driver.name}, advertised as ${advertise}`,
      node: node.driver.node,
      advertise,
      leaseMs: node.driver.leaseMs,
    }),
  );
  console.error(listeningLine(server.url, duet, 'node'));
  return new Promise(() => {});
}
