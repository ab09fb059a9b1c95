/** Sandbox conformance: in-process QuickJS, the Node worker pool and the Bun and Deno subprocesses pass the same cases. */
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sandboxProcessEntry } from '../adapters/bun/sandbox-pool.ts';
import { sandboxProcessArgs } from '../adapters/deno/sandbox-pool.ts';
import { packageRoot, runtimeBinary } from '../adapters/node/package-info.ts';
import { createWorkerSandbox } from '../adapters/node/sandbox-pool.ts';
import { prepareContext } from '../src/sandbox/fresh-context.ts';
import { preludeConfig } from '../src/sandbox/guest-globals.ts';
import { answerHostCall } from '../src/sandbox/host-reply.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';
import { encodeLine, readLines } from '../src/sandbox/line-channel.ts';
import { isSandboxOverloaded } from '../src/sandbox/overloaded.ts';
import { createPoolSandbox, type PoolOptions, type SpawnWorker } from '../src/sandbox/pool.ts';
import { loadQuickJSModule } from '../src/sandbox/quickjs-module.ts';
import { runSnippet } from '../src/sandbox/run-snippet.ts';
import {
  defaultLimits,
  type HostCall,
  type HostFunction,
  type RunResult,
  type Sandbox,
  type SandboxBindings,
  type SandboxLimits,
} from '../src/sandbox/types.ts';

const limits: SandboxLimits = { ...defaultLimits, timeoutMs: 300 };
const bindings: SandboxBindings = {
  apis: { pets: ['getPet', 'listPets'], store: ['getInventory'] },
  state: true,
  fetch: false,
};

/** A host that records calls: `pets.getPet({id})` answers a pet, id 404 rejects like a non-2xx response. */
function recordingHost() {
  const calls: HostCall[] = [];
  const host: HostFunction = async (call) => {
    calls.push(call);
    if (call.kind === 'state') return call.op === 'get' ? { stored: call.args[0] } : null;
    if (call.kind === 'fetch') {
      return {
        url: call.url,
        status: 201,
        statusText: 'Created',
        headers: { 'Content-Type': 'application/json' },
        body: '{"made":true}',
      };
    }
    const { id } = (call.args ?? {}) as { id?: number };
    if (id === 404)
      throw { message: 'pets.getPet answered 404 Not Found', status: 404, body: { error: 'no such pet' } };
    if (id === 403) throw { message: 'egress: denied', fatal: 'egress' };
    return { id, name: 'Rex' };
  };
  return { calls, host };
}

/**
 * The subprocesses the Bun and Deno servers run, driven from here through the same pool: the guest side
 * (QuickJS on that runtime's WebAssembly engine, the stdio protocol, SIGKILL as backstop) meets the same
 * cases. The runtimes' own pool adapters are exercised by the red-team suite on real servers.
 */
function subprocessPool(runtime: 'bun' | 'deno', options: PoolOptions): Sandbox {
  return createPoolSandbox(subprocessWorker(runtime), options);
}

function subprocessWorker(runtime: 'bun' | 'deno'): SpawnWorker {
  const bin = runtimeBinary(runtime);
  return (init, events) => {
    const args = runtime === 'bun' ? [sandboxProcessEntry, JSON.stringify(init)] : sandboxProcessArgs(init);
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'inherit'], cwd: packageRoot });
    void readLines(Readable.toWeb(child.stdout) as ReadableStream<Uint8Array>, events.message);
    child.on('exit', (code, signal) =>
      events.exit({ reason: signal ? `killed by ${signal}` : `exit code ${code}` }),
    );
    child.stdin.on('error', () => {});
    return {
      send: (message) => void child.stdin.write(encodeLine(message)),
      kill: () => {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        return child.exitCode === null && child.signalCode === null ? exited : undefined;
      },
      hold: (busy) => (busy ? child.ref() : child.unref()),
    };
  };
}

const factories: [string, () => Sandbox][] = [
  ['in-process QuickJS sandbox', () => createQuickJSSandbox()],
  ['worker pool sandbox', () => createWorkerSandbox({ size: 2, maxQueue: 16 })],
  ['Bun subprocess pool', () => subprocessPool('bun', { size: 2, maxQueue: 16 })],
  ['Deno subprocess pool', () => subprocessPool('deno', { size: 2, maxQueue: 16 })],
];

