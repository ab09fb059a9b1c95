/** What the Worker and the Durable Objects of one isolate share: the configured APIs and one sandbox. */
import pkg from '../../package.json' with { type: 'json' };
import { jsonLogger } from '../../src/audit/telemetry.ts';
import type { DuetConfig } from '../../src/duet.ts';
import type { Sandbox } from '../../src/sandbox/types.ts';
import { workerDocsAssets } from './docs-assets.ts';
import { createLoaderSandbox, type WorkerLoader } from './loader-sandbox.ts';
import { remoteTypeChecker } from './remote-typecheck.ts';
import type { TypeCheckService } from './typecheck/protocol.ts';
import {
  type DuetWorkerConfig,
  loadWorkerApis,
  readWorkerConfig,
  WorkerConfigError,
} from './worker-config.ts';
import { createWorkersSandbox, WORKERS_SANDBOX_MEMORY_BYTES } from './workers-sandbox.ts';

export interface WorkerSetup {
  /** Everything `createDuet` needs but the session store, which differs between Worker and object. */
  duet: Omit<DuetConfig, 'sessions'>;
  maxBodyBytes: number;
  /** The agent's model as configured; the session objects run the agent (see `agentConfig`). */
  model?: DuetWorkerConfig['model'];
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

let cached: { key: string; setup: Promise<WorkerSetup> } | undefined;
const sandboxes = new Map<number, Sandbox>();
const loaderSandboxes = new WeakMap<WorkerLoader, Sandbox>();

/**
 * Built once per isolate and configuration: specs are parsed on the first request rather than at
 * module load, because workerd allows no I/O (a spec URL) outside a request. A failure is not kept,
 * so a spec URL that was down is fetched again by the next request. `loader` is the Worker's `LOADER`
 * binding and `typecheck` its `TYPECHECK` binding, if it has them.
 */
export function workerSetup(
  rawConfig: unknown,
  loader?: WorkerLoader,
  typecheck?: TypeCheckService,
): Promise<WorkerSetup> {
  const key = `${loader ? 'loader' : ''}:${typecheck ? 'typecheck' : ''}:${typeof rawConfig === 'string' ? rawConfig : JSON.stringify(rawConfig ?? null)}`;
  if (cached?.key !== key) {
    const setup = buildSetup(rawConfig, loader, typecheck);
    cached = { key, setup };
    setup.catch(() => {
      if (cached?.setup === setup) cached = undefined;
    });
  }
  return cached.setup;
}

async function buildSetup(
  rawConfig: unknown,
  loader: WorkerLoader | undefined,
  typecheck: TypeCheckService | undefined,
): Promise<WorkerSetup> {
  const config = readWorkerConfig(rawConfig);
  const apis = await loadWorkerApis(config);
  const memoryBytes = config.limits?.memoryBytes ?? WORKERS_SANDBOX_MEMORY_BYTES;
  const sandbox = chooseSandbox(config.sandbox, loader, memoryBytes);
  const maxBodyBytes = config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return {
    duet: {
      apis,
      demo: config.demo,
      sandbox,
      upstreams: config.upstreams,
      allowFetch: config.allowFetch,
      limits: { ...config.limits, memoryBytes },
      maxBodyBytes,
      version: pkg.version,
      policy: config.policy,
      // One JSON line per execution, kept by Workers Logs.
      log: jsonLogger((line) => console.log(line)),
      docsAssets: workerDocsAssets,
      // One checker for the isolate's Worker and objects, so an outage of the checker Worker is logged once.
      // The checker Worker builds the same catalog from the specs (credentials and policy stay here).
      typeChecker: typecheck
        ? remoteTypeChecker(typecheck, { specs: config.specs, demo: config.demo }, config.typecheck)
        : undefined,
    },
    maxBodyBytes,
    model: config.model,
  };
}

/** The loader when the Worker has one and the config does not ask for QuickJS; QuickJS otherwise. */
function chooseSandbox(
  wanted: 'loader' | 'quickjs' | undefined,
  loader: WorkerLoader | undefined,
  memoryBytes: number,
): Sandbox {
  if (wanted === 'loader' && !loader) {
    throw new WorkerConfigError(
      'DUET_CONFIG.sandbox is \'loader\' but the Worker has no LOADER binding: add "worker_loaders": [{ "binding": "LOADER" }] to wrangler.jsonc',
    );
  }
  if (loader && wanted !== 'quickjs') {
    let sandbox = loaderSandboxes.get(loader);
    if (!sandbox) {
      sandbox = createLoaderSandbox(loader);
      loaderSandboxes.set(loader, sandbox);
    }
    return sandbox;
  }
  let sandbox = sandboxes.get(memoryBytes);
  if (!sandbox) {
    sandbox = createWorkersSandbox(memoryBytes);
    sandboxes.set(memoryBytes, sandbox);
  }
  return sandbox;
}
