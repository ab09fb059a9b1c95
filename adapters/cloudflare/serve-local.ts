/** `duet serve --runtime workerd`: the duet Worker in real workerd (through Miniflare), its objects persisted under a data dir. */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type { Miniflare as MiniflareClass, WorkerOptions } from 'miniflare';
import { parseSpecText } from '../../src/catalog/index.ts';
import { type BundleTarget, loadWorkerBundle } from './bundle-cache.ts';
import type { WorkerBundle } from './bundle-worker.ts';
import { lazyWorkerCode, lazyWorkerSource } from './lazy-worker.ts';
import { type DuetWorkerConfig, readWorkerConfig } from './worker-config.ts';
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
   * (default true); false leaves the binding out and only syntax is checked. The package's checker
   * Worker starts on the first check (lazy-worker.ts), not with workerd.
   */
  typecheck?: boolean;
  /** The wrangler.jsonc of each Worker the main one binds (`services`), by Worker name. */
  services?: Record<string, string>;
}

/**
 * Miniflare through `require`: it is one CommonJS file of ~90,000 lines, and `import` would first scan it
 * for its named exports (cjs-module-lexer), which took longer than loading it (1 s against 0.35 s).
 */
function loadMiniflare(): typeof MiniflareClass {
  return (createRequire(import.meta.url)('miniflare') as typeof import('miniflare')).Miniflare;
}

/** A Worker's bundle: the one `npm run build` or an earlier start stored while it is current, else esbuild's. */
async function workerBundle(target: BundleTarget): Promise<WorkerBundle> {
  return (await loadWorkerBundle(target)).bundle;
}

/**
 * What this process hands the Workers over loopback rather than in their configuration: specs given as
 * text, and the code of Workers started on their first call. Miniflare hands workerd its configuration as
 * one Cap'n Proto message whose buffer grows by copying itself at each step, so megabytes in a binding or
 * a module cost seconds before workerd even starts (GitHub's spec: 1-3 s). A random path segment keeps
 * other local processes from reading what is served.
 */
class HostFiles {
  readonly #routes = new Map<string, () => Promise<string>>();
  readonly #token = randomBytes(16).toString('hex');
  #server: Promise<{ server: Server; origin: string }> | undefined;

  /** Serves `body` (made on each request) under `name`; resolves to its URL. */
  async add(name: string, body: () => Promise<string>): Promise<string> {
    this.#routes.set(name, body);
    this.#server ??= this.#listen();
    const { origin } = await this.#server;
    return `${origin}/${this.#token}/${encodeURIComponent(name)}`;
  }

  async #listen(): Promise<{ server: Server; origin: string }> {
    const server = createServer((request, response) => {
      const [, token, name] = (request.url ?? '').split('/');
      const body = token === this.#token && name ? this.#routes.get(decodeURIComponent(name)) : undefined;
      if (request.method !== 'GET' || !body) {
        response.writeHead(404).end();
        return;
      }
      body().then(
        (text) => response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(text),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    });
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(0, '127.0.0.1', done);
    });
    // workerd dies with this process (workerd-guard.ts); the server alone must not keep it alive.
    server.unref();
    const { port } = server.address() as AddressInfo;
    return { server, origin: `http://127.0.0.1:${port}` };
  }

  async close(): Promise<void> {
    const listening = await this.#server?.catch(() => undefined);
    if (!listening) return;
    const closed = new Promise<void>((done) => listening.server.close(() => done()));
    // workerd keeps its connections alive; close() alone would wait for them.
    listening.server.closeAllConnections();
    await closed;
  }
}

/** How each spec is named in errors: as worker-config.ts names it (`DUET_CONFIG.specs[0] (github)`) or its URL. */
function specLabels(config: DuetWorkerConfig): string[] {
  return (config.specs ?? []).map((spec, index) =>
    'text' in spec ? `DUET_CONFIG.specs[${index}] (${spec.name})` : spec.url,
  );
}

/** The config the Worker gets: each spec given as text becomes a URL served by `host`. */
async function specsByUrl(config: DuetWorkerConfig, host: HostFiles): Promise<DuetWorkerConfig> {
  if (!config.specs?.some((spec) => 'text' in spec)) return config;
  const specs = await Promise.all(
    config.specs.map(async (spec, index) => {
      if (!('text' in spec)) return spec;
      const { text } = spec;
      return { name: spec.name, url: await host.add(`spec-${index}`, async () => text) };
    }),
  );
  return { ...config, specs };
}

/**
 * The package's checker Worker (`duet-typecheck`, RPC `check`) starts on its first call: its stand-in
 * (lazy-worker.ts) loads the bundle this process serves. Other bound Workers start with workerd.
 */
