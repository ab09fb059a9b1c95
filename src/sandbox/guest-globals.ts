/**
 * The sandbox's globals in a QuickJS context, defined from the host. QuickJS in WASM compiles ~2 µs per
 * statement, and a fresh context shares no bytecode: the prelude's core (PRELUDE_SOURCE) cost ~120 µs of
 * every run to compile, about a quarter of a trivial run's CPU in its worker. Defining the same globals
 * through the API costs 30-50 µs (done while the worker is idle), and only the parts a snippet touches are
 * compiled. The Worker Loader's runner (V8, which compiles fast and lazily) evaluates PRELUDE_SOURCE
 * itself; both define the same globals.
 */
import type { QuickJSHandle, SuccessOrFail, VmCallResult } from 'quickjs-emscripten-core';
import type { FreshContext } from './fresh-context.ts';
import { PRELUDE_PARTS, type PreludeConfig } from './guest-prelude.ts';
import type { RunRequest } from './types.ts';

/** A part (PRELUDE_PARTS) of this context, compiled and made on first use; the handle stays owned by `fresh`. */
export function makePart(fresh: FreshContext, name: string): VmCallResult<QuickJSHandle> {
  const { context } = fresh;
  const made = fresh.parts.get(name);
  if (made) return { value: made };
  if (!Object.hasOwn(PRELUDE_PARTS, name)) return { error: context.newError(`no prelude part ${name}`) };
  const factory = context.evalCode(PRELUDE_PARTS[name] as string, `duet:${name}`);
  if (factory.error) return factory;
  const { part, call, log, lookup, config, json } = fresh;
  const result = context.callFunction(
    factory.value,
    context.undefined,
    part,
    call,
    log,
    lookup,
    config,
    json,
  );
  factory.value.dispose();
  if (result.error) return result;
  fresh.parts.set(name, result.value);
  return { value: result.value };
}

/** `Object.defineProperty(globalThis, name, descriptor)` with the pristine function and a null-prototype descriptor. */
function defineGlobal(
  fresh: FreshContext,
  name: string,
  fields: Record<string, QuickJSHandle>,
): VmCallResult<QuickJSHandle> {
  const { context } = fresh;
  const descriptor = context.newObject(context.null);
  const key = context.newString(name);
  try {
    for (const [field, value] of Object.entries(fields)) context.setProp(descriptor, field, value);
    context.setProp(descriptor, 'configurable', context.true);
    return context.callFunction(fresh.defineProperty, context.undefined, context.global, key, descriptor);
  } finally {
    key.dispose();
    descriptor.dispose();
  }
}

/**
 * A global that makes its value on first read (an owned handle from `make`), then becomes a plain
 * writable property holding it; assigning it first replaces it without making anything.
 */
function defineLazyGlobal(
  fresh: FreshContext,
  name: string,
  make: () => VmCallResult<QuickJSHandle>,
): VmCallResult<QuickJSHandle> {
  const { context } = fresh;
  const settle = (value: QuickJSHandle) => {
    const defined = defineGlobal(fresh, name, { value, writable: context.true });
    if (defined.error) return defined;
    defined.value.dispose();
    return undefined;
  };
  const get = context.newFunction(name, () => {
    const made = make();
    if (made.error) return made;
    const failed = settle(made.value);
    if (failed) {
      made.value.dispose();
      return failed;
    }
    // The native-function wrapper hands the guest its own reference and disposes this one.
    return made.value;
  });
  const set = context.newFunction(name, (value) => settle(value));
  try {
    return defineGlobal(fresh, name, { get, set });
  } finally {
    get.dispose();
    set.dispose();
  }
}

/** A part's own value, as a new handle the caller owns. */
function partValue(fresh: FreshContext, name: string): VmCallResult<QuickJSHandle> {
  const made = makePart(fresh, name);
  return made.error ? made : { value: made.value.dup() };
}