describe.each(factories)('%s', (_name, create) => {
  let sandbox: Sandbox;
  beforeAll(() => {
    sandbox = create();
  });
  afterAll(() => sandbox.close());

  const run = (
    code: string,
    extra: { limits?: Partial<SandboxLimits>; bindings?: Partial<SandboxBindings>; host?: HostFunction } = {},
  ) =>
    sandbox.run(
      { code, bindings: { ...bindings, ...extra.bindings }, limits: { ...limits, ...extra.limits } },
      extra.host ?? recordingHost().host,
    );
  const failure = (result: RunResult) => (result.ok ? undefined : result.error);

  it('returns numbers, objects, strings and undefined', async () => {
    expect(await run('return 1 + 1')).toMatchObject({ ok: true, result: 2 });
    expect(await run('return { a: [1, "x", null], b: { c: true } }')).toMatchObject({
      ok: true,
      result: { a: [1, 'x', null], b: { c: true } },
    });
    expect(await run('return "text"')).toMatchObject({ ok: true, result: 'text' });
    const nothing = await run('const x = 1;');
    expect(nothing.ok).toBe(true);
    expect(nothing.ok && nothing.result).toBeUndefined();
  });

  it('defines its globals lazily, then as plain writable properties, whatever the snippet changed', async () => {
    const result = await run(
      `const shape = (name) => {
         const d = Object.getOwnPropertyDescriptor(globalThis, name);
         return [typeof d.get, typeof d.set, 'value' in d, d.writable, d.enumerable, d.configurable];
       };
       const before = shape('pets');
       pets;
       const after = shape('pets');
       console = 7;
       // A polluted prototype must not break how the next global is defined.
       Object.prototype.get = () => 1;
       const made = typeof state.get;
       delete Object.prototype.get;
       const listed = Object.keys(globalThis).filter((k) => ['pets', 'state', 'console'].includes(k));
       return { before, after, console, made, listed };`,
    );
    expect(result).toMatchObject({
      ok: true,
      result: {
        before: ['function', 'function', false, null, false, true],
        after: ['undefined', 'undefined', true, true, false, true],
        console: 7,
        made: 'function',
        listed: [],
      },
    });
  });

  it('awaits host calls with JSON arguments and results', async () => {
    const { calls, host } = recordingHost();
    const result = await run(
      `const a = await pets.getPet({ id: 1 });
       const [b, c] = await Promise.all([pets.getPet({ id: 2 }), pets.listPets()]);
       await state.put('k', { v: 1 });
       return { a, b, c, stored: await state.get('k'), list: await state.list({ prefix: 'k' }) };`,
      { host },
    );
    expect(result).toMatchObject({
      ok: true,
      result: {
        a: { id: 1, name: 'Rex' },
        b: { id: 2, name: 'Rex' },
        c: { name: 'Rex' },
        stored: { stored: 'k' },
        list: null,
      },
    });
    expect(calls).toEqual([
      { kind: 'api', api: 'pets', method: 'getPet', args: { id: 1 } },
      { kind: 'api', api: 'pets', method: 'getPet', args: { id: 2 } },
      { kind: 'api', api: 'pets', method: 'listPets' },
      { kind: 'state', op: 'put', args: ['k', { v: 1 }] },
      { kind: 'state', op: 'get', args: ['k'] },
      { kind: 'state', op: 'list', args: [{ prefix: 'k' }] },
    ]);
  });

  it('gives each API object exactly its methods, each taking one argument and returning a promise', async () => {
    const result = await run(`
      const p = pets.getPet({ id: 5 });
      const shape = {
        keys: Object.keys(pets), names: Object.getOwnPropertyNames(store), has: 'listPets' in pets, hasNot: 'nope' in pets,
        missing: typeof pets.nope, name: pets.getPet.name, same: pets.getPet === pets.getPet, promise: p instanceof Promise,
        inherited: typeof pets.hasOwnProperty, own: Object.prototype.hasOwnProperty.call(pets, 'getPet'), json: JSON.stringify(pets),
      };
      pets.extra = 1; pets.getPet = () => 'mine';
      return { ...shape, extra: pets.extra, replaced: pets.getPet(), keysAfter: Object.keys(pets), value: await p };`);
    expect(result).toMatchObject({
      ok: true,
      result: {
        keys: ['getPet', 'listPets'],
        names: ['getInventory'],
        has: true,
        hasNot: false,
        // An unknown name is a callable stand-in whose call says which operation was meant
        // (test/guest-errors.test.ts); `in` and Object.keys still list only real operations.
        missing: 'function',
        name: 'getPet',
        same: true,
        promise: true,
        inherited: 'function',
        own: true,
        json: '{}',
        extra: 1,
        replaced: 'mine',
        keysAfter: ['listPets', 'extra', 'getPet'],
        value: { id: 5, name: 'Rex' },
      },
    });
  });

  it('turns a host rejection into a catchable Error with status and body', async () => {
    const caught = await run(`
      try { await pets.getPet({ id: 404 }); return 'no error'; }
      catch (e) { return { isError: e instanceof Error, message: e.message, status: e.status, body: e.body }; }`);
    expect(caught).toMatchObject({
      ok: true,
      result: {
        isError: true,
        message: 'pets.getPet answered 404 Not Found',
        status: 404,
        body: { error: 'no such pet' },
      },
    });
    const uncaught = await run('return await pets.getPet({ id: 404 });');
    expect(failure(uncaught)).toEqual({
      kind: 'runtime',
      message: 'Error: pets.getPet answered 404 Not Found (status 404)',
    });
  });

  it('ends the run with a fatal host error even when the guest catches it', async () => {
    const result = await run(`try { await pets.getPet({ id: 403 }); } catch {} return 'swallowed';`);
    expect(failure(result)).toEqual({ kind: 'egress', message: 'egress: denied' });
  });

  it('captures console output, formatting values like JSON', async () => {
    const logged = await run(`
      console.log('plain', 1, { a: [1] }, null, undefined, NaN);
      console.info('info'); console.warn('careful'); console.error(new TypeError('bad')); console.debug(() => 1);
      return 'done';`);
    expect(logged).toMatchObject({
      ok: true,
      logs: [
        'plain 1 {"a":[1]} null undefined NaN',
        'info',
        '[warn] careful',
        '[error] TypeError: bad',
        '[debug] [Function anonymous]',
      ],
    });
  });

  it('ends the run at the log line or byte limit, keeping the logs up to it', async () => {
    const many = await run(
      `for (let i = 0; i < 100; i++) console.log('line ' + i); return 'still running';`,
      { limits: { maxLogLines: 3 } },
    );
    expect(many).toMatchObject({
      ok: false,
      error: { kind: 'limit', message: 'log limit of 3 lines exceeded' },
      logs: ['line 0', 'line 1', 'line 2'],
    });
    const big = await run(`console.log('x'.repeat(5000)); console.log('after'); return 1;`, {
      limits: { maxLogBytes: 1000 },
    });
    expect(big).toMatchObject({
      ok: false,
      error: { kind: 'limit', message: 'log limit of 1000 bytes exceeded' },
      logs: ['x'.repeat(1000)],
    });
    // Swallowing nothing helps: the stop is not an exception the guest can catch.
    const caught = await run(`for (;;) { try { console.log('spam'); } catch {} }`, {
      limits: { maxLogLines: 5, timeoutMs: 2000 },
    });
    expect(failure(caught)).toEqual({ kind: 'limit', message: 'log limit of 5 lines exceeded' });
  });

  it('times out an infinite loop', async () => {
    const result = await run('while (true) {}', { limits: { timeoutMs: 200 } });
    expect(failure(result)).toEqual({ kind: 'timeout', message: 'exceeded the 200 ms time limit' });
  });

  it('times out catastrophic regular expressions and microtask loops through the interrupt handler', async () => {
    for (const code of [
      "return /(a+)+$/.test('a'.repeat(40) + 'b');",
      'const spin = () => Promise.resolve().then(spin); spin(); await new Promise(() => {});',
      'async function spin() { await null; return spin(); } await spin();',
    ]) {
      expect(failure(await run(code, { limits: { timeoutMs: 200 } })), code).toEqual({
        kind: 'timeout',
        message: 'exceeded the 200 ms time limit',
      });
    }
    expect(await run('return "next"')).toMatchObject({ ok: true, result: 'next' });
  });

  it('times out a run whose host call outlives the deadline', async () => {
    const slow: HostFunction = () => new Promise((resolve) => setTimeout(() => resolve(1), 2000));
    const result = await run('return await pets.getPet({ id: 1 });', {
      limits: { timeoutMs: 150 },
      host: slow,
    });
    expect(failure(result)?.kind).toBe('timeout');
  });

  it('stops a guest that allocates without bound, then runs the next snippet normally', async () => {
    const arrays = await run('const a = []; while (true) a.push(new Array(1e6).fill(1));', {
      limits: { timeoutMs: 5000 },
    });
    expect(failure(arrays)).toEqual({ kind: 'memory', message: 'exceeded the 64 MiB memory limit' });
    const strings = await run("const a = []; let i = 0; while (true) a.push('x'.repeat(1 << 20) + i++);", {
      limits: { timeoutMs: 5000 },
    });
    expect(failure(strings)?.kind).toBe('memory');
    expect(await run('return 2 + 2')).toMatchObject({ ok: true, result: 4 });
  });

  it('ends runaway recursion at the stack limit, then runs the next snippet normally', async () => {
    const result = await run('function f(n) { return f(n + 1) + 1; } return f(0);');
    expect(failure(result)?.kind).toBe('limit');
    expect(failure(result)?.message).toMatch(/^exceeded the 512 KiB stack limit \(.*stack overflow/);
    const nested = await run("return JSON.parse('['.repeat(1e5) + ']'.repeat(1e5));");
    expect(failure(nested)?.message).toMatch(/stack overflow/);
    expect(await run('return 3')).toMatchObject({ ok: true, result: 3 });
  });

  it('gives every run a fresh context', async () => {
    expect(
      (await run('globalThis.leak = 42; Object.prototype.polluted = 1; pets.getPet = null; return 1;')).ok,
    ).toBe(true);
    const second = await run("return [typeof leak, 'polluted' in {}, typeof pets.getPet];");
    expect(second).toMatchObject({ ok: true, result: ['undefined', false, 'function'] });
  });

  it('makes each global on first use, behaving as a plain writable global before and after', async () => {
    const { calls, host } = recordingHost();
    // Replaced before its first read, deleted, and first used after the snippet broke JSON: the globals
    // are accessors until first use, then data properties, and a part compiled late still speaks JSON.
    const result = await run(
      `console = { log: () => 'mine' };
       const replaced = console.log();
       delete globalThis.state;
       const deleted = typeof state;
       const listed = Object.keys(globalThis).includes('pets');
       JSON.stringify = () => { throw new Error('broken'); };
       JSON.parse = () => ({ forged: true });
       const pet = await pets.getPet({ id: 2 });
       const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'pets');
       return [replaced, deleted, listed, pet.name, typeof descriptor.value, descriptor.writable];`,
      { host },
    );
    // The result is serialised with the JSON taken before the snippet ran, too.
    expect(result).toMatchObject({ ok: true, result: ['mine', 'undefined', false, 'Rex', 'object', true] });
    expect(calls).toEqual([{ kind: 'api', api: 'pets', method: 'getPet', args: { id: 2 } }]);
  });

  it('exposes only the bindings: no timers, modules, process or fetch', async () => {
    const probe = `return [typeof setTimeout, typeof setInterval, typeof require, typeof process, typeof fetch,
      typeof std, typeof os, typeof Deno, typeof Bun, typeof state, typeof console, typeof pets, typeof store];`;
    const none = Array(9).fill('undefined');
    expect(await run(probe)).toMatchObject({
      ok: true,
      result: [...none, 'object', 'object', 'object', 'object'],
    });
    expect(await run(probe, { bindings: { state: false, apis: {} } })).toMatchObject({
      ok: true,
      result: [...none, 'undefined', 'object', 'undefined', 'undefined'],
    });
    // eval and Function only reach the guest itself.
    expect(await run('return [eval("1 + 1"), new Function("return typeof process")()];')).toMatchObject({
      ok: true,
      result: [2, 'undefined'],
    });
  });

  it('installs fetch only when bound, returning a Response-like object', async () => {
    const { calls, host } = recordingHost();
    const result = await run(
      `const r = await fetch('https://example.test/x', { method: 'POST', headers: [['X-A', '1']], body: 'hi' });
       return { type: typeof fetch, status: r.status, ok: r.ok, ct: r.headers.get('content-type'), missing: r.headers.get('nope'),
         json: await r.json(), text: await r.text(), url: r.url };`,
      { host, bindings: { fetch: true } },
    );
    expect(result).toMatchObject({
      ok: true,
      result: {
        type: 'function',
        status: 201,
        ok: true,
        ct: 'application/json',
        missing: null,
        json: { made: true },
        text: '{"made":true}',
        url: 'https://example.test/x',
      },
    });
    expect(calls).toEqual([
      {
        kind: 'fetch',
        url: 'https://example.test/x',
        init: { method: 'POST', headers: { 'X-A': '1' }, body: 'hi' },
      },
    ]);
  });

  it('enforces the call limit, even when the guest catches the error', async () => {
    const result = await run(
      `for (let i = 0; i < 10; i++) { try { await pets.getPet({ id: i }); } catch {} } return 'finished';`,
      { limits: { maxCalls: 3 } },
    );
    expect(failure(result)).toEqual({ kind: 'limit', message: 'API call limit of 3 per run exceeded' });
  });

  it('enforces the concurrent host call limit', async () => {
    const within = await run(
      'return (await Promise.all([1, 2, 3].map((id) => pets.getPet({ id })))).length;',
      {
        limits: { maxConcurrentCalls: 3 },
      },
    );
    expect(within).toMatchObject({ ok: true, result: 3 });
    const over = await run(
      'try { await Promise.all([1, 2, 3, 4].map((id) => pets.getPet({ id }))); } catch {} return "swallowed";',
      { limits: { maxConcurrentCalls: 3 } },
    );
    expect(failure(over)).toEqual({
      kind: 'limit',
      message: 'concurrent host call limit of 3 exceeded (await some calls before starting more)',
    });
  });

  it('limits the result size and refuses results that are not JSON', async () => {
    const big = await run("return 'x'.repeat(2000);", { limits: { maxResultBytes: 1000 } });
    expect(failure(big)?.kind).toBe('limit');
    const multiByte = await run("return 'é'.repeat(600);", { limits: { maxResultBytes: 1000 } });
    expect(failure(multiByte)?.kind).toBe('limit');
    const circular = await run('const a = { b: 1 }; a.self = a; return a;');
    expect(failure(circular)).toEqual({
      kind: 'runtime',
      message: 'result is not JSON-serialisable: TypeError: circular reference',
    });
    const bigint = await run('return 10n;');
    expect(failure(bigint)?.message).toMatch(/^result is not JSON-serialisable: TypeError/);
    // A function is not JSON: like JSON.stringify, the result is undefined (inside objects the key is dropped).
    expect(await run('return () => 1;')).toMatchObject({ ok: true, result: undefined });
    expect(await run('return { f() {}, n: 1 };')).toMatchObject({ ok: true, result: { n: 1 } });
    const deep = await run('let v = 1; for (let i = 0; i < 600; i++) v = [v]; return v;');
    expect(failure(deep)).toEqual({ kind: 'limit', message: 'result nests deeper than 512 levels' });
    // Getters run in the guest, under its limits.
    const getter = await run('return { get x() { while (true) {} } };', { limits: { timeoutMs: 150 } });
    expect(failure(getter)?.kind).toBe('timeout');
  });

  it('reports syntax errors, thrown values and hung promises clearly', async () => {
    expect(failure(await run('const a = 1;\nconst b = ;'))?.message).toMatch(/^SyntaxError: .*\(line 2\)$/);
    expect(failure(await run('\n\nnull.x;'))).toEqual({
      kind: 'runtime',
      message: "TypeError: cannot read property 'x' of null (line 3)",
    });
    expect(failure(await run("throw 'plain';"))?.message).toBe('Uncaught plain');
    expect(failure(await run('await new Promise(() => {});'))?.message).toMatch(/can never settle/);
  });

  it('serves 50 runs in a row, including failures and abandoned host calls', async () => {
    const codes = [
      'return 1',
      'pets.getPet({ id: 1 }); return "not awaited";',
      'await pets.getPet({ id: 404 });',
      'Promise.resolve().then(() => 1); return 2;',
      'throw new Error("x");',
    ];
    for (let i = 0; i < 50; i++) {
      const result = await run(codes[i % codes.length]);
      expect(result.ok, `run ${i}`).toBe(i % codes.length !== 2 && i % codes.length !== 4);
    }
  });

  it('keeps concurrent runs and their host calls apart', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        run(`const p = await pets.getPet({ id: ${i} }); return p.id * 10;`),
      ),
    );
    expect(results.map((r) => r.ok && r.result)).toEqual(Array.from({ length: 12 }, (_, i) => i * 10));
  });
});

