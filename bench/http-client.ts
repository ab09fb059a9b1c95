/**
 * The benchmark's HTTP client, loopback only: requests on keep-alive sockets (node:http), latency
 * samples of several requests interleaved on one connection, and a bounded concurrent load.
 */
import { Agent, request as httpRequest } from 'node:http';
import { type Random, seeded } from '../src/testing/random.ts';

export interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

export interface Reply {
  status: number;
  text: string;
}

const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+$/;

/** A client for one server: `send` on keep-alive sockets, at most `connections` at once. */
export function httpClient(url: string, connections = 1) {
  if (!LOOPBACK.test(url)) throw new Error(`bench: ${url} is not a loopback address`);
  const { hostname, port } = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const send = (call: Call, timeoutMs = 60_000): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const body = call.body === undefined ? undefined : JSON.stringify(call.body);
      const req = httpRequest(
        {
          agent,
          host: hostname.replace(/^\[|\]$/g, ''),
          port: Number(port),
          method: call.method,
          path: call.path,
          headers: body
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
            : {},
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`${call.method} ${call.path}: no answer in ${timeoutMs} ms`)),
      );
      req.on('error', reject);
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}

export type Client = ReturnType<typeof httpClient>;

/** `send` that throws unless the answer is 200 and, for execute, `ok: true`. */
export async function expectOk(client: Client, call: Call): Promise<Reply> {
  const reply = await client.send(call);
  if (reply.status !== 200)
    throw new Error(`${call.method} ${call.path}: ${reply.status} ${reply.text.slice(0, 300)}`);
  if (call.path === '/v1/execute') {
    const body = JSON.parse(reply.text) as { ok: boolean; error?: { kind: string; message: string } };
    if (!body.ok)
      throw new Error(`execute failed: ${body.error?.kind}: ${body.error?.message.slice(0, 300)}`);
  }
  return reply;
}

/**
 * Latency of several kinds of request, interleaved on one connection (each round all kinds, in a shuffled
 * order), so drift and other processes touch every kind alike. Bounded by `count` per kind and by `budgetMs` overall.
 */
export async function interleaved(
  client: Client,
  kinds: Record<string, (i: number) => Call>,
  options: { count: number; warmup: number; warmupMs: number; budgetMs: number },
): Promise<Record<string, number[]>> {
  const names = Object.keys(kinds);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  const warmupEnd = performance.now() + options.warmupMs;
  for (let i = 0; i < options.warmup || performance.now() < warmupEnd; i++) {
    for (const name of names) await expectOk(client, kinds[name](i));
  }
  const deadline = performance.now() + options.budgetMs;
  // Seeded: the same orders on every run and runtime, so their samples compare.
  const random = seeded(0x5eed);
  for (let i = 0; i < options.count && performance.now() < deadline; i++) {
    // A new order each time: no kind always follows the same other kind, so none always meets the
    // work another leaves behind (a rotation kept the cycle: /healthz always came after the same kind).
    for (const name of shuffled(names, random)) {
      const call = kinds[name](i);
      const started = performance.now();
      await expectOk(client, call);
      samples[name].push(performance.now() - started);
    }
  }
  return samples;
}

function shuffled<T>(items: T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export interface LoadResult {
  connections: number;
  seconds: number;
  requests: number;
  errors: number;
  /** The first few error messages, for the report. */
  errorSamples: string[];
  requestsPerSecond: number;
  /** Answers per second while warming up (not counted in `requests`). */
  warmupRequestsPerSecond: number;
  latencies: number[];
}

/**
 * `connections` loops, each sending `call` back to back on its own keep-alive socket, for `seconds`
 * (after `warmupSeconds` not counted) and at most `maxRequests` in all. An error is a non-200 answer,
 * an execute that is not `ok`, or a failed request.
 */
export async function load(
  url: string,
  call: (i: number) => Call,
  options: { connections: number; seconds: number; warmupSeconds: number; maxRequests: number },
): Promise<LoadResult> {
  const client = httpClient(url, options.connections);
  const warmupEnd = performance.now() + options.warmupSeconds * 1000;
  let measureStart = 0;
  let measureEnd = 0;
  let requests = 0;
  let warmupRequests = 0;
  let errors = 0;
  let issued = 0;
  const loadStart = performance.now();
  const errorSamples: string[] = [];
  const latencies: number[] = [];
  const loop = async () => {
    for (;;) {
      const now = performance.now();
      const measuring = now >= warmupEnd;
      if (measuring && !measureStart) {
        measureStart = now;
        measureEnd = now + options.seconds * 1000;
      }
      if ((measuring && now >= measureEnd) || issued >= options.maxRequests) return;
      const i = issued++;
      const started = performance.now();
      try {
        await expectOk(client, call(i));
        if (measuring) latencies.push(performance.now() - started);
      } catch (error) {
        if (measuring) errors++;
        if (errorSamples.length < 5) errorSamples.push((error as Error).message.slice(0, 200));
      }
      if (measuring) requests++;
      else warmupRequests++;
    }
  };
  await Promise.all(Array.from({ length: options.connections }, loop));
  client.close();
  // From the first measured request to the last answer (in-flight requests finish after the deadline).
  const elapsed = measureStart ? (performance.now() - measureStart) / 1000 : 0;
  return {
    connections: options.connections,
    seconds: elapsed,
    requests,
    errors,
    errorSamples,
    requestsPerSecond: elapsed > 0 ? requests / elapsed : 0,
    warmupRequestsPerSecond:
      measureStart > loadStart ? warmupRequests / ((measureStart - loadStart) / 1000) : 0,
    latencies,
  };
}