/** The names of the globals a run's bindings make, in the order they are defined. */
function globalNames(config: PreludeConfig): string[] {
  const names = [...config.apis];
  if (config.state) names.push('state');
  if (config.fetch) names.push('fetch');
  names.push('console');
  return names;
}

/** How the global `name` makes its value on first read. */
function maker(fresh: FreshContext, name: string, isApi: boolean): () => VmCallResult<QuickJSHandle> {
  if (!isApi) return () => partValue(fresh, name);
  return () => {
    const made = makePart(fresh, 'api');
    if (made.error) return made;
    const apiName = fresh.context.newString(name);
    const object = fresh.context.callFunction(made.value, fresh.context.undefined, apiName);
    apiName.dispose();
    return object;
  };
}

/**
 * Defines the run's globals: one per API, `state` and `fetch` when bound, and `console`. A context
 * prepared for other bindings (no guest code has run in it yet) drops the globals this run does not
 * have. Returns the guest error when the context cannot take them (out of memory, or interrupted).
 */
export function installGlobals(fresh: FreshContext, config: PreludeConfig): QuickJSHandle | undefined {
  const { context } = fresh;
  const maxLogChars = context.newNumber(config.maxLogChars);
  context.setProp(fresh.config, 'maxLogChars', maxLogChars);
  maxLogChars.dispose();
  const names = globalNames(config);
  const previous = fresh.installed ? globalNames(fresh.installed) : [];
  fresh.installed = config;
  if (previous.length === names.length && previous.every((name, i) => name === names[i])) return undefined;
  for (const name of previous.filter((name) => !names.includes(name))) {
    const key = context.newString(name);
    const deleted = context.callFunction(fresh.deleteProperty, context.undefined, context.global, key);
    key.dispose();
    if (deleted.error) return deleted.error;
    deleted.value.dispose();
  }
  const apis = new Set(config.apis);
  for (const name of names) {
    const defined = defineLazyGlobal(fresh, name, maker(fresh, name, apis.has(name)));
    if (defined.error) return defined.error;
    defined.value.dispose();
  }
  return undefined;
}

/** The globals a run's request asks for, as `installGlobals` takes them. */
export function preludeConfig(request: RunRequest): PreludeConfig {
  return {
    apis: Object.keys(request.bindings.apis),
    state: request.bindings.state,
    fetch: request.bindings.fetch,
    // One character more than fits, so a line cut in the guest still shows it went over the limit.
    maxLogChars: request.limits.maxLogBytes + 1,
  };
}

/**
 * The result's JSON, serialised inside the guest by the pristine `JSON.stringify` so that no guest getter
 * or proxy runs on the host: its text, or only its length when over `maxChars` (a huge string never
 * crosses the boundary), or undefined when the value has no JSON form.
 */
export function serialiseResult(
  fresh: FreshContext,
  value: QuickJSHandle,
  maxChars: number,
): SuccessOrFail<{ text: string | undefined; tooLong: number }, QuickJSHandle> {
  const { context } = fresh;
  const serialised = context.callFunction(fresh.stringify, context.undefined, value);
  if (serialised.error) return serialised;
  try {
    if (context.typeof(serialised.value) !== 'string') return { value: { text: undefined, tooLong: 0 } };
    const length = context.getLength(serialised.value) ?? 0;
    if (length > maxChars) return { value: { text: undefined, tooLong: length } };
    return { value: { text: context.getString(serialised.value), tooLong: 0 } };
  } finally {
    serialised.value.dispose();
  }
}

/** An uncaught guest error as one line, by the `describe` part (with the snippet's line when known). */
export function describeError(
  fresh: FreshContext,
  error: QuickJSHandle,
): SuccessOrFail<string, QuickJSHandle> {
  const { context } = fresh;
  const describe = makePart(fresh, 'describe');
  if (describe.error) return describe;
  const described = context.callFunction(describe.value, context.undefined, error);
  if (described.error) return described;
  const text = context.getString(described.value);
  described.value.dispose();
  return { value: text };
}
