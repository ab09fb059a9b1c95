/** The red-team cases as data: one snippet and what a safe server answers, the same on every runtime. */
import type { ErrorKind } from '../../src/execute/types.ts';

export type Expectation =
  /** The run succeeds; with `result`, exactly that value. */
  | { ok: true; result?: unknown }
  /** The run fails with this kind (one of these kinds), and a message matching when given. */
  | { kind: ErrorKind | ErrorKind[]; message?: string | RegExp };

export interface RedTeamCase {
  name: string;
  group: 'escape' | 'exhaustion' | 'egress' | 'serialisation' | 'injection';
  /** `$ORIGIN` is the allowlisted outside server (`http://localhost:PORT`), `$PORT` its port. */
  code: string;
  /** The run's own time limit (default 2000 ms). */
  timeoutMs?: number;
  expect: Expectation;
  /** Paths the outside server must not have received while the case ran. */
  unseen?: string[];
  /** Text that must appear nowhere in the response (a credential, host paths). */
  absent?: string[];
}

/** What the guest may find on its global object: the language, the bindings, nothing of the host. */
const HOST_GLOBALS = `['process', 'require', 'module', 'Deno', 'Bun', 'std', 'os', 'setTimeout', 'setInterval',
  'setImmediate', 'queueMicrotask', 'WebAssembly', 'Worker', 'XMLHttpRequest', 'importScripts', 'global', 'navigator']`;

const HANG = 'Array.prototype.includes.call({ length: 2 ** 40 }, 1)';

