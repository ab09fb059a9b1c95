/** Names an API global may not take in the sandbox: duet's own globals, JS built-ins and reserved words. */

const duetGlobals = 'state console fetch globalThis self window global';

const jsGlobals = `Object Function Array Number Boolean String Symbol BigInt Date Promise RegExp Error AggregateError
  EvalError RangeError ReferenceError SyntaxError TypeError URIError JSON Math Intl Reflect Proxy Map Set WeakMap
  WeakSet WeakRef FinalizationRegistry Iterator ArrayBuffer SharedArrayBuffer DataView Atomics Int8Array
  Uint8Array Uint8ClampedArray Int16Array Uint16Array Int32Array Uint32Array Float16Array Float32Array
  Float64Array BigInt64Array BigUint64Array parseInt parseFloat isNaN isFinite decodeURI decodeURIComponent
  encodeURI encodeURIComponent escape unescape eval NaN Infinity undefined arguments`;

/** Web and host names a snippet may expect to mean what they usually mean. */
const hostGlobals = `URL URLSearchParams TextEncoder TextDecoder Headers Request Response Blob FormData AbortController
  AbortSignal crypto performance structuredClone atob btoa queueMicrotask setTimeout clearTimeout setInterval
  clearInterval require module exports process Deno Bun`;

const reservedWords = `await break case catch class const continue debugger default delete do else enum export
  extends false finally for function if import in instanceof new null return super switch this throw true try
  typeof var void while with yield let static implements interface package private protected public async of`;

/** The API name is also a TypeScript namespace in declarations; these cannot name one. */
const typeKeywords = `any unknown never string number boolean symbol object bigint type namespace declare abstract
  as is keyof readonly infer satisfies`;

export const reservedGlobals: ReadonlySet<string> = new Set(
  [duetGlobals, jsGlobals, hostGlobals, reservedWords, typeKeywords].join(' ').split(/\s+/),
);
