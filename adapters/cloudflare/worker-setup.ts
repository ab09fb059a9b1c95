/** What the Worker and the Durable Objects of one isolate share: the configured APIs and one sandbox. */
import pkg from '../../package.json' with { type: 'json' };
import type { DuetConfig } from '../../src/duet.ts';
import type { Sandbox } from '../../src/sandbox/types.ts';
import { loadWorkerApis, readWorkerConfig } from './worker-config.ts';
import { createWorkersSandbox, WORKERS_SANDBOX_MEMORY_BYTES } from './workers-sandbox.ts';

export interface WorkerSetup {
  /** Everything `createDuet` needs but the session store, which differs between Worker and object. */
  duet: Omit<DuetConfig, 'sessions'>;
  maxBodyBytes: number;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

let cached: { key: string; setup: Promise<WorkerSetup> } | undefined;
const sandboxes = new Map<number, Sandbox>();

/**
 * Built once per isolate and configuration: specs are parsed on the first request rather than at
 * module load, because workerd allows no I/O (a spec URL) outside a request. A failure is not kept,
 * so a spec URL that was down is fetched again by the next request.
 */
export function workerSetup(rawConfig: unknown): Promise<WorkerSetup> {
  const key = typeof rawConfig === 'string' ? rawConfig : JSON.stringify(rawConfig ?? null);
  if (cached?.key !== key) {
    const setup = buildSetup(rawConfig);
    cached = { key, setup };
    setup.catch(() => {
      if (cached?.setup === setup) cached = undefined;
    });
  }
  return cached.setup;
}

async function buildSetup(rawConfig: unknown): Promise<WorkerSetup> {
  const config = readWorkerConfig(rawConfig);
  const apis = await loadWorkerApis(config);
  const memoryBytes = config.limits?.memoryBytes ?? WORKERS_SANDBOX_MEMORY_BYTES;
  let sandbox = sandboxes.get(memoryBytes);
  if (!sandbox) {
    sandbox = createWorkersSandbox(memoryBytes);
    sandboxes.set(memoryBytes, sandbox);
  }
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
    },
    maxBodyBytes,
  };
}
