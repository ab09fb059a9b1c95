/**
 * The Dynamic Worker Loader sandbox: which sandbox the Worker picks, what a loaded isolate can reach (in
 * real workerd through Miniflare), and the parent's own checks against a runner the snippet subverted.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Miniflare, type WorkerOptions } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorker } from '../adapters/cloudflare/bundle-worker.ts';
import {
  createLoaderSandbox,
  describeV8Failure,
  type WorkerLoader,
  type WorkerLoaderCode,
} from '../adapters/cloudflare/loader-sandbox.ts';
import { guardWorkerd } from '../adapters/cloudflare/workerd-guard.ts';
import { readWranglerConfig } from '../adapters/cloudflare/wrangler-config.ts';
import { defaultLimits, type HostCall, type RunRequest } from '../src/sandbox/types.ts';

/** Tells the sandbox from inside: V8 on Workers has `crypto` and refuses to compile strings; QuickJS the opposite. */
const WHICH = `let compiles; try { Function('return 1'); compiles = true; } catch { compiles = false; }
  return typeof crypto === 'object' && !compiles ? 'loader' : 'quickjs';`;

describe('the duet Worker on workerd picks its sandbox', () => {
  let mf: Miniflare;
  let sink: Server;
  let sinkHits = 0;
  const post = async (worker: string, body: unknown) => {
    const target = (await mf.getWorker(worker)) as unknown as {
      fetch(url: string, init: RequestInit): Promise<Response>;
    };
    const response = await target.fetch('http://duet/v1/execute', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    // A socket the loaded isolate must not reach by any road of its own.
    sink = createServer((_, res) => {
      sinkHits++;
      res.end('reached');
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    const wrangler = readWranglerConfig();
    const bundle = await bundleWorker(wrangler.main);
    guardWorkerd();
    const worker = (name: string, loader: boolean, config: object): WorkerOptions => ({
      name,
      modules: bundle.modules as WorkerOptions['modules'],
      modulesRoot: bundle.modulesRoot,
      compatibilityDate: wrangler.compatibilityDate,
      compatibilityFlags: wrangler.compatibilityFlags,
      durableObjects: { DUET_SESSIONS: { className: 'DuetSession', useSQLite: true } },
      ...(loader ? { workerLoaders: { LOADER: {} } } : {}),
      bindings: {
        DUET_CONFIG: JSON.stringify({
          ...config,
          upstreams: { demo: { headers: { Authorization: 'Bearer loader-test-secret' } } },
        }),
      },
    });
    mf = new Miniflare({
      workers: [
        worker('with-loader', true, {}),
        worker('without-loader', false, {}),
        worker('asks-for-quickjs', true, { sandbox: 'quickjs' }),
        worker('asks-for-a-missing-loader', false, { sandbox: 'loader' }),
      ],
    });
    await mf.ready;
  });

  afterAll(async () => {
    await mf?.dispose();
    await new Promise((resolve) => sink?.close(resolve));
  });

  it('uses the loader when the Worker has a LOADER binding, QuickJS without one or when told', async () => {
    expect((await post('with-loader', { code: WHICH })).body).toMatchObject({ ok: true, result: 'loader' });
    expect((await post('without-loader', { code: WHICH })).body).toMatchObject({
      ok: true,
      result: 'quickjs',
    });
    expect((await post('asks-for-quickjs', { code: WHICH })).body).toMatchObject({
      ok: true,
      result: 'quickjs',
    });
    const missing = await post('asks-for-a-missing-loader', { code: 'return 1' });
    expect(missing.status).toBe(500);
    expect(missing.body.error.message).toMatch(/sandbox is 'loader' but the Worker has no LOADER binding/);
  });

  it('runs a session in its Durable Object through the loader too', async () => {
    const code = "const n = ((await state.get('n')) ?? 0) + 1; await state.put('n', n); return n;";
    expect((await post('with-loader', { code, session: 'loaded' })).body.result).toBe(1);
    expect((await post('with-loader', { code, session: 'loaded' })).body.result).toBe(2);
  });

  it('gives the isolate no network, no credentials and no host globals of its own', async () => {
    const { port } = sink.address() as AddressInfo;
    const code = `const { env } = await import('cloudflare:workers');
      let socket;
      try { const { connect } = await import('cloudflare:sockets'); const s = connect('127.0.0.1:${port}'); await s.opened; socket = 'opened'; }
      catch (e) { socket = e.message; }
      return { env: JSON.stringify(env), fetch: typeof fetch, socket,
        timers: [typeof setTimeout, typeof queueMicrotask, typeof scheduler, typeof MessageChannel],
        platform: [typeof navigator, typeof WebAssembly, typeof caches] };`;
    const { body } = await post('with-loader', { code });
    expect(body.ok, JSON.stringify(body)).toBe(true);
    expect(body.result).toMatchObject({
      env: '{}',
      fetch: 'undefined',
      timers: ['undefined', 'undefined', 'undefined', 'undefined'],
      platform: ['undefined', 'undefined', 'undefined'],
    });
    expect(body.result.socket).not.toBe('opened');
    expect(JSON.stringify(body)).not.toContain('loader-test-secret');
    expect(sinkHits).toBe(0);
    // The API call carries the credential, added by the parent outside the isolate.
    const call = await post('with-loader', { code: 'return (await demo.listTasks({})).length;' });
    expect(call.body).toMatchObject({ ok: true, calls: [{ name: 'listTasks', status: 200 }] });
  });

  it('starts an isolate per run in a few milliseconds', async () => {
    const times = async (worker: string) => {
      const ms: number[] = [];
      for (let i = 0; i < 15; i++) ms.push((await post(worker, { code: 'return 1 + 1;' })).body.durationMs);
      return ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)];
    };
    await times('with-loader');
    const loader = await times('with-loader');
    const quickjs = await times('asks-for-quickjs');
    console.info(
      `trivial run on workerd, median of 15 (executor's durationMs): loader ${loader} ms (new isolate each), QuickJS ${quickjs} ms`,
    );
    expect(loader).toBeLessThan(100);
  });
});