export const cases: RedTeamCase[] = [
  // Escapes: every road from a binding leads back to the guest's own realm.
  {
    name: 'Function constructor through an API method',
    group: 'escape',
    code: `return echo.getItem.constructor('return [typeof process, typeof require, typeof Deno, typeof Bun]')();`,
    expect: { ok: true, result: ['undefined', 'undefined', 'undefined', 'undefined'] },
  },
  {
    name: 'constructor.constructor through console, state and fetch',
    group: 'escape',
    code: `return [console.log, state.get, fetch].map((f) => f.constructor.constructor('return this')())
      .map((g) => ${HOST_GLOBALS}.filter((name) => typeof g[name] !== 'undefined'));`,
    expect: { ok: true, result: [[], [], []] },
  },
  {
    name: 'async and generator function constructors',
    group: 'escape',
    code: `const AsyncFunction = (async () => {}).constructor;
      const Generator = function* () {}.constructor;
      return [await AsyncFunction('return typeof process')(), Generator('yield typeof require')().next().value];`,
    expect: { ok: true, result: ['undefined', 'undefined'] },
  },
  {
    name: '`this` and globalThis expose only the bindings',
    group: 'escape',
    code: `const g = (function () { return this; })() ?? globalThis;
      return { same: g === globalThis, host: ${HOST_GLOBALS}.filter((name) => name in globalThis),
        bindings: ['echo', 'state', 'console', 'fetch'].map((name) => typeof globalThis[name]) };`,
    expect: {
      ok: true,
      result: { same: true, host: [], bindings: ['object', 'object', 'object', 'function'] },
    },
  },
  {
    name: 'prototype walk from a binding to Object and Function',
    group: 'escape',
    code: `const proto = Object.getPrototypeOf(Object.getPrototypeOf(echo.getItem));
      const F = proto.constructor.constructor;
      return [F === Function, F('return typeof process')(), Object.getPrototypeOf(state) === Object.prototype];`,
    expect: { ok: true, result: [true, 'undefined', true] },
  },
  {
    name: "every binding's constructor is the guest's own, without compiling anything",
    group: 'escape',
    code: `const AsyncFunction = (async () => {}).constructor;
      return [echo.getItem, console.log, state.get, state.put].map((f) => f.constructor === Function)
        .concat(fetch.constructor === AsyncFunction || fetch.constructor === Function,
          Object.getPrototypeOf(echo.getItem) === Function.prototype, Object.getPrototypeOf(console) === Object.prototype);`,
    expect: { ok: true, result: [true, true, true, true, true, true, true] },
  },
  {
    name: '__proto__ and __defineGetter__ on a binding stay in the guest',
    group: 'escape',
    code: `echo.__proto__.polluted = 1; state.__defineGetter__('get', () => 'mine');
      return [({}).polluted, state.get, typeof echo.getItem];`,
    expect: { ok: true, result: [1, 'mine', 'function'] },
  },
  {
    name: 'dynamic import()',
    group: 'escape',
    code: `const fs = await import('node:fs'); return typeof fs.readFileSync;`,
    expect: { kind: 'runtime', message: /could not load module|not supported|import/i },
  },
  {
    name: 'require',
    group: 'escape',
    code: `return require('child_process').execSync('id').toString();`,
    expect: { kind: 'runtime', message: /ReferenceError: 'require' is not defined/ },
  },
  {
    name: 'process',
    group: 'escape',
    code: `return process.env;`,
    expect: { kind: 'runtime', message: /ReferenceError: 'process' is not defined/ },
  },
  {
    name: 'Deno',
    group: 'escape',
    code: `return Deno.readTextFileSync('/etc/passwd');`,
    expect: { kind: 'runtime', message: /ReferenceError: 'Deno' is not defined/ },
  },
  {
    name: 'Bun',
    group: 'escape',
    code: `return await Bun.file('/etc/passwd').text();`,
    expect: { kind: 'runtime', message: /ReferenceError: 'Bun' is not defined/ },
  },
  {
    name: 'stack traces name only the snippet',
    group: 'escape',
    code: `try { null.x; } catch (e) { return e.stack; }`,
    expect: { ok: true },
    absent: ['node_modules', 'file:', '/adapters/', '/src/', 'worker'],
  },

  // Exhaustion: every resource has a limit, and the limit ends the run with its name and value.
  {
    name: 'infinite loop',
    group: 'exhaustion',
    code: 'while (true) {}',
    timeoutMs: 300,
    expect: { kind: 'timeout', message: 'exceeded the 300 ms time limit' },
  },
  {
    name: 'infinite loop that catches everything',
    group: 'exhaustion',
    code: 'for (;;) { try { while (true) {} } catch {} }',
    timeoutMs: 300,
    expect: { kind: 'timeout', message: 'exceeded the 300 ms time limit' },
  },
  {
    name: 'a built-in the interrupt handler never reaches',
    group: 'exhaustion',
    code: `return ${HANG};`,
    timeoutMs: 300,
    expect: { kind: 'timeout', message: 'exceeded the 300 ms time limit' },
  },
  {
    name: 'huge BigInt arithmetic',
    group: 'exhaustion',
    code: 'return String(10n ** 300000n).length;',
    timeoutMs: 300,
    expect: { kind: 'timeout', message: 'exceeded the 300 ms time limit' },
  },
  {
    name: 'memory: arrays kept alive',
    group: 'exhaustion',
    code: 'const keep = []; while (true) keep.push(new Array(1e6).fill(1));',
    timeoutMs: 5000,
    expect: { kind: 'memory', message: 'exceeded the 64 MiB memory limit' },
  },
  {
    name: 'memory: distinct strings kept alive',
    group: 'exhaustion',
    code: "const keep = []; let i = 0; while (true) keep.push('x'.repeat(1 << 20) + i++);",
    timeoutMs: 5000,
    expect: { kind: 'memory', message: 'exceeded the 64 MiB memory limit' },
  },
  {
    name: 'string doubling (ropes share memory: the length limit ends it)',
    group: 'exhaustion',
    code: "let s = 'x'; while (true) s += s;",
    timeoutMs: 5000,
    expect: { kind: ['memory', 'runtime'], message: /memory limit|string too long/ },
  },
  {
    name: 'runaway recursion',
    group: 'exhaustion',
    code: 'function down(n) { return down(n + 1) + 1; } return down(0);',
    expect: { kind: 'limit', message: /^exceeded the 512 KiB stack limit/ },
  },
  {
    name: 'deeply nested JSON',
    group: 'exhaustion',
    code: "return JSON.parse('['.repeat(1e5) + ']'.repeat(1e5));",
    expect: { kind: 'limit', message: /^exceeded the 512 KiB stack limit/ },
  },
  {
    name: 'catastrophic regular expression',
    group: 'exhaustion',
    code: "return /^(a+)+$/.test('a'.repeat(40) + 'b');",
    timeoutMs: 300,
    expect: { kind: 'timeout', message: 'exceeded the 300 ms time limit' },
  },
  {
    name: 'microtask loop',
    group: 'exhaustion',
    code: 'const spin = () => Promise.resolve().then(spin); spin(); await new Promise(() => {});',
    timeoutMs: 300,
    expect: { kind: 'timeout', message: 'exceeded the 300 ms time limit' },
  },
  {
    name: 'timers do not exist',
    group: 'exhaustion',
    code: 'setInterval(() => {}, 0);',
    expect: { kind: 'runtime', message: /ReferenceError: 'setInterval' is not defined/ },
  },
  {
    name: 'a promise that never settles',
    group: 'exhaustion',
    code: 'await new Promise(() => {});',
    expect: { kind: 'runtime', message: /can never settle/ },
  },
  {
    name: 'log line flood',
    group: 'exhaustion',
    code: "for (;;) console.log('spam');",
    expect: { kind: 'limit', message: 'log limit of 1000 lines exceeded' },
  },
  {
    name: 'log byte flood',
    group: 'exhaustion',
    code: "console.log('x'.repeat(1e6)); return 'not reached';",
    expect: { kind: 'limit', message: 'log limit of 262144 bytes exceeded' },
  },
  {
    name: 'result flood',
    group: 'exhaustion',
    code: "return 'x'.repeat(2e6);",
    expect: { kind: 'limit', message: /^result is 2000002 bytes of JSON, over the 1048576-byte limit$/ },
  },
  {
    name: 'call flood',
    group: 'exhaustion',
    code: "for (let i = 0; i < 1000; i++) { try { await state.get('k'); } catch {} } return 'done';",
    expect: { kind: 'limit', message: 'API call limit of 200 per run exceeded' },
  },
  {
    name: 'concurrent call flood',
    group: 'exhaustion',
    code: "await Promise.all(Array.from({ length: 100 }, () => state.get('k'))); return 'done';",
    expect: { kind: 'limit', message: /^concurrent host call limit of 32 exceeded/ },
  },

  // Egress: only the listed host and port, on every hop, never with credentials.
  {
    name: 'the listed host answers (control)',
    group: 'egress',
    code: "const r = await fetch('$ORIGIN/ok'); return [r.status, await r.json()];",
    expect: { ok: true, result: [200, { ok: true }] },
  },
  ...[
    ['127.0.0.1', 'http://127.0.0.1:$PORT/secret'],
    ['127.1', 'http://127.1:$PORT/secret'],
    ['0x7f.0.0.1', 'http://0x7f.0.0.1:$PORT/secret'],
    ['2130706433', 'http://2130706433:$PORT/secret'],
    ['0177.0.0.1', 'http://0177.0.0.1:$PORT/secret'],
    ['[::1]', 'http://[::1]:$PORT/secret'],
    ['[::ffff:127.0.0.1]', 'http://[::ffff:127.0.0.1]:$PORT/secret'],
    ['0.0.0.0', 'http://0.0.0.0:$PORT/secret'],
    ['localhost. (trailing dot)', 'http://localhost.:$PORT/secret'],
    ['another port of the listed host', 'http://localhost:1/secret'],
    ['userinfo in the URL', 'http://user:pass@localhost:$PORT/secret'],
    ['a file: URL', 'file:///etc/passwd'],
  ].map(
    ([alias, url]): RedTeamCase => ({
      name: `fetch ${alias}`,
      group: 'egress',
      code: `try { await fetch('${url}'); } catch {} return 'swallowed';`,
      expect: { kind: 'egress', message: /is not on the fetch allowlist/ },
      unseen: ['/secret'],
    }),
  ),
  {
    name: 'redirect from the listed host to 127.0.0.1',
    group: 'egress',
    code: "const r = await fetch('$ORIGIN/redirect?to=' + encodeURIComponent('http://127.0.0.1:$PORT/secret')); return r.status;",
    expect: { kind: 'egress', message: /a redirect led to http:\/\/127\.0\.0\.1:\d+/ },
    unseen: ['/secret'],
  },
  {
    name: 'guest fetch carries no credential; API calls carry it invisibly',
    group: 'egress',
    code: `const viaFetch = await (await fetch('$ORIGIN/plain')).json();
      const viaApi = await echo.getItem({ id: '1' });
      return [viaFetch.authorized, viaApi.authorized];`,
    expect: { ok: true, result: [false, true] },
    absent: ['red-team-credential'],
  },
  {
    name: 'a response over the size bound',
    group: 'egress',
    code: "try { await fetch('$ORIGIN/big'); return 'read'; } catch (e) { return e.message; }",
    expect: { ok: true, result: /response exceeds the 8388608 byte limit/ },
  },
  {
    name: 'an upstream that never answers',
    group: 'egress',
    code: "await fetch('$ORIGIN/hang'); return 'answered';",
    timeoutMs: 500,
    expect: { kind: 'timeout', message: 'exceeded the 500 ms time limit' },
  },
  {
    name: 'a Host header',
    group: 'egress',
    code: "await fetch('$ORIGIN/ok', { headers: { Host: 'internal.admin' } });",
    expect: { kind: 'runtime', message: /header 'Host' is set by the host, not the snippet/ },
  },

  // Serialisation traps: guest objects are copied as JSON inside the guest, under its limits.
  {
    name: 'a result getter that never returns',
    group: 'serialisation',
    code: 'return { get trap() { while (true) {} } };',
    timeoutMs: 300,
    expect: { kind: 'timeout', message: 'exceeded the 300 ms time limit' },
  },
  {
    name: 'a Proxy result whose traps throw',
    group: 'serialisation',
    code: "return { p: new Proxy({}, { ownKeys() { throw new Error('trap'); }, get() { throw new Error('trap'); } }) };",
    expect: { kind: 'runtime', message: /^result is not JSON-serialisable: Error: trap/ },
  },
  {
    name: 'a Proxy result with a throwing then',
    group: 'serialisation',
    code: "return new Proxy({}, { get() { throw new Error('then trap'); } });",
    expect: { kind: 'runtime', message: /^Error: then trap/ },
  },
  {
    name: 'toJSON that returns a flood',
    group: 'serialisation',
    code: "return { toJSON() { return 'x'.repeat(2e6); } };",
    expect: { kind: 'limit', message: /over the 1048576-byte limit/ },
  },
  {
    name: 'a thrown object whose getters loop',
    group: 'serialisation',
    code: 'throw { get message() { while (true) {} }, get name() { while (true) {} } };',
    timeoutMs: 300,
    expect: { kind: 'timeout', message: 'exceeded the 300 ms time limit' },
  },
  {
    name: 'a thrown Proxy',
    group: 'serialisation',
    code: "throw new Proxy(new Error('x'), { get() { throw new Error('gotcha'); }, getPrototypeOf() { throw new Error('gotcha'); } });",
    expect: { kind: 'runtime', message: /^Uncaught/ },
  },
  {
    name: 'Symbol.toPrimitive in a path parameter',
    group: 'serialisation',
    code: "return await echo.getItem({ id: { [Symbol.toPrimitive]: () => '../admin' } });",
    expect: { kind: 'runtime', message: /path parameter 'id' must be a string or number/ },
  },
  {
    name: 'a circular result',
    group: 'serialisation',
    code: 'const a = {}; a.self = a; return a;',
    expect: { kind: 'runtime', message: 'result is not JSON-serialisable: TypeError: circular reference' },
  },
  {
    name: 'circular call arguments',
    group: 'serialisation',
    code: 'const a = {}; a.self = a; await echo.createItem({ body: a });',
    expect: { kind: 'runtime', message: /TypeError: circular reference/ },
  },
  {
    name: 'call arguments nested too deeply',
    group: 'serialisation',
    code: 'let v = 1; for (let i = 0; i < 1000; i++) v = [v]; await echo.createItem({ body: { v } });',
    expect: { kind: 'runtime', message: /call arguments nest deeper than 512 levels/ },
  },

  // Injection: parameters cannot add headers or leave the base URL.
  {
    name: 'CR/LF in a header parameter',
    group: 'injection',
    code: "return await echo.traced({ 'X-Trace': 'a\\r\\nX-Injected: 1' });",
    expect: { kind: 'runtime', message: /may not contain CR, LF or NUL/ },
  },
  {
    name: "'..' as a path parameter",
    group: 'injection',
    code: "return await echo.getItem({ id: '..' });",
    expect: { kind: 'runtime', message: /may not be '\.' or '\.\.'/ },
  },
  {
    name: 'a path parameter with slashes and dots stays one segment',
    group: 'injection',
    code: "return (await echo.getItem({ id: '../../secret?x=1#y' })).url;",
    expect: { ok: true, result: '/items/..%2F..%2Fsecret%3Fx%3D1%23y' },
    unseen: ['/secret'],
  },
  {
    name: 'a query parameter cannot add parameters',
    group: 'injection',
    code: "return (await echo.search({ q: 'a&admin=1' })).url;",
    expect: { ok: true, result: '/search?q=a%26admin%3D1' },
  },
];
