/** The guest-side JavaScript that turns two native host functions into the sandbox's globals. */

/** Line 1 of the snippet shares its line with this prefix, so error lines match the snippet's own. */
export const SNIPPET_PREFIX = '(async () => {';
export const SNIPPET_SUFFIX = '\n})()';
export const SNIPPET_FILE = 'snippet.js';

/** What the prelude needs besides the native functions; travels as one JSON string. */
export interface PreludeConfig {
  /** API global names; their method names stay on the host and are looked up on first use. */
  apis: string[];
  state: boolean;
  fetch: boolean;
  /** Longer log lines are cut in the guest, so a huge string never crosses the boundary. */
  maxLogChars: number;
}

/*
 * QuickJS compiles every run's code anew (a fresh context cannot share bytecode), at 5-10 µs per function
 * and ~100 µs per KB in WASM. So a QuickJS context compiles none of this core: guest-globals.ts defines the
 * same globals through the QuickJS API, and only the parts (PRELUDE_PARTS) are compiled, each on first use;
 * most runs touch few of them. Likewise an API object is a Proxy that makes a method on first access:
 * building 1,000 methods up front would cost ~1 ms per run. The Worker Loader's runner (V8, which compiles
 * fast and lazily) evaluates PRELUDE_SOURCE as it is.
 */

/**
 * Evaluates to `install(call, log, lookup, load, configJson)`, which defines the globals and returns
 * `[finish, describe]` for the host. Everything crossing the boundary is a string: the host parses JSON
 * the guest serialised and vice versa, so no guest getter or proxy ever runs on the host. JSON's two
 * functions are taken before the snippet runs and handed to the parts, so the wire format holds even if
 * the snippet replaced them; other built-ins a snippet replaces before a part is compiled only hurt itself.
 *
 * - `call(requestJson)` returns a promise of a JSON string (or undefined); it rejects with a JSON string
 *   `{message, status?, body?}` that becomes an Error here.
 * - `log(level, text)` returns false once the host stopped taking logs, so the guest stops formatting.
 * - `lookup(api, name)` tells whether the API has that method; `lookup(api)` lists them as JSON;
 *   `lookup(api, undefined, wordsJson)` words the error for calling `api.words...`, which is no method.
 * - `load(name)` is PRELUDE_PARTS[name] evaluated: a function `(part, call, log, lookup, config, json)`.
 */
export const PRELUDE_SOURCE = `(function (call, log, lookup, load, configJson) {
'use strict';
const json = { stringify: JSON.stringify, parse: JSON.parse }, stringify = json.stringify;
const config = json.parse(configJson), defineProperty = Object.defineProperty, made = Object.create(null);
const part = (name) => (made[name] ??= load(name)(part, call, log, lookup, config, json));
const define = (name, value) => defineProperty(globalThis, name, { __proto__: null, value, writable: true, configurable: true });
const later = (name, make) => defineProperty(globalThis, name, {
  __proto__: null,
  get: () => { const value = make(); define(name, value); return value; },
  set: (value) => define(name, value),
  configurable: true,
});
for (const api of config.apis) later(api, () => part('api')(api));
if (config.state) later('state', () => part('state'));
if (config.fetch) later('fetch', () => part('fetch'));
later('console', () => part('console'));
const finish = (value, maxChars) => {
  const text = stringify(value);
  return text !== undefined && text.length > maxChars ? text.length : text;
};
return [finish, (error) => part('describe')(error)];
})`;

