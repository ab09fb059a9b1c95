/** A Sandbox on a pool of worker threads: QuickJS off the event loop, killable when a built-in ignores the deadline. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createPoolSandbox, type PoolOptions } from '../../src/sandbox/pool.ts';
import { defaultLimits, type Sandbox } from '../../src/sandbox/types.ts';
import type { FromWorker } from '../../src/sandbox/worker-protocol.ts';
import { builtWorkerScript } from './worker-script.ts';

export interface WorkerSandboxOptions extends PoolOptions {
  /** Largest guest stack the workers' native stacks are sized for (default `defaultLimits.stackBytes`). */
  stackBytes?: number;
}

/**
 * QuickJS's native frames use several times the stack QuickJS accounts for (JSON.stringify of nested data
 * ~16x), so the worker's thread stack is sized for the guest limit and QuickJS's own check fires first.
 */
const threadStackMb = (stackBytes: number) => Math.ceil((stackBytes * 24) / 2 ** 20) + 4;

// lib "ES2023" has no WebAssembly types; this is the one constructor used here.
declare const WebAssembly: { Module: new (bytes: Uint8Array) => object };

/**
 * Compiled once per process (~4 ms, lazily by the engine) and handed to every worker: V8 shares a module's
 * code between threads, so a function optimised while one worker runs it is optimised for all. Each
 * worker compiling its own copy meant every new worker ran QuickJS unoptimised for its first few hundred
 * runs, and kept its own copy of the machine code.
 */
let quickjsWasm: object | undefined;
function sharedQuickJSModule(): object {
  if (!quickjsWasm) {
    const path = createRequire(import.meta.url).resolve('@jitl/quickjs-wasmfile-release-sync/wasm');
    quickjsWasm = new WebAssembly.Module(readFileSync(path));
  }
  return quickjsWasm;
}

/** Worker threads stop promptly on `terminate()`, even inside WASM, so they are the backstop on Node. */
export function createWorkerSandbox(options: WorkerSandboxOptions = {}): Sandbox {
  const memoryBytes = options.memoryBytes ?? defaultLimits.memoryBytes;
  const script = builtWorkerScript('sandbox-worker.js', 'sandbox');
  const resourceLimits = {
    stackSizeMb: threadStackMb(options.stackBytes ?? defaultLimits.stackBytes),
    // Guest memory is WASM memory outside this heap; the heap only holds strings crossing the boundary.
    maxOldGenerationSizeMb: Math.ceil((2 * memoryBytes) / 2 ** 20) + 64,
  };
  return createPoolSandbox(
    (init, events) => {
      const workerData = { ...init, wasmModule: sharedQuickJSModule() };
      const worker = new Worker(script, { workerData, resourceLimits });
      let crash: (Error & { code?: string }) | undefined;
      worker.on('message', (message: FromWorker) => events.message(message));
      worker.on('error', (error) => {
        crash = error;
      });
      worker.on('exit', (code) =>
        events.exit({
          reason: crash ? `${crash.name}: ${crash.message}` : `exit code ${code}`,
          outOfMemory: crash?.code === 'ERR_WORKER_OUT_OF_MEMORY',
        }),
      );
      return {
        send: (message) => worker.postMessage(message),
        kill: () => worker.terminate(),
        hold: (busy) => (busy ? worker.ref() : worker.unref()),
      };
    },
    { ...options, memoryBytes, cpus: options.cpus ?? availableParallelism() },
  );
}
