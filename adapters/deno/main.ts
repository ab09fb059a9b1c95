/** `duet serve --runtime deno`: the same server on Deno.serve, started by the Node CLI with a JSON config. */

import { duetFromConfig, listeningLine, type ServeConfig } from '../../src/config/serve-config.ts';
import { parseLimitFlags } from '../../src/sandbox/limit-flags.ts';
import { denoDocsAssets } from './docs-assets.ts';
import { readDenoSource } from './read-source.ts';
import { createProcessSandbox } from './sandbox-pool.ts';
import { openDenoSessions } from './sessions.ts';
import { createDenoTypeChecker } from './typecheck.ts';

declare const Deno: {
  stdin: { readable: ReadableStream<Uint8Array> };
  args: string[];
  serve(
    options: { port: number; hostname: string; onListen?: (addr: { port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { shutdown(): Promise<void>; finished: Promise<void> };
  addSignalListener(signal: string, fn: () => void): void;
  env: { get(name: string): string | undefined };
  exit(code: number): never;
};

// The Node CLI writes the config to stdin (argv would show credentials in `ps`).
const config = JSON.parse(await new Response(Deno.stdin.readable).text()) as ServeConfig;
const { limits, pool } = parseLimitFlags(config.sandboxLimits);
const sandbox = createProcessSandbox({ ...pool, memoryBytes: limits.memoryBytes });
// On Deno Deploy the managed KV store needs no path; locally the store lives in --data.
const durable = await openDenoSessions(Deno.env.get('DENO_DEPLOYMENT_ID') ? undefined : config.data);
const duet = await duetFromConfig(config, {
  readSource: readDenoSource,
  sandbox,
  sessions: durable.sessions,
  rateLimiter: durable.rateLimiter,
  typeChecker: createDenoTypeChecker,
  docsAssets: denoDocsAssets,
});
const host = config.host.includes(':') ? `[${config.host}]` : config.host;
const server = Deno.serve(
  {
    port: config.port,
    hostname: config.host,
    onListen: ({ port }) => {
      console.error(listeningLine(`http://${host}:${port}`, duet, 'deno'));
      // The type-checker loads now rather than in the first user's execute.
      void duet.warm();
    },
  },
  duet.app.fetch,
);

for (const signal of ['SIGTERM', 'SIGINT']) {
  Deno.addSignalListener(signal, async () => {
    await server.shutdown();
    await sandbox.close();
    await durable.close();
    Deno.exit(0);
  });
}
