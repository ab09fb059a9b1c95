/** The QuickJS sandbox on workerd: the WASM comes precompiled from a module import, since workerd refuses to compile bytes at run time. */
import releaseSyncImport from '@jitl/quickjs-wasmfile-release-sync';
import wasmModule from '@jitl/quickjs-wasmfile-release-sync/wasm';
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import { timeoutFailure } from '../../src/sandbox/failure-messages.ts';
import { createQuickJSSandbox } from '../../src/sandbox/index.ts';
import { moduleCapBytes } from '../../src/sandbox/quickjs-module.ts';
import type { Sandbox } from '../../src/sandbox/types.ts';

declare const WebAssembly: { Memory: new (descriptor: { initial: number; maximum: number }) => object };

const imported = releaseSyncImport as unknown as QuickJSSyncVariant | { default: QuickJSSyncVariant };
const releaseSync = 'default' in imported ? imported.default : imported;

const PAGE_BYTES = 64 * 1024;
const INITIAL_PAGES = 256;

/**
 * A Worker isolate has 128 MB in all, so the guest budget is half of the Node default; the module's
 * linear memory is capped at that plus the headroom `moduleCapBytes` adds.
 */
export const WORKERS_SANDBOX_MEMORY_BYTES = 32 * 1024 * 1024;

export function loadWorkersQuickJS(memoryBytes: number): Promise<QuickJSWASMModule> {
  const wasmMemory = new WebAssembly.Memory({
    initial: INITIAL_PAGES,
    maximum: moduleCapBytes(memoryBytes) / PAGE_BYTES,
  });
  return newQuickJSWASMModuleFromVariant(
    newVariant(releaseSync, { wasmModule: wasmModule as never, wasmMemory: wasmMemory as never }),
  );
}

/**
 * Runs on the request's own thread: workerd has no killable workers, so a guest spinning inside a
 * built-in is stopped by the platform's CPU limit rather than by duet. A run that returns only after
 * its deadline (a built-in that never polls the interrupt handler, and a clock that moved meanwhile)
 * ends with `timeout` rather than hand back what it computed too late.
 */
export function createWorkersSandbox(memoryBytes: number = WORKERS_SANDBOX_MEMORY_BYTES): Sandbox {
  const sandbox = createQuickJSSandbox({ memoryBytes, module: () => loadWorkersQuickJS(memoryBytes) });
  return {
    async run(request, host) {
      const result = await sandbox.run(request, host);
      if (!result.ok || result.durationMs <= request.limits.timeoutMs) return result;
      const { logs, durationMs } = result;
      return { ok: false, error: timeoutFailure(request.limits), logs, durationMs };
    },
    close: () => sandbox.close(),
  };
}
