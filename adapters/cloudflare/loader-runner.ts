/**
 * The code of a Dynamic Worker that runs one snippet: the same guest prelude as QuickJS (API objects,
 * `state`, `console`, `fetch`), its natives answered by the parent Worker over RPC.
 */
import { PRELUDE_PARTS, PRELUDE_SOURCE, SUGGEST_SOURCE } from '../../src/sandbox/guest-prelude.ts';

export const RUNNER_MODULE = 'runner.js';
/** A guest error's description is cut here, so a huge message never crosses the boundary. */
export const MAX_ERROR_CHARS = 16 * 1024;
/** The name the prelude's `describe` looks for in stack traces to give the snippet's line. */
export const SNIPPET_MODULE = 'snippet.js';

/**
 * An ES module whose default export is the snippet as an async function. Line 1 of the snippet shares
 * its line with the prefix, so stack lines match the snippet's own. Modules are strict mode.
 */
export const snippetModule = (code: string): string => `export default async function () {${code}\n}`;

/** What the runner tells the parent once the snippet settled, or as soon as it stopped it. */
export type RunnerOutcome = {
  logs: [number, string][];
} /** `json` is the result's JSON text; `tooLong` its length when over `maxResultBytes` characters. */ & (
  | { kind: 'result'; json?: string; tooLong?: number }
  /** The snippet threw (or rejected); `text` is the prelude's description of it. */
  | { kind: 'error'; text: string }
  /** The result could not be serialised. */
  | { kind: 'result-error'; text: string }
  /** A per-run limit the runner counts stopped the snippet (the parent counts it too). */
  | { kind: 'stop'; code: 'calls' | 'concurrent' | 'lines' | 'bytes' }
  /** The snippet awaits a promise nothing can settle: no host call is in flight, no timer exists. */
  | { kind: 'never' }
);

/** Travels as JSON: the bindings and the limits the runner applies before the parent does. */
export interface RunnerConfig {
  apis: Record<string, string[]>;
  state: boolean;
  fetch: boolean;
  maxResultBytes: number;
  maxLogLines: number;
  maxLogBytes: number;
  maxCalls: number;
  maxConcurrentCalls: number;
  /** The errors the guest sees when a limit refuses a call or a log line, worded by the parent. */
  messages: { calls: string; concurrent: string; lines: string; bytes: string };
}

/**
 * Globals of workerd the snippet does not get: timers and schedulers (the run is one task; a promise
 * nothing can settle is reported at once), networking and caches (`fetch` is the host's), WebAssembly,
 * events, and facts about the platform. The language and pure web APIs (URL, TextEncoder, crypto,
 * streams, Request/Response objects) stay.
 */
export const HIDDEN_GLOBALS = [
  'setTimeout',
  'setInterval',
  'clearTimeout',
  'clearInterval',
  'setImmediate',
  'clearImmediate',
  'queueMicrotask',
  'scheduler',
  'MessageChannel',
  'MessagePort',
  'fetch',
  'connect',
  'WebSocket',
  'WebSocketPair',
  'EventSource',
  'caches',
  'CacheStorage',
  'Cache',
  'WebAssembly',
  'navigator',
  'Navigator',
  'Cloudflare',
  'addEventListener',
  'removeEventListener',
  'dispatchEvent',
  'reportError',
];

/**
 * The runner is not a security boundary: the snippet shares its isolate and can subvert it. It keeps
 * the snippet's view identical to QuickJS's and stops a run early; the isolate is the boundary, and
 * the parent re-checks every count, log and result it receives.
 */