const LAZY_WORKERS: Record<string, { config: string; methods: string[] }> = {
  'duet-typecheck': { config: TYPECHECK_WRANGLER_CONFIG, methods: ['check'] },
};

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
  const lazy = services.map(({ service, entrypoint }) => {
    const known = LAZY_WORKERS[service];
    return known !== undefined && !entrypoint && configs[service] === known.config ? known : undefined;
  });
  // Stored bundles are read and checked here (~0.1 s); a stale or missing one is bundled by esbuild, in its
  // own process, while the specs parse here. A Worker started on its first call gets its bundle then.
  const bundling = Promise.all(
    [wrangler, ...serviceConfigs.filter((_, i) => !lazy[i])].map((target) => workerBundle(target)),
  );
  bundling.catch(() => undefined);
  // A broken spec should stop the command now, not answer 500 from inside workerd later. Text that does
  // not parse stops it here, before workerd starts; everything else about the specs is found by the
  // Worker's first request, which serveWorkerd makes before it reports the server ready (building the
  // APIs here too would be GitHub's spec built twice on the way to ready: ~0.3 s).
  const labels = specLabels(config);
  for (const [index, spec] of (config.specs ?? []).entries()) {
    if ('text' in spec) parseSpecText(spec.text, labels[index]!);
  }
  const [bundle, ...eagerBundles] = await bundling;
  const Miniflare = loadMiniflare();
  const files = new HostFiles();
  const served = await specsByUrl(config, files);
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
  /** Read (and checked, or bundled) once, when the stand-in first asks: off the start's path. */
  const lazyCode = new Map<string, Promise<string>>();
  const codeOf = (service: WranglerConfig): Promise<string> => {
    let code = lazyCode.get(service.name);
    if (!code) {
      code = workerBundle(service).then((bundled) =>
        JSON.stringify(lazyWorkerCode(bundled, service.compatibilityDate, service.compatibilityFlags)),
      );
      lazyCode.set(service.name, code);
      // A failure (a stale bundle esbuild could not make) is tried again on the next call.
      code.catch(() => lazyCode.delete(service.name));
    }
    return code;
  };
  let eager = 0;
  const serviceWorkers = await Promise.all(
    serviceConfigs.map(async (service, i): Promise<WorkerOptions> => {
      const known = lazy[i];
      if (!known) return worker(service, eagerBundles[eager++]!);
      return {
        name: service.name,
        modules: [
          {
            type: 'ESModule',
            path: join(dirname(service.main), 'lazy-worker.js'),
            contents: lazyWorkerSource(service.name, known.methods),
          },
        ],
        modulesRoot: dirname(service.main),
        compatibilityDate: service.compatibilityDate,
        compatibilityFlags: service.compatibilityFlags,
        workerLoaders: { LOADER: {} },
        bindings: { CODE_URL: await files.add(`worker-${service.name}`, () => codeOf(service)) },
      };
    }),
  );
  const mf = new Miniflare({
    // The first Worker gets the HTTP requests; the others are reached only through its bindings.
    workers: [
      {
        ...worker(wrangler, bundle),
        bindings: { DUET_CONFIG: JSON.stringify(served) },
        serviceBindings: Object.fromEntries(
          services.map(({ binding, service, entrypoint }) => [binding, { name: service, entrypoint }]),
        ),
      },
      ...serviceWorkers,
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
    await files.close();
    const hint = /EADDRINUSE|address already in use/i.test(String(error))
      ? ` (port ${port} is taken: pick another with --port)`
      : '';
    throw new Error(
      `duet serve --runtime workerd: cannot listen on ${host}:${port}${hint}: ${String(error)}`,
    );
  }
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= mf.dispose().finally(() => files.close()));
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
  // The Worker builds its app (fetches and parses the specs) on its first request: made here, so the
  // server is ready when it says it listens, and a Worker that cannot start stops the command.
  const first = await mf.dispatchFetch(new URL('/healthz', url)).then(
    async (response) => ({ status: response.status, text: await response.text() }),
    (error: unknown) => ({ status: 0, text: String(error) }),
  );
  if (first.status === 0 || first.status >= 500) {
    await close().catch(() => undefined);
    let detail = first.text;
    try {
      detail = (JSON.parse(first.text) as { error: { message: string } }).error.message ?? detail;
    } catch {}
    // A spec served from here is named as the Worker's config names it, not by its loopback URL.
    for (const [index, spec] of (served.specs ?? []).entries()) {
      const given = config.specs?.[index];
      if ('url' in spec && given && 'text' in given) {
        detail = detail.split(spec.url).join(labels[index]!);
      }
    }
    throw new Error(`duet serve --runtime workerd: the Worker cannot start: ${detail}`);
  }
  return { url: url.origin, persistDir, close };
}
