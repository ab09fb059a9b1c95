/** duet on Cloudflare Workers (workerd side): the Worker, its session Durable Object, the DO storage driver, the sandbox. Node-side launcher: serve-local.ts. */
export { DURABLE_OBJECT_DRIVER, DURABLE_OBJECT_LIMITS, durableObjectDriver } from './do-driver.ts';
export type { DuetEnv } from './env.ts';
export {
  createLoaderSandbox,
  type LoaderSandboxOptions,
  type WorkerLoader,
  type WorkerLoaderCode,
} from './loader-sandbox.ts';
export { sessionObjectName } from './route-session.ts';
export { DuetSession } from './session-object.ts';
export { default } from './worker.ts';
export {
  type DuetWorkerConfig,
  loadWorkerApis,
  readWorkerConfig,
  WorkerConfigError,
  type WorkerSpecSource,
} from './worker-config.ts';
export { createWorkersSandbox, WORKERS_SANDBOX_MEMORY_BYTES } from './workers-sandbox.ts';
