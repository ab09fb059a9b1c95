/** `duet serve --runtime deno`: the same server on Deno.serve, started by the Node CLI with a JSON config. */

import { duetFromConfig, inDataDir, listeningLine, readServeConfig } from '../../src/config/serve-config.ts';
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

// A server that cannot start (port taken, --data unusable) says why in one line, as the launcher's own
// errors do, instead of Deno's stack trace of an uncaught error.
let listenPort: number | undefined;
const startupFailed = (error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const port = /AddrInUse|address already in use/i.test(`${(error as Error)?.name} ${message}`)
    ? ` (port ${listenPort} is taken: pick another with --port)`
    : '';
  console.error(`duet serve --runtime deno: ${message}${port}`);
  Deno.exit(1);
};
const onRejection = (event: Event & { reason?: unknown }) => {
  event.preventDefault();
  startupFailed(event.reason);
};
const onError = (event: Event & { error?: unknown }) => {
  event.preventDefault();
  startupFailed(event.error);
};
// Deno's global scope is an EventTarget (as in browsers).
const scope = globalThis as unknown as EventTarget;
scope.addEventListener('unhandledrejection', onRejection);
scope.addEventListener('error', onError);

// The Node CLI writes the config to stdin (argv would show credentials in `ps`), then holds stdin open.
const { config, launcherGone } = await readServeConfig(Deno.stdin.readable);
listenPort = config.port;
const { limits, pool } = parseLimitFlags(config.sandboxLimits);
const sandbox = createProcessSandbox({ ...pool, memoryBytes: limits.memoryBytes });
// On Deno Deploy the managed KV store needs no path; locally the store lives in --data.
const durable = await openDenoSessions(Deno.env.get('DENO_DEPLOYMENT_ID') ? undefined : config.data).catch(
  (error) => {
    throw inDataDir(config.data, error);
  },
);
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
      // Started: from now on an unexpected error keeps its stack.
      scope.removeEventListener('unhandledrejection', onRejection);
      scope.removeEventListener('error', onError);
      // The type-checker loads now rather than in the first user's execute.
      void duet.warm();
    },
  },
  duet.app.fetch,
);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  // In-flight requests get five seconds to finish; then the process goes regardless.
  setTimeout(() => Deno.exit(1), 5_000);
  await server.shutdown();
  await sandbox.close();
  await durable.close();
  Deno.exit(0);
}
for (const signal of ['SIGTERM', 'SIGINT']) Deno.addSignalListener(signal, stop);
// The Node CLI started this process: when it dies, even by kill -9, its end of stdin closes and this
// server stops too rather than live on as an orphan holding the port and the Deno KV store in --data.
void launcherGone.then(stop);
