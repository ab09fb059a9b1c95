/** The QuickJS sandbox on workerd: the WASM comes precompiled from a module import, since workerd refuses to compile bytes at run time. */
import wasmModule from '@jitl/quickjs-wasmfile-release-sync/wasm';
import { timeoutFailure } from '../../src/sandbox/failure-messages.ts';
import { createQuickJSSandbox } from '../../src/sandbox/index.ts';
import type { Sandbox } from '../../src/sandbox/types.ts';

/**
 * A Worker isolate has 128 MB in all, so the guest budget is half of the Node default; the module's
 * linear memory is capped at that plus the headroom `moduleCapBytes` adds.
 */
export const WORKERS_SANDBOX_MEMORY_BYTES = 32 * 1024 * 1024;

/**
 * Runs on the request's own thread: workerd has no killable workers, so a guest spinning inside a
 * built-in is stopped by the platform's CPU limit rather than by duet. A run that returns only after
 * its deadline (a built-in that never polls the interrupt handler, and a clock that moved meanwhile)
 * ends with `timeout` rather than hand back what it computed too late.
 */
export function createWorkersSandbox(memoryBytes: number = WORKERS_SANDBOX_MEMORY_BYTES): Sandbox {
  // The default loader caps the module's linear memory; the WASM itself comes precompiled from the import.
  const sandbox = createQuickJSSandbox({ memoryBytes, wasmModule });
  return {
    async run(request, host, hooks) {
      const result = await sandbox.run(request, host, hooks);
      if (!result.ok || result.durationMs <= request.limits.timeoutMs) return result;
      const { logs, durationMs } = result;
      return { ok: false, error: timeoutFailure(request.limits), logs, durationMs };
    },
    close: () => sandbox.close(),
  };
}
