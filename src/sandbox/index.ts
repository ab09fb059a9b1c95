/** The sandbox: run untrusted JavaScript in QuickJS with explicit bindings and hard limits. */
export { answerHostCall, type HostReply, toHostCallError } from './host-reply.ts';
export { parseLimitFlags, type SandboxSettings } from './limit-flags.ts';
export { isSandboxOverloaded, SandboxOverloadedError } from './overloaded.ts';
export {
  createPoolSandbox,
  type PoolOptions,
  type PoolWorker,
  type PoolWorkerEvents,
  type SpawnWorker,
  type WorkerExit,
} from './pool.ts';
export { createQuickJSSandbox, type QuickJSSandboxOptions } from './quickjs-runner.ts';
export * from './types.ts';
export { serveSandboxWorker, type WorkerChannel } from './worker-loop.ts';