describe('runSnippet on one module', () => {
  it('disposes every handle: 50 varied runs leave no fault and no memory growth', async () => {
    const module = await loadQuickJSModule(defaultLimits.memoryBytes);
    const { host } = recordingHost();
    const raw = (json: string) => answerHostCall(host, json);
    const codes = [
      'return { a: [1, 2, 3] }',
      'const r = await pets.getPet({ id: 1 }); console.log(r); return r;',
      'pets.getPet({ id: 2 }); pets.getPet({ id: 3 }); return "left in flight"',
      'try { await pets.getPet({ id: 404 }); } catch (e) { return e.status; }',
      'await pets.getPet({ id: 404 })',
      'const a = {}; a.a = a; return a;',
      'while (true) {}',
      'new Promise(() => {}); Promise.resolve().then(() => { throw new Error("late"); }); return 1;',
      'const x = ;',
      'for (let i = 0; i < 5; i++) await state.put("k" + i, i); return await state.list();',
    ];
    const memoryBefore = module.getWasmMemory().buffer.byteLength;
    for (let i = 0; i < 50; i++) {
      const request = { code: codes[i % codes.length], bindings, limits: { ...limits, timeoutMs: 50 } };
      const outcome = await runSnippet(module, request, raw);
      expect(outcome.cleanUp(), `run ${i}: ${codes[i % codes.length]}`).toBe(false);
    }
    expect(module.getWasmMemory().buffer.byteLength).toBe(memoryBefore);
  });
});