describe('the loader sandbox trusts nothing its isolate says', () => {
  type Runner = (configJson: string, host: (json: string, logs: [number, string][]) => Promise<any>) => any;
  const request = (limits: Partial<typeof defaultLimits> = {}): RunRequest => ({
    code: 'return 1',
    bindings: { apis: { echo: ['get'] }, state: true, fetch: false },
    limits: { ...defaultLimits, timeoutMs: 1000, ...limits },
  });
  const loaderOf = (run: Runner, seen: WorkerLoaderCode[] = []): WorkerLoader => ({
    get: () => {
      throw new Error('load() exists, so get() is not used');
    },
    load(code) {
      seen.push(code);
      return { getEntrypoint: () => ({ run: async (configJson, host) => run(configJson, host) }) };
    },
  });
  const echoHost = async (call: HostCall) => (call.kind === 'state' ? null : { echoed: call });

  it('loads a fresh Worker without network, with the CPU limit and the snippet as a module', async () => {
    const seen: WorkerLoaderCode[] = [];
    const sandbox = createLoaderSandbox(
      loaderOf(() => ({ kind: 'result', json: '1', logs: [] }), seen),
      { compatibilityDate: '2026-04-01' },
    );
    expect(await sandbox.run(request({ timeoutMs: 750 }), echoHost)).toMatchObject({ ok: true, result: 1 });
    await sandbox.run(request(), echoHost);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({ globalOutbound: null, env: {}, limits: { cpuMs: 750 } });
    expect(seen[0].modules['snippet.js']).toContain('return 1');
  });

  it('counts calls itself: a runner that ignores the call limit is cut off', async () => {
    let answered = 0;
    const sandbox = createLoaderSandbox(
      loaderOf(async (_, host) => {
        for (let i = 0; i < 500; i++) {
          const reply = await host(JSON.stringify({ kind: 'state', op: 'get', args: ['k'] }), []);
          if (reply.ok) answered++;
        }
        return { kind: 'result', json: '"done"', logs: [] };
      }),
    );
    const result = await sandbox.run(request({ maxCalls: 10 }), echoHost);
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'limit', message: 'API call limit of 10 per run exceeded' },
    });
    expect(answered).toBe(10);
  });

  it('counts logs itself, and bounds the result and its nesting', async () => {
    const flood = createLoaderSandbox(
      loaderOf(() => ({
        kind: 'result',
        json: '1',
        logs: Array.from({ length: 50 }, (): [number, string] => [0, 'spam']),
      })),
    );
    const logged = await flood.run(request({ maxLogLines: 20 }), echoHost);
    expect(logged).toMatchObject({ ok: false, error: { message: 'log limit of 20 lines exceeded' } });
    expect(logged.logs).toHaveLength(20);
    const big = createLoaderSandbox(
      loaderOf(() => ({ kind: 'result', json: `"${'x'.repeat(5000)}"`, logs: [] })),
    );
    expect(await big.run(request({ maxResultBytes: 1000 }), echoHost)).toMatchObject({
      ok: false,
      error: { kind: 'limit', message: 'result is 5002 bytes of JSON, over the 1000-byte limit' },
    });
    const deep = createLoaderSandbox(
      loaderOf(() => ({ kind: 'result', json: `${'['.repeat(600)}${']'.repeat(600)}`, logs: [] })),
    );
    expect(await deep.run(request(), echoHost)).toMatchObject({
      ok: false,
      error: { kind: 'limit', message: 'result nests deeper than 512 levels' },
    });
  });

  it('ends a run at its deadline whatever the isolate does, and refuses its later calls', async () => {
    let late: any;
    const sandbox = createLoaderSandbox(
      loaderOf(async (_, host) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        late = await host(JSON.stringify({ kind: 'state', op: 'get', args: ['k'] }), []);
        return new Promise(() => {});
      }),
    );
    const result = await sandbox.run(request({ timeoutMs: 100 }), echoHost);
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'timeout', message: 'exceeded the 100 ms time limit' },
    });
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(late).toMatchObject({ ok: false });
  });

  it('reads only strings and numbers from what the isolate answers', async () => {
    const odd = (answer: unknown) => createLoaderSandbox(loaderOf(() => answer)).run(request(), echoHost);
    expect(
      await odd({ kind: 'result', json: { toString: () => '1' }, logs: [[{}, 'line'], 'x', [0, 7]] }),
    ).toEqual(expect.objectContaining({ ok: true, result: undefined, logs: ['line'] }));
    expect(await odd({ kind: 'error', text: { toString: () => 'fake' }, logs: [] })).toMatchObject({
      error: { kind: 'runtime', message: 'Uncaught exception' },
    });
    expect(await odd('nonsense')).toMatchObject({
      error: { kind: 'runtime', message: /^sandbox fault: the runner answered nothing/ },
    });
  });

  it("maps the platform's ends of an isolate to timeout and memory", async () => {
    const failing = (message: string) =>
      createLoaderSandbox(
        loaderOf(() => {
          throw new Error(message);
        }),
      ).run(request({ timeoutMs: 500 }), echoHost);
    expect(await failing('Worker exceeded CPU time limit.')).toMatchObject({
      error: { kind: 'timeout', message: 'exceeded the 500 ms time limit' },
    });
    expect(await failing('Worker exceeded memory limit.')).toMatchObject({
      error: { kind: 'memory', message: 'exceeded the 128 MiB memory limit' },
    });
    expect(
      await failing('Failed to start Worker:\nUncaught SyntaxError: Unexpected token\n  at snippet.js:3:1'),
    ).toMatchObject({
      error: { kind: 'runtime', message: 'SyntaxError: Unexpected token (line 3)' },
    });
  });

  it("words V8's errors as QuickJS does", () => {
    expect(describeV8Failure('ReferenceError: process is not defined (line 2)')).toEqual({
      kind: 'runtime',
      message: "ReferenceError: 'process' is not defined (line 2)",
    });
    expect(
      describeV8Failure(
        "TypeError: Converting circular structure to JSON\n    --> starting at object with constructor 'Object'\n    --- property 'a' closes the circle (line 1)",
      ),
    ).toEqual({ kind: 'runtime', message: 'TypeError: circular reference (line 1)' });
    expect(describeV8Failure('RangeError: Maximum call stack size exceeded (line 1)')).toMatchObject({
      kind: 'limit',
      message: /^exceeded the isolate's stack limit/,
    });
    expect(describeV8Failure('Error: No such module "node:fs". (line 1)').message).toBe(
      "Error: could not load module 'node:fs' (line 1)",
    );
  });
});