/** The prelude's parts, each compiled in a run's context on its first use (see PRELUDE_SOURCE). */
export const PRELUDE_PARTS: Readonly<Record<string, string>> = Object.freeze({
  /** `send(request)`: a host call as a promise of its parsed reply. */
  send: `(part, call, log, lookup, config, json) => {
'use strict';
const { stringify, parse } = json;
const fail = (raw) => {
  const info = parse(raw), error = new Error(info.message);
  if (info.status !== undefined) error.status = info.status;
  if ('body' in info) error.body = info.body;
  throw error;
};
const parseReply = (raw) => (raw === undefined ? undefined : parse(raw));
return (request) => {
  try { return call(stringify(request)).then(parseReply, fail); } catch (error) { return Promise.reject(error); }
};
}`,
  /** `(api) => object`: an API global, a Proxy whose methods are made on first access. */
  api: `(part, call, log, lookup, config, json) => {
'use strict';
const { stringify, parse } = json;
const send = part('send');
const hasOwn = Object.hasOwn, ownKeys = Reflect.ownKeys, getOwn = Reflect.getOwnPropertyDescriptor;
// An unknown name (a typo, Octokit's github.issues.create) is callable and chainable, so the call says
// which operation was meant instead of a bare "not a function" (the host words the message).
const missing = (api, words) => new Proxy(function () {}, {
  apply: () => { throw new TypeError(lookup(api, undefined, stringify(words))); },
  get: (target, name) => (typeof name === 'string' && name !== 'then' ? missing(api, words.concat(name)) : undefined),
});
return (api) => {
  const made = Object.create(null);
  const known = (target, name) => typeof name === 'string' && !hasOwn(target, name) && lookup(api, name);
  const method = (name) => (made[name] ??= ({ [name]: (args) => send({ kind: 'api', api, method: name, args }) })[name]);
  const unknown = (target, name) => typeof name === 'string' && !(name in target) && name !== 'then' && name !== 'toJSON';
  return new Proxy({}, {
    get: (target, name, receiver) => (known(target, name) ? method(name)
      : unknown(target, name) ? missing(api, [name]) : Reflect.get(target, name, receiver)),
    // Without this trap an assignment would define a non-enumerable, read-only property on the target.
    set: (target, name, value) => Reflect.set(target, name, value),
    has: (target, name) => known(target, name) || name in target,
    ownKeys: (target) => parse(lookup(api)).filter((name) => !hasOwn(target, name)).concat(ownKeys(target)),
    getOwnPropertyDescriptor: (target, name) => known(target, name)
      ? { value: method(name), writable: true, enumerable: true, configurable: true }
      : getOwn(target, name),
  });
};
}`,
  state: `(part) => {
'use strict';
const send = part('send'), state = {};
for (const op of ['get', 'put', 'delete', 'list']) state[op] = (...args) => send({ kind: 'state', op, args });
return state;
}`,
  /** `show(value)`: how console and error messages print a value. */
  show: `(part, call, log, lookup, config, json) => {
'use strict';
const stringify = json.stringify;
return (value) => {
  try {
    const type = typeof value;
    return type === 'string' ? value
      : value instanceof Error ? value.name + ': ' + value.message
      : type === 'function' ? '[Function ' + (value.name || 'anonymous') + ']'
      : type === 'bigint' ? value + 'n'
      : value === null || type !== 'object' ? String(value)
      : stringify(value) ?? String(value);
  } catch { return '[unserialisable value]'; }
};
}`,
  console: `(part, call, log, lookup, config) => {
'use strict';
const show = part('show');
let muted = false;
const console = {};
['log', 'info', 'warn', 'error', 'debug'].forEach((name, level) => {
  console[name] = (...values) => {
    if (muted) return;
    let text = values.map(show).join(' ');
    if (text.length > config.maxLogChars) text = text.slice(0, config.maxLogChars);
    if (log(level, text) === false) muted = true;
  };
});
return console;
}`,
  /** `describe(error)`: an uncaught error as one line, with the snippet's line when the stack has it. */
  describe: `(part) => {
'use strict';
const show = part('show');
return (error) => {
  try {
    if (!(error instanceof Error)) return 'Uncaught ' + show(error);
    const where = /snippet\\.js:(\\d+)/.exec(error.stack);
    return error.name + ': ' + error.message
      + (error.status !== undefined ? ' (status ' + show(error.status) + ')' : '')
      + (where ? ' (line ' + where[1] + ')' : '');
  } catch { return 'Uncaught exception (it could not be described)'; }
};
}`,
  /** A `fetch` answering with a minimal Response-like object. */
  fetch: `(part, call, log, lookup, config, json) => {
'use strict';
const { stringify, parse } = json;
const send = part('send');
const keys = Object.keys, isArray = Array.isArray, lower = (name) => String(name).toLowerCase();
return async (input, init) => {
  const url = typeof input === 'string' ? input : input && typeof input.url === 'string' ? input.url : String(input);
  const options = init == null ? {} : { ...init };
  if (isArray(options.headers)) {
    const flat = {};
    for (const [name, value] of options.headers) flat[name] = String(value);
    options.headers = flat;
  }
  const raw = await send({ kind: 'fetch', url, init: options });
  const fields = Object.create(null);
  for (const [name, value] of isArray(raw.headers) ? raw.headers : Object.entries(raw.headers || {})) {
    fields[lower(name)] = String(value);
  }
  const entries = () => keys(fields).map((name) => [name, fields[name]])[Symbol.iterator]();
  const body = typeof raw.body === 'string' ? raw.body : raw.body == null ? '' : stringify(raw.body);
  const headers = {
    get: (name) => (lower(name) in fields ? fields[lower(name)] : null),
    has: (name) => lower(name) in fields,
    forEach: (fn) => { for (const name of keys(fields)) fn(fields[name], name); },
    keys: () => keys(fields)[Symbol.iterator](),
    entries,
    [Symbol.iterator]: entries,
  };
  return {
    status: raw.status, statusText: raw.statusText || '', ok: raw.status >= 200 && raw.status < 300,
    url: raw.url || url, redirected: false, headers,
    text: async () => body,
    json: async () => parse(body),
  };
};
}`,
});

/**
 * Evaluates to `suggest(api, names, words)`: the message `lookup(api, undefined, wordsJson)` answers, for
 * a sandbox whose host side is itself JavaScript source (the Worker Loader's runner). Hosts in TypeScript
 * use `unknownOperationMessage` (operation-suggestion.ts), the same algorithm.
 */
export const SUGGEST_SOURCE = `(api, names, words) => {
  const camel = (ws) => ws.map((w, i) => (i ? (w[0] ?? '').toUpperCase() + w.slice(1) : w)).join('');
  const key = (ws) => ws.flatMap((w) => w.split(/(?=[A-Z])/)).map((w) => w.toLowerCase().replace(/s$/, '')).sort().join(' ');
  const exact = names.filter((n) => [words, words.slice(1)].some((ws) => ws.length && key([n]) === key(ws)));
  let best = exact.slice(0, 1), min = Math.max(2, camel(words).length / 3) + 1;
  if (!best.length) for (const name of names) {
    const a = camel(words).toLowerCase(), b = name.toLowerCase(), row = [...Array(b.length + 1).keys()];
    for (let i = 1; i <= a.length; i++) {
      let diagonal = row[0]; row[0] = i;
      for (let j = 1; j <= b.length; j++) { const up = row[j]; row[j] = Math.min(up + 1, row[j - 1] + 1, diagonal + (a[i - 1] !== b[j - 1])); diagonal = up; }
    }
    if (row[b.length] < min) { min = row[b.length]; best = [name]; } else if (row[b.length] === min) best.push(name);
  }
  return api + '.' + words.join('.') + ' is not an operation of ' + api
    + (best.length ? '; did you mean ' + best.slice(0, 3).map((n) => api + '.' + n).join(' or ') + '?' : '')
    + ' (operations are methods of ' + api + ' named as search shows them, each taking one argument object)';
}`;