describe("a context prepared for the previous run's bindings", () => {
  it('gives a run with other bindings exactly its own globals', async () => {
    const module = await loadQuickJSModule(defaultLimits.memoryBytes);
    const raw = (json: string) => answerHostCall(recordingHost().host, json);
    const probe =
      'return ["pets", "shop", "state", "fetch", "console"].map((name) => typeof globalThis[name])';
    const cases: [SandboxBindings, string[]][] = [
      [
        { apis: {}, state: false, fetch: false },
        ['undefined', 'undefined', 'undefined', 'undefined', 'object'],
      ],
      [
        { apis: { shop: ['buy'] }, state: false, fetch: true },
        ['undefined', 'object', 'undefined', 'function', 'object'],
      ],
      [bindings, ['object', 'undefined', 'object', 'undefined', 'object']],
    ];
    const expected = preludeConfig({ code: '', bindings, limits });
    for (const [other, types] of cases) {
      const fresh = prepareContext(module, expected);
      const outcome = await runSnippet(module, { code: probe, bindings: other, limits }, raw, { fresh });
      expect(outcome.result).toMatchObject({ ok: true, resultJson: JSON.stringify(types) });
      expect(outcome.cleanUp()).toBe(false);
    }
  });
});

describe('a module that an interrupted promise job leaves unfreeable', () => {
  it('is thrown away without printing QuickJS abort messages', async () => {
    const printed = [vi.spyOn(console, 'error'), vi.spyOn(console, 'warn')];
    try {
      const spins = [
        'const spin = () => Promise.resolve().then(spin); spin(); await new Promise(() => {});',
        'async function spin() { await null; return spin(); } await spin();',
      ];
      for (let i = 0; i < 10; i++) {
        const module = await loadQuickJSModule(defaultLimits.memoryBytes);
        const outcome = await runSnippet(
          module,
          {
            code: spins[i % 2]!,
            bindings: { apis: {}, state: false, fetch: false },
            limits: { ...defaultLimits, timeoutMs: 100 },
          },
          async () => ({ ok: true, value: null }) as never,
        );
        expect(outcome.result).toMatchObject({ ok: false, error: { kind: 'timeout' } });
        // QuickJS leaks on some of these interrupts (not all): then the module is reported for discarding.
        outcome.cleanUp();
      }
      for (const spy of printed) {
        expect(spy.mock.calls.flat().join('\n')).not.toMatch(/Assertion failed/);
      }
    } finally {
      for (const spy of printed) spy.mockRestore();
    }
  });
});

