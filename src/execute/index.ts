/** Execute: run a TypeScript snippet against the catalog in the sandbox. */
export { ArgumentError, buildRequest } from './build-request.ts';
export { createExecutor, type Executor, type ExecutorOptions, type UpstreamConfig } from './executor.ts';
export {
  memoryRecords,
  memorySessions,
  memoryState,
  type SessionRecords,
  type SessionScope,
  type SessionStore,
  type SessionTurn,
  type StateStore,
} from './state.ts';
export { stripTypes } from './strip-types.ts';
export type * from './types.ts';
