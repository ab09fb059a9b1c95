/** The in-process Sandbox: QuickJS in WASM on the caller's thread, for runtimes without killable workers. */
import type { QuickJSWASMModule } from 'quickjs-emscripten-core';
import { disposeContext, type FreshContext, prepareContext } from './fresh-context.ts';
import { preludeConfig } from './guest-globals.ts';
import type { PreludeConfig } from './guest-prelude.ts';
import { answerHostCall } from './host-reply.ts';
import { loadQuickJSModule, moduleCapBytes } from './quickjs-module.ts';
import { runSnippet } from './run-snippet.ts';
import { defaultLimits, type RunResult, type Sandbox } from './types.ts';
import { toRunResult } from './wire-result.ts';

export interface QuickJSSandboxOptions {
  /**
   * The module to run on, or a factory for one. Default: a module whose WebAssembly.Memory is capped at
   * `memoryBytes` plus headroom. A module that faults is discarded; the factory (or, when an instance was
   * given, the default loader) then builds the next one.
   */
  module?: QuickJSWASMModule | (() => Promise<QuickJSWASMModule>);
  /** Guest memory budget the default module is capped for (default `defaultLimits.memoryBytes`). */
  memoryBytes?: number;
  /** A precompiled QuickJS `WebAssembly.Module` for the default loader (runtimes that cannot compile bytes). */
  wasmModule?: unknown;
}

interface ModuleSlot {
  module: QuickJSWASMModule;
  /** A context built while idle, so the next run skips runtime+context creation. */
  spare: FreshContext | undefined;
  /** Known only for modules built here. */
  capBytes: number | undefined;
}

/**
 * Runs snippets on this thread. A guest that spins inside a built-in the interrupt handler cannot reach
 * blocks the thread, so servers should prefer a killable worker (`createWorkerSandbox` on Node).
 */
export function createQuickJSSandbox(options: QuickJSSandboxOptions = {}): Sandbox {
  const memoryBytes = options.memoryBytes ?? defaultLimits.memoryBytes;
  let given = options.module;
  let current: Promise<ModuleSlot> | undefined;
  let closed = false;

  function load(): Promise<ModuleSlot> {
    const source = given;
    if (source !== undefined && typeof source !== 'function') {
      given = undefined;
      return Promise.resolve({ module: source, spare: undefined, capBytes: undefined });
    }
    const capBytes = source ? undefined : moduleCapBytes(memoryBytes);
    const loading = source ? source() : loadQuickJSModule(memoryBytes, options.wasmModule);
    return loading.then((module) => ({ module, spare: undefined, capBytes }));
  }

  /** Work left after a run: freeing its context and building the next run's. */
  const afterWork: (() => void)[] = [];
  const drain = () => {
    for (const task of afterWork.splice(0)) task();
  };

  /**
   * Done once the caller has its result, on a timer or at the latest when the next run starts, so a
   * caller that never yields to timers still cannot pile up contexts.
   */
  function afterRun(
    slot: ModuleSlot,
    slotPromise: Promise<ModuleSlot>,
    cleanUp: () => boolean,
    expected: PreludeConfig,
  ): void {
    afterWork.push(() => {
      const discard = () => {
        if (current === slotPromise) current = undefined;
      };
      if (cleanUp()) return discard();
      if (closed || slot.spare || current !== slotPromise) return;
      try {
        slot.spare = prepareContext(slot.module, expected);
      } catch {
        discard();
      }
    });
    setTimeout(drain, 0);
  }

  return {
    async run(request, host, hooks): Promise<RunResult> {
      if (closed) throw new Error('sandbox is closed');
      drain();
      current ??= load();
      const slotPromise = current;
      let slot: ModuleSlot;
      try {
        slot = await slotPromise;
      } catch (error) {
        if (current === slotPromise) current = undefined;
        throw error;
      }
      const fresh = slot.spare;
      slot.spare = undefined;
      const outcome = await runSnippet(slot.module, request, (callJson) => answerHostCall(host, callJson), {
        fresh,
        memoryCapBytes: slot.capBytes,
        onLog: hooks?.onLog,
        signal: hooks?.signal,
      });
      afterRun(slot, slotPromise, outcome.cleanUp, preludeConfig(request));
      return toRunResult(outcome.result);
    },
    async close(): Promise<void> {
      closed = true;
      drain();
      const slotPromise = current;
      current = undefined;
      const slot = await slotPromise?.catch(() => undefined);
      if (slot?.spare) {
        try {
          disposeContext(slot.spare);
        } catch {
          // The module is being dropped anyway.
        }
        slot.spare = undefined;
      }
    },
  };
}