describe('runSnippet limits that need a controlled host', () => {
  it('ends a run by counting interrupt polls when the clock stands still', async () => {
    const module = await loadQuickJSModule(defaultLimits.memoryBytes);
    const frozen = vi.spyOn(performance, 'now').mockReturnValue(1000);
    try {
      const request = { code: 'while (true) {}', bindings, limits: { ...limits, timeoutMs: 10 } };
      const outcome = await runSnippet(module, request, (json) => answerHostCall(recordingHost().host, json));
      expect(outcome.result).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    } finally {
      frozen.mockRestore();
    }
  });

  it('refuses host answers nested too deeply for the guest to parse safely', async () => {
    const sandbox = createQuickJSSandbox();
    let deep: unknown = 1;
    for (let i = 0; i < 1000; i++) deep = [deep];
    const result = await sandbox.run(
      { code: 'try { await pets.getPet({}); } catch (e) { return e.message; }', bindings, limits },
      async () => deep,
    );
    expect(result).toMatchObject({ ok: true, result: 'the host answer nests deeper than 512 levels' });
    await sandbox.close();
  });
});

describe('worker pool backstop', () => {
  let pool: Sandbox;
  beforeAll(() => {
    pool = createWorkerSandbox({ graceMs: 150 });
  });
  afterAll(() => pool.close());
  const run = (code: string, timeoutMs: number) =>
    pool.run({ code, bindings, limits: { ...limits, timeoutMs } }, recordingHost().host);
  // Array-like `includes` over 2^40 elements never polls the interrupt handler and would take hours:
  // only killing the worker ends it, so a prompt answer is the proof.
  const uninterruptible = 'return Array.prototype.includes.call({ length: 2 ** 40 }, 1);';

  it('kills a worker stuck in a built-in the interrupt handler cannot reach, and keeps serving', async () => {
    expect(await run(uninterruptible, 200)).toMatchObject({
      ok: false,
      error: { kind: 'timeout', message: 'exceeded the 200 ms time limit' },
    });
    expect(await run('return 1 + 1', 200)).toMatchObject({ ok: true, result: 2 });
  });

  it('answers a normal run while eight infinite loops are still running', async () => {
    let settled = 0;
    const loops = Array.from({ length: 8 }, (_, i) =>
      run(i % 2 ? 'while (true) {}' : uninterruptible, 3000).finally(() => settled++),
    );
    const normal = await run('return "beside the loops"', 3000);
    expect(normal).toMatchObject({ ok: true, result: 'beside the loops' });
    expect(settled).toBe(0);
    const results = await Promise.all(loops);
    expect(results.map((r) => !r.ok && r.error.kind)).toEqual(Array(8).fill('timeout'));
  });

  it('a killed worker fails only its own run', async () => {
    const results = await Promise.all([
      run(uninterruptible, 100),
      run('const r = await pets.getPet({ id: 7 }); return r.id;', 1000),
    ]);
    expect(results[0]).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    expect(results[1]).toMatchObject({ ok: true, result: 7 });
  });
});

