// The floor of duet's execute path on this machine, with no duet code in it: a server on duet's HTTP stack
// (Hono on @hono/node-server) whose POST /run hands `return 1 + 1` to a worker thread and answers with its
// result, beside GET /healthz on the same server, one keep-alive client in another process sending both kinds in a shuffled order.
// It shows what the trivial-execute / healthz ratio can be at best with a killable worker:
//   echo        the worker answers at once (the two thread hops alone)
//   reuse       QuickJS evaluates every run in one long-lived context (no isolation between runs: unsafe)
//   fresh       a fresh QuickJS runtime + context per run, built after the answer for the next run (duet's way)
// Usage: `node bench/two-hop-floor.mjs [echo|reuse|fresh ...]` (default: all three, twice, alternated);
// FLOOR_SAMPLES and FLOOR_WARMUP set the samples per kind (3,000) and the rounds before them (1,000).
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const SAMPLES = Number(process.env.FLOOR_SAMPLES ?? 3000);
const WARMUP = Number(process.env.FLOOR_WARMUP ?? 1000);

if (!isMainThread) await serveRuns(workerData.mode);
else if (process.env.FLOOR_CLIENT) await client(Number(process.env.FLOOR_CLIENT));
else await main(process.argv.slice(2));

async function main(args) {
  const modes = args.length > 0 ? args : ['echo', 'reuse', 'fresh', 'echo', 'reuse', 'fresh'];
  for (const mode of modes) console.log(mode.padEnd(6), await measure(mode));
}

async function measure(mode) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { mode } });
  await new Promise((resolve) => worker.once('message', resolve));
  const waiting = new Map();
  let nextId = 0;
  worker.on('message', (m) => {
    waiting.get(m.id)?.(m);
    waiting.delete(m.id);
  });
  const post = (code) =>
    new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      worker.postMessage({ id, code });
    });
  // The HTTP stack duet answers with (Hono on @hono/node-server), so that only duet's own pipeline is missing.
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.post('/run', async (c) => {
    const { code } = await c.req.json();
    const { result } = await post(code);
    return c.json({ ok: true, result, logs: [], calls: [] });
  });
  const server = await new Promise((resolve) => {
    const listening = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(listening));
  });
  const child = fork(new URL(import.meta.url), [], {
    env: { ...process.env, FLOOR_CLIENT: String(server.address().port) },
  });
  try {
    return await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`the client exited (${code}) before its figures`)));
    });
  } finally {
    child.kill();
    server.closeAllConnections();
    server.close();
    await worker.terminate();
  }
}

async function client(port) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const call = (method, path, body) =>
    new Promise((resolve, reject) => {
      const payload = body && JSON.stringify(body);
      const headers = payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {};
      const req = request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
      });
      req.on('error', reject);
      req.end(payload);
    });
  const kinds = {
    healthz: () => call('GET', '/healthz'),
    run: async () => {
      const reply = await call('POST', '/run', { code: 'return 1 + 1' });
      if (reply.result !== 2) throw new Error(`the run answered ${JSON.stringify(reply)}`);
    },
  };
  const samples = { healthz: [], run: [] };
  let seed = 7;
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    // A coin per round for which kind goes first, so neither always follows the other.
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    for (const kind of seed % 2 ? ['healthz', 'run'] : ['run', 'healthz']) {
      const start = performance.now();
      await kinds[kind]();
      if (i >= WARMUP) samples[kind].push(performance.now() - start);
    }
  }
  const q = (values, p) => values.sort((a, b) => a - b)[Math.floor(p * (values.length - 1))];
  const healthz = q(samples.healthz, 0.5);
  const run = q(samples.run, 0.5);
  const us = (ms) => `${Math.round(ms * 1000)} µs`;
  process.send(
    `healthz ${us(healthz)}  run ${us(run)}  run/healthz ${(run / healthz).toFixed(2)}x  run p95/p50 ${(q(samples.run, 0.95) / run).toFixed(2)}x`,
  );
  await new Promise(() => {});
}

/** The worker thread: answers each run, in the way `mode` says. */
async function serveRuns(mode) {
  const { newQuickJSWASMModuleFromVariant } = await import('quickjs-emscripten-core');
  const { default: variant } = await import('@jitl/quickjs-wasmfile-release-sync');
  const quickjs = await newQuickJSWASMModuleFromVariant(variant);
  const fresh = () => {
    const runtime = quickjs.newRuntime();
    return { runtime, context: runtime.newContext() };
  };
  const evaluate = ({ context }, code) => {
    const promise = context.unwrapResult(context.evalCode(`(async () => {\n${code}\n})()`));
    context.runtime.executePendingJobs();
    const state = context.getPromiseState(promise);
    promise.dispose();
    const value = state.type === 'fulfilled' ? context.dump(state.value) : undefined;
    if (state.type === 'fulfilled' && !state.notAPromise) state.value.dispose();
    return value;
  };
  let next = mode === 'echo' ? undefined : fresh();
  parentPort.on('message', ({ id, code }) => {
    if (mode === 'echo') return parentPort.postMessage({ id, result: 2 });
    const used = next;
    parentPort.postMessage({ id, result: evaluate(used, code) });
    if (mode === 'fresh') {
      // Freed and rebuilt after the answer is posted, as duet's workers do.
      used.context.dispose();
      used.runtime.dispose();
      next = fresh();
    }
  });
  parentPort.postMessage('ready');
}
