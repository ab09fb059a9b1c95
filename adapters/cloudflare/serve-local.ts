/** `duet serve --runtime workerd`: the duet Worker in real workerd (through Miniflare), its objects persisted under a data dir. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Miniflare } from 'miniflare';
import { bundleWorker } from './bundle-worker.ts';
import { type DuetWorkerConfig, loadWorkerApis, readWorkerConfig } from './worker-config.ts';
import { guardWorkerd } from './workerd-guard.ts';
import { readWranglerConfig, WRANGLER_CONFIG } from './wrangler-config.ts';

export interface ServeWorkerdOptions {
  /** Default 8787; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Durable Object storage goes to `<dataDir>/workerd/` (SQLite files); it survives restarts. */
  dataDir: string;
  /** What the Worker gets as `DUET_CONFIG`: specs as text (workerd has no filesystem) or URLs. */
  config?: DuetWorkerConfig;
  /** Exit on SIGTERM/SIGINT after closing workerd (default true, as with serveNode). */
  signals?: boolean;
  /** Another wrangler.jsonc to read the entry, compatibility date, flags, objects and loaders from. */
  wranglerConfig?: string;
}

export interface WorkerdServer {
  url: string;
  /** Where the objects' SQLite files are. */
  persistDir: string;
  close(): Promise<void>;
}

export async function serveWorkerd(options: ServeWorkerdOptions): Promise<WorkerdServer> {
  // workerd enforces no CPU limit, so a loop in a Dynamic Worker would hold the whole process: locally
  // the loader sandbox runs only when asked for (`config.sandbox: 'loader'`, `--sandbox loader`).
  const config = readWorkerConfig({ ...options.config, sandbox: options.config?.sandbox ?? 'quickjs' });
  // A broken spec should stop the command now, not answer 500 from inside workerd later.
  await loadWorkerApis(config);
  const wrangler = readWranglerConfig(options.wranglerConfig ?? WRANGLER_CONFIG);
  const bundle = await bundleWorker(wrangler.main);
  const persistDir = join(resolve(options.dataDir), 'workerd');
  mkdirSync(persistDir, { recursive: true });
  const port = options.port ?? 8787;
  const host = options.host ?? '127.0.0.1';
  guardWorkerd();
  const mf = new Miniflare({
    name: wrangler.name,
    modules: bundle.modules,
    modulesRoot: bundle.modulesRoot,
    compatibilityDate: wrangler.compatibilityDate,
    compatibilityFlags: wrangler.compatibilityFlags,
    durableObjects: Object.fromEntries(
      wrangler.durableObjects.map(({ name, className }) => [
        name,
        { className, useSQLite: wrangler.sqliteClasses.includes(className) },
      ]),
    ),
    durableObjectsPersist: persistDir,
    workerLoaders: Object.fromEntries(wrangler.workerLoaders.map((name) => [name, {}])),
    bindings: { DUET_CONFIG: JSON.stringify(config) },
    host,
    port,
  });
  let url: URL;
  try {
    url = await mf.ready;
  } catch (error) {
    await mf.dispose().catch(() => undefined);
    const hint = /EADDRINUSE|address already in use/i.test(String(error))
      ? ` (port ${port} is taken: pick another with --port)`
      : '';
    throw new Error(
      `duet serve --runtime workerd: cannot listen on ${host}:${port}${hint}: ${String(error)}`,
    );
  }
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= mf.dispose());
  if (options.signals !== false) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      // Miniflare's exit hook would exit with 128+signal at once; closing workerd ourselves is the cleanup.
      for (const listener of process.listeners(signal)) process.removeListener(signal, listener);
      process.once(signal, () => {
        console.error(JSON.stringify({ level: 'info', msg: `received ${signal}, shutting down` }));
        close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      });
    }
  }
  return { url: url.origin, persistDir, close };
}