describe('pool worker choice', () => {
  const request = (code: string) => ({ code, bindings, limits: { ...limits, timeoutMs: 5000 } });
  // Long enough to hold its worker while the other runs of a burst start.
  const busy = 'const t = Date.now(); while (Date.now() - t < 300) {} return 1;';

  it('hands each run to the worker that finished last, so one warm worker serves a sequence', async () => {
    // Which worker each run is sent to, by the order workers were started.
    const runsPerWorker: number[] = [];
    const spawnDeno = subprocessWorker('deno');
    const pool = createPoolSandbox(
      (init, events) => {
        const worker = spawnDeno(init, events);
        const index = runsPerWorker.push(0) - 1;
        return {
          ...worker,
          send: (message) => {
            if (message.type === 'run') runsPerWorker[index]++;
            worker.send(message);
          },
        };
      },
      { size: 3, cpus: 2, spare: 1 },
    );
    try {
      // Two runs at once: two or three workers are started (one a spare), one or two have run something
      // (a slow start may leave both runs to one).
      const both = await Promise.all([0, 1].map(() => pool.run(request(busy), recordingHost().host)));
      expect(both.map((r) => r.ok)).toEqual([true, true]);
      expect(runsPerWorker.length).toBeGreaterThanOrEqual(2);
      const before = [...runsPerWorker];
      for (let i = 0; i < 8; i++) {
        expect(await pool.run(request(`return ${i}`), recordingHost().host)).toMatchObject({
          ok: true,
          result: i,
        });
      }
      const added = runsPerWorker.map((n, w) => n - (before[w] ?? 0));
      // Rotating over the idle workers would have split the eight runs between them; a worker becoming
      // ready meanwhile does not take over from the warm one either.
      expect(added.filter((n) => n > 0)).toEqual([8]);
    } finally {
      await pool.close();
    }
  }, 30_000);

  it('lets the workers a trickle of runs does not need retire', async () => {
    let started = 0;
    let killed = 0;
    const spawnDeno = subprocessWorker('deno');
    const pool = createPoolSandbox(
      (init, events) => {
        started++;
        const worker = spawnDeno(init, events);
        return {
          ...worker,
          kill: () => {
            killed++;
            return worker.kill();
          },
        };
      },
      { size: 3, cpus: 3, spare: 0, idleMs: 600 },
    );
    try {
      const burst = await Promise.all([0, 1, 2].map(() => pool.run(request(busy), recordingHost().host)));
      expect(burst.map((r) => r.ok)).toEqual([true, true, true]);
      expect(started).toBe(3);
      // One run every ~100 ms for ~1.5 s: one worker is enough. Rotating over all three would have
      // reused each of them well within idleMs and kept them all.
      for (let i = 0; i < 14; i++) {
        expect(await pool.run(request('return 1'), recordingHost().host)).toMatchObject({ ok: true });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(killed).toBe(2);
      expect(started - killed).toBe(1);
    } finally {
      await pool.close();
    }
  }, 30_000);
});

describe('worker pool CPU cap', () => {
  const request = (code: string, timeoutMs = 2000) => ({ code, bindings, limits: { ...limits, timeoutMs } });

  it('runs no more snippets at once than there are CPUs while they are short', async () => {
    const pool = createWorkerSandbox({ size: 4, cpus: 1, longRunMs: 5000 });
    try {
      // Each run notes when it starts and ends (the guest's clock, no host call: a run waiting for the
      // host would rightly let the next one start): with one CPU they never overlap.
      const spans: [number, number][] = [];
      const host = recordingHost().host;
      const timed = `const start = Date.now(); let s = 0; for (let i = 0; i < 300000; i++) s += i;
        return [start, Date.now()];`;
      const results = await Promise.all(Array.from({ length: 4 }, () => pool.run(request(timed), host)));
      for (const result of results) {
        expect(result.ok).toBe(true);
        if (result.ok) spans.push(result.result as [number, number]);
      }
      spans.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
    } finally {
      await pool.close();
    }
  });

  it('starts a queued run while the running one waits for a host call', async () => {
    const pool = createWorkerSandbox({ size: 2, cpus: 1, longRunMs: 5000 });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const waiting: HostFunction = async () => {
      await gate;
      return 'opened';
    };
    try {
      const blocked = pool.run(request("return await state.get('gate');"), waiting);
      const beside = await pool.run(request('return "ran beside"'), recordingHost().host);
      expect(beside).toMatchObject({ ok: true, result: 'ran beside' });
      open();
      expect(await blocked).toMatchObject({ ok: true, result: 'opened' });
    } finally {
      open();
      await pool.close();
    }
  });

  it('starts a queued run beside one that has run longer than longRunMs', async () => {
    const pool = createWorkerSandbox({ size: 2, cpus: 1, longRunMs: 50, graceMs: 100 });
    try {
      const loop = pool.run(request('while (true) {}', 1500), recordingHost().host);
      const started = performance.now();
      const beside = await pool.run(request('return "not stuck behind the loop"'), recordingHost().host);
      expect(beside).toMatchObject({ ok: true, result: 'not stuck behind the loop' });
      // Well before the loop's deadline: it waited for the loop to turn long, not to end.
      expect(performance.now() - started).toBeLessThan(1200);
      expect(await loop).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    } finally {
      await pool.close();
    }
  });
});

describe('worker pool queue', () => {
  it('queues up to its limit, then rejects with SandboxOverloadedError and a retry hint', async () => {
    const pool = createWorkerSandbox({ size: 1, maxQueue: 1, graceMs: 100 });
    try {
      const request = (code: string) => ({ code, bindings, limits: { ...limits, timeoutMs: 2000 } });
      const running = pool.run(request('while (true) {}'), recordingHost().host);
      const waiting = pool.run(request('return "waited"'), recordingHost().host);
      const refused = await pool.run(request('return 1'), recordingHost().host).catch((error) => error);
      expect(isSandboxOverloaded(refused)).toBe(true);
      expect(refused.message).toMatch(
        /^sandbox pool is full: 1 workers and 1 queue places are taken; retry after \d+ s$/,
      );
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(await running).toMatchObject({ ok: false, error: { kind: 'timeout' } });
      expect(await waiting).toMatchObject({ ok: true, result: 'waited' });
    } finally {
      await pool.close();
    }
  });
});