export const RUNNER_SOURCE = `import { WorkerEntrypoint } from 'cloudflare:workers';
const install = ${PRELUDE_SOURCE};
// V8 compiles lazily on its own: the parts are plain functions here, handed out by name.
const parts = { ${Object.entries(PRELUDE_PARTS)
  .map(([name, source]) => `${name}: ${source}`)
  .join(',\n')} };
const load = (name) => (Object.hasOwn(parts, name) ? parts[name] : undefined);
const suggest = ${SUGGEST_SOURCE};
const later = setTimeout, stringify = JSON.stringify, parse = JSON.parse, hasOwn = Object.hasOwn;
for (let scope = globalThis; scope && scope !== Object.prototype; scope = Object.getPrototypeOf(scope)) {
  for (const name of ${JSON.stringify(HIDDEN_GLOBALS)}) if (hasOwn(scope, name)) delete scope[name];
}
const utf8Length = (text) => {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) bytes += c < 0x800 ? 1 : 2;
    if (c >= 0xd800 && c <= 0xdbff) { const next = text.charCodeAt(i + 1); if (next >= 0xdc00 && next <= 0xdfff) i++; }
  }
  return bytes;
};
const PREFIXES = ['', '', '[warn] ', '[error] ', '[debug] '];
const MAX_ERROR_CHARS = ${MAX_ERROR_CHARS};
export default class Runner extends WorkerEntrypoint {
  run(configJson, host) {
    const config = parse(configJson);
    let done = false, stopped, calls = 0, inFlight = 0, lines = 0, bytes = 0, logs = [];
    let resolveRun;
    const outcome = new Promise((resolve) => { resolveRun = resolve; });
    const takeLogs = () => { const taken = logs; logs = []; return taken; };
    const end = (result) => { if (!done) { done = true; resolveRun({ ...result, logs: takeLogs() }); } };
    const stop = (code) => { stopped ??= code; end({ kind: 'stop', code: stopped }); };
    const watch = () => later(() => { if (!done && inFlight === 0) end({ kind: 'never' }); }, 0);
    const call = (requestJson) => {
      if (stopped || done) throw new Error('the run has ended');
      if (calls >= config.maxCalls) { stop('calls'); throw new Error(config.messages.calls); }
      if (inFlight >= config.maxConcurrentCalls) { stop('concurrent'); throw new Error(config.messages.concurrent); }
      calls++;
      inFlight++;
      const settled = () => { if (--inFlight === 0) watch(); };
      return host(requestJson, takeLogs()).then(
        (reply) => { settled(); if (reply.ok) return reply.json; throw reply.errorJson; },
        (error) => { settled(); throw stringify({ message: String(error?.message ?? error) }); },
      );
    };
    // Past a log budget every console call throws: a muted console would leave a logging loop spinning,
    // and no interrupt reaches a V8 isolate here before the platform's CPU limit.
    const log = (level, text) => {
      if (stopped === 'lines' || stopped === 'bytes') throw new Error(config.messages[stopped]);
      if (stopped) return false;
      const line = (PREFIXES[level] ?? '') + text;
      if (lines >= config.maxLogLines) { stop('lines'); throw new Error(config.messages.lines); }
      lines++;
      logs.push([level, text]);
      bytes += utf8Length(line);
      if (bytes > config.maxLogBytes) { stop('bytes'); throw new Error(config.messages.bytes); }
      return true;
    };
    const methods = new Map(Object.entries(config.apis).map(([api, names]) => [api, new Set(names)]));
    const lookup = (api, name, words) => {
      const known = methods.get(api);
      if (typeof words === 'string') return suggest(api, known ? [...known] : [], parse(words));
      if (typeof name !== 'string') return stringify(known ? [...known] : []);
      return known ? known.has(name) : false;
    };
    const preludeConfig = { apis: Object.keys(config.apis), state: config.state, fetch: config.fetch, maxLogChars: config.maxLogBytes + 1 };
    const [finish, describe] = install(call, log, lookup, load, stringify(preludeConfig));
    import('./${SNIPPET_MODULE}')
      .then((snippet) => { const running = snippet.default(); watch(); return running; })
      .then(
        (value) => {
          if (done) return;
          let serialised;
          try { serialised = finish(value, config.maxResultBytes); }
          catch (error) { return end({ kind: 'result-error', text: describe(error).slice(0, MAX_ERROR_CHARS) }); }
          end(typeof serialised === 'number' ? { kind: 'result', tooLong: serialised } : { kind: 'result', json: serialised });
        },
        (error) => end({ kind: 'error', text: describe(error).slice(0, MAX_ERROR_CHARS) }),
      );
    return outcome;
  }
}
`;
