/** A QuickJS runtime+context with the sandbox's natives made but no globals installed: the unit of isolation. */
import type {
  QuickJSContext,
  QuickJSHandle,
  QuickJSRuntime,
  QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import { installGlobals, makePart } from './guest-globals.ts';
import type { PreludeConfig } from './guest-prelude.ts';
import type { RunSession } from './run-session.ts';

/**
 * Never reused across runs. Built ahead of a run, it takes runtime and context creation (~0.1 ms) off
 * the run's latency.
 */
export interface FreshContext {
  runtime: QuickJSRuntime;
  context: QuickJSContext;
  /** The natives the prelude's parts receive: `call`, `log`, `lookup`, and `part(name)` for other parts. */
  call: QuickJSHandle;
  log: QuickJSHandle;
  lookup: QuickJSHandle;
  part: QuickJSHandle;
  /**
   * Built-ins taken before any guest code ran, so a snippet that replaces them changes neither the wire
   * format nor how its globals are defined: `{ stringify, parse }` for the parts, and the two the host
   * calls itself.
   */
  json: QuickJSHandle;
  stringify: QuickJSHandle;
  defineProperty: QuickJSHandle;
  deleteProperty: QuickJSHandle;
  /** The object the parts read their settings from (`maxLogChars`); filled when a run installs its globals. */
  config: QuickJSHandle;
  /** The globals defined so far (before the run, those the run was expected to want). */
  installed: PreludeConfig | undefined;
  /** Parts made so far, by name; owned here until the context is disposed. */
  parts: Map<string, QuickJSHandle>;
  /** The natives exist before the run does, so they reach it through this slot. */
  hooks: { session: RunSession | undefined };
}

/**
 * Throws (a host-side error) only when the module itself is broken or exhausted. With `expected` (the
 * bindings of the previous run, usually the next one's), its globals are defined now rather than on the
 * run's latency path; a run that wants others redefines them.
 */
export function prepareContext(module: QuickJSWASMModule, expected?: PreludeConfig): FreshContext {
  const runtime = module.newRuntime();
  const context = runtime.newContext();
  const hooks: FreshContext['hooks'] = { session: undefined };
  const call = context.newFunction('call', (request) => hooks.session?.onCall(request) ?? context.undefined);
  const log = context.newFunction('log', (level, text) => hooks.session?.onLog(level, text) ?? context.false);
  const lookup = context.newFunction(
    'lookup',
    (api, name, words) => hooks.session?.onLookup(api, name, words) ?? context.false,
  );
  const jsonGlobal = context.getProp(context.global, 'JSON');
  const objectGlobal = context.getProp(context.global, 'Object');
  const reflectGlobal = context.getProp(context.global, 'Reflect');
  const stringify = context.getProp(jsonGlobal, 'stringify');
  const parse = context.getProp(jsonGlobal, 'parse');
  const defineProperty = context.getProp(objectGlobal, 'defineProperty');
  const deleteProperty = context.getProp(reflectGlobal, 'deleteProperty');
  for (const handle of [jsonGlobal, objectGlobal, reflectGlobal]) handle.dispose();
  const json = context.newObject();
  context.setProp(json, 'stringify', stringify);
  context.setProp(json, 'parse', parse);
  parse.dispose();
  const fresh: FreshContext = {
    runtime,
    context,
    call,
    log,
    lookup,
    part: context.undefined,
    json,
    stringify,
    defineProperty,
    deleteProperty,
    config: context.newObject(),
    installed: undefined,
    parts: new Map(),
    hooks,
  };
  // A part asks for the parts it builds on (`part('send')`); each is made once per context.
  fresh.part = context.newFunction('part', (nameHandle) => {
    const name = context.typeof(nameHandle) === 'string' ? context.getString(nameHandle) : '';
    const made = makePart(fresh, name);
    return made.error ? made : made.value.dup();
  });
  const failed = expected ? installGlobals(fresh, expected) : undefined;
  if (failed) {
    // Some globals may be defined and some not: start over without them; the run finds out for itself.
    failed.dispose();
    disposeContext(fresh);
    return prepareContext(module);
  }
  return fresh;
}

/** Frees everything; throws if QuickJS finds leaked objects (then the module is suspect). */
export function disposeContext(fresh: FreshContext): void {
  const { call, log, lookup, part, json, stringify, defineProperty, deleteProperty, config } = fresh;
  const natives = [call, log, lookup, part, json, stringify, defineProperty, deleteProperty, config];
  for (const handle of [...fresh.parts.values(), ...natives]) if (handle.alive) handle.dispose();
  fresh.parts.clear();
  fresh.context.dispose();
  fresh.runtime.dispose();
}
