/** Loads a QuickJS WASM module whose linear memory is capped, the only reliable per-sandbox memory limit. */
import releaseSyncImport from '@jitl/quickjs-wasmfile-release-sync';
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core';

// lib "ES2023" has no WebAssembly types; this is the one constructor used here.
declare const WebAssembly: { Memory: new (descriptor: { initial: number; maximum: number }) => object };

// The package's CommonJS-style typings describe the ESM default import as the whole module; unwrap either shape.
const imported = releaseSyncImport as unknown as QuickJSSyncVariant | { default: QuickJSSyncVariant };
const releaseSyncVariant = 'default' in imported ? imported.default : imported;

const PAGE_BYTES = 64 * 1024;
const INITIAL_PAGES = 256;
/**
 * On top of the guest's budget: the module's static data and its 5 MiB C stack live in the same memory,
 * and the allocator fragments, so a cap of exactly `memoryBytes` would fail well before the guest used it.
 */
export const MEMORY_HEADROOM_BYTES = 16 * 1024 * 1024;

/** The linear-memory cap, in bytes, of a module built for a given guest memory budget. */
export function moduleCapBytes(memoryBytes: number): number {
  const pages = Math.max(INITIAL_PAGES, Math.ceil((memoryBytes + MEMORY_HEADROOM_BYTES) / PAGE_BYTES));
  return pages * PAGE_BYTES;
}

/**
 * A fresh module instance with its own capped WebAssembly.Memory. QuickJS's own `setMemoryLimit` does
 * not bound what a guest retains in this build, so this cap is what turns a hog into an "out of memory".
 */
export function loadQuickJSModule(memoryBytes: number, wasmModule?: unknown): Promise<QuickJSWASMModule> {
  const wasmMemory = new WebAssembly.Memory({
    initial: INITIAL_PAGES,
    maximum: moduleCapBytes(memoryBytes) / PAGE_BYTES,
  });
  // workerd compiles no WASM bytes at run time: it hands over the module precompiled from an import.
  const options = {
    wasmMemory,
    ...(wasmModule ? { wasmModule } : {}),
    emscriptenModule: { printErr: reportModuleError },
  };
  return newQuickJSWASMModuleFromVariant(newVariant(releaseSyncVariant, options as never));
}

/**
 * Freeing a runtime whose run was interrupted inside a promise job can fail QuickJS's `gc_obj_list`
 * assertion (an object the interrupted job referenced is never released), which aborts the module. The
 * caller already throws an aborted module away (`cleanUp` reports it), so that one message is expected
 * and kept off standard error; anything else the module prints still goes there.
 */
function reportModuleError(text: string): void {
  if (/Assertion failed: list_empty\(&rt->gc_obj_list\)/.test(text)) return;
  console.error(text);
}
