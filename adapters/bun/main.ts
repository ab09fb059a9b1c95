/** `duet serve --runtime bun`: the same server on Bun.serve, started by the Node CLI with a JSON config. */

import { fetchText } from '../../src/catalog/index.ts';
import { duetFromConfig, inDataDir, listeningLine, readServeConfig } from '../../src/config/serve-config.ts';
import { parseLimitFlags } from '../../src/sandbox/limit-flags.ts';
import { bunDocsAssets } from './docs-assets.ts';
import { createProcessSandbox } from './sandbox-pool.ts';
import { openBunSessions } from './sessions.ts';
import { createBunTypeChecker } from './typecheck.ts';

declare const Bun: {
  stdin: { stream(): ReadableStream<Uint8Array> };
  file(path: string): { text(): Promise<string>; exists(): Promise<boolean> };
  serve(options: {
    port: number;
    hostname: string;
    fetch: (request: Request) => Response | Promise<Response>;
  }): {
    port: number;
    stop(closeActiveConnections?: boolean): Promise<void>;
  };
};
declare const process: {
  argv: string[];
  on(signal: string, fn: (error?: unknown) => void): void;
  off(signal: string, fn: (error?: unknown) => void): void;
  exit(code: number): never;
};

// A server that cannot start says why in one line (the launcher's own errors look the same), not a stack.
const startupFailed = (error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const port = /EADDRINUSE|in use/i.test(message) ? ' (the port is taken: pick another with --port)' : '';
  console.error(`duet serve --runtime bun: ${message}${port}`);
  process.exit(1);
};
process.on('uncaughtException', startupFailed);
process.on('unhandledRejection', startupFailed);

async function readSource(source: string): Promise<string> {
  if (/^https?:\/\//i.test(source)) return fetchText(source);
  const file = Bun.file(source);
  if (!(await file.exists())) throw new Error(`${source}: cannot read the spec (no such file)`);
  return file.text();
}

// The Node CLI writes the config to stdin (argv would show credentials in `ps`), then holds stdin open.
const { config, launcherGone } = await readServeConfig(Bun.stdin.stream());
const { limits, pool } = parseLimitFlags(config.sandboxLimits);
const sandbox = createProcessSandbox({ ...pool, memoryBytes: limits.memoryBytes });
// --store: a node of a PostgreSQL cluster (adapters import each other only dynamically).
const cluster = config.store
  ? await (await import('../postgres/node.ts')).openPostgresNode({
      url: config.store,
      leaseMs: config.leaseMs,
    })
  : undefined;
const durable =
  cluster ??
  (() => {
    try {
      return openBunSessions(config.data);
    } catch (error) {
      throw inDataDir(config.data, error);
    }
  })();
const duet = await duetFromConfig(config, {
  readSource,
  sandbox,
  sessions: durable.sessions,
  rateLimiter: durable.rateLimiter,
  typeChecker: createBunTypeChecker,
  docsAssets: bunDocsAssets,
});
const app = cluster
  ? cluster.route(duet.app, (authorization) => duet.auth.authenticate(authorization))
  : duet.app;
let server: ReturnType<typeof Bun.serve>;
try {
  server = Bun.serve({ port: config.port, hostname: config.host, fetch: app.fetch });
} catch (error) {
  throw new Error(`cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
}
const host = config.host.includes(':') ? `[${config.host}]` : config.host;
const url = `http://${host}:${server.port}`;
if (cluster) {
  if (!config.advertise && /^http:\/\/(0\.0\.0\.0|\[::\])/.test(url)) {
    console.error(
      `duet serve: --host ${config.host}: pass --advertise http://THIS-HOST:PORT so other nodes can reach this one`,
    );
    process.exit(2);
  }
  const advertise = config.advertise ?? url;
  await cluster.register(advertise);
  const { node, name, leaseMs } = cluster.driver;
  console.error(
    JSON.stringify({
      level: 'info',
      msg: `duet node ${node} on ${name}, advertised as ${advertise}`,
      node,
      advertise,
      leaseMs,
    }),
  );
}
console.error(listeningLine(url, duet, 'bun'));
// The type-checker loads now rather than in the first user's execute.
void duet.warm();
// Started: from now on an unexpected error keeps its stack.
process.off('uncaughtException', startupFailed);
process.off('unhandledRejection', startupFailed);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  // In-flight requests get five seconds to finish; then the process goes regardless.
  setTimeout(() => process.exit(1), 5_000);
  await server.stop(false);
  await sandbox.close();
  await durable.close();
  process.exit(0);
}
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, stop);
// The Node CLI started this process: when it dies, even by kill -9, its end of stdin closes and this
// server stops too rather than live on as an orphan holding the port and --data (or session leases).
// Unlike watching the parent pid, this works on Windows and needs no polling.
void launcherGone.then(stop);
