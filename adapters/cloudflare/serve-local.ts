/** `duet serve --runtime workerd`: the duet Worker in real workerd (through Miniflare), its objects persisted under a data dir. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Miniflare, type WorkerOptions } from 'miniflare';
import { bundleWorker, type WorkerBundle } from './bundle-worker.ts';
import { type DuetWorkerConfig, loadWorkerApis, readWorkerConfig } from './worker-config.ts';
import { guardWorkerd } from './workerd-guard.ts';
import {
  readWranglerConfig,
  TYPECHECK_WRANGLER_CONFIG,
  WRANGLER_CONFIG,
  type WranglerConfig,
} from './wrangler-config.ts';

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
  /**
   * Run the checker Worker behind the `TYPECHECK` binding, so snippets are type-checked as on a deploy
   * (default true); false leaves the binding out and only syntax is checked.
   */
  typecheck?: boolean;
  /** The wrangler.jsonc of each Worker the main one binds (`services`), by Worker name. */
  services?: Record<string, string>;
}

/**
 * Bundles made in this process, by entry: a process that starts workerd again (a restart, tests) does not
 * bundle the TypeScript compiler again (1-2 s).
 */
const bundles = new Map<string, Promise<WorkerBundle>>();

function bundleOnce(worker: WranglerConfig): Promise<WorkerBundle> {
  const key = `${worker.main}:${worker.minify}`;
  let bundle = bundles.get(key);
  if (!bundle) {
    bundle = bundleWorker(worker.main, { minify: worker.minify });
    bundles.set(key, bundle);
    bundle.catch(() => bundles.delete(key));
  }
  return bundle;
}

/** The Workers the duet Worker's wrangler.jsonc binds, by name, and where their configs are. */
const LOCAL_SERVICES: Record<string, string> = { 'duet-typecheck': TYPECHECK_WRANGLER_CONFIG };

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
  const wrangler = readWranglerConfig(options.wranglerConfig ?? WRANGLER_CONFIG);
  const services = wrangler.services.filter(
    (service) => options.typecheck !== false || service.binding !== 'TYPECHECK',
  );
  const configs = { ...LOCAL_SERVICES, ...options.services };
  const serviceConfigs = services.map(({ service }) => {
    const path = configs[service];
    if (!path) throw new Error(`duet serve --runtime workerd: no local config for Worker '${service}'`);
    return readWranglerConfig(path);
  });
  // esbuild bundles in its own process while the specs parse here: the checker Worker's bundle (the
  // TypeScript compiler) takes about as long as GitHub's spec.
  const bundling = Promise.all([wrangler, ...serviceConfigs].map(bundleOnce));
  bundling.catch(() => undefined);
  // A broken spec should stop the command now, not answer 500 from inside workerd later.
  await loadWorkerApis(config);
  const [bundle, ...serviceBundles] = await bundling;
  const persistDir = join(resolve(options.dataDir), 'workerd');
  mkdirSync(persistDir, { recursive: true });
  const port = options.port ?? 8787;
  const host = options.host ?? '127.0.0.1';
  guardWorkerd();
  const worker = (config: WranglerConfig, bundled: WorkerBundle): WorkerOptions => ({
    name: config.name,
    modules: bundled.modules,
    modulesRoot: bundled.modulesRoot,
    compatibilityDate: config.compatibilityDate,
    compatibilityFlags: config.compatibilityFlags,
    durableObjects: Object.fromEntries(
      config.durableObjects.map(({ name, className }) => [
        name,
        { className, useSQLite: config.sqliteClasses.includes(className) },
      ]),
    ),
    workerLoaders: Object.fromEntries(config.workerLoaders.map((name) => [name, {}])),
  });
  const mf = new Miniflare({
    // The first Worker gets the HTTP requests; the others are reached only through its bindings.
    workers: [
      {
        ...worker(wrangler, bundle),
        bindings: { DUET_CONFIG: JSON.stringify(config) },
        serviceBindings: Object.fromEntries(
          services.map(({ binding, service, entrypoint }) => [binding, { name: service, entrypoint }]),
        ),
      },
      ...serviceConfigs.map((service, i) => worker(service, serviceBundles[i]!)),
    ],
    durableObjectsPersist: persistDir,
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
