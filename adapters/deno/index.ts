/** duet on Deno: sessions on Deno KV, the subprocess sandbox pool, the type-checker and spec loading. */

export { type DenoKvDriverOptions, denoKvDriver } from './kv-driver.ts';
export { readDenoSource } from './read-source.ts';
export { createProcessSandbox } from './sandbox-pool.ts';
export { openDenoSessions } from './sessions.ts';
export { createDenoTypeChecker } from './typecheck.ts';
