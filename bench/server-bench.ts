/**
 * Measurements against one running `duet serve` (four specs loaded, APIs pointed at the local upstream):
 * latency of each request kind interleaved with /healthz on one connection, the CPU-bound snippet,
 * throughput under concurrent load, RSS idle and after type-checked runs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Call, expectOk, httpClient, interleaved, load } from './http-client.ts';
import { processTree } from './processes.ts';
import type { Runtime } from './runtimes.ts';
import { CPU_LOOP, ONE_CALL, THREE_CALLS, TRIVIAL } from './snippets.ts';
import { quantile } from './stats.ts';

export const execute = (code: string, extra: Record<string, unknown> = {}): Call => ({
  method: 'POST',
  path: '/v1/execute',
  body: { code, ...extra },
});

/** Resident memory of the serving process and its descendants (the launcher of Bun, Deno, workerd excluded). */
export function serverRss(rootPid: number, runtime: Runtime): { serverBytes: number; launcherBytes: number } {
  const tree = processTree(rootPid);
  if (runtime.serverProcess === 'launcher') {
    return { serverBytes: tree.reduce((sum, p) => sum + p.rssBytes, 0), launcherBytes: 0 };
  }
  const top = tree.find((p) => p.name === runtime.serverProcess);
  if (!top) return { serverBytes: Number.NaN, launcherBytes: tree[0]?.rssBytes ?? Number.NaN };
  const under = processTree(top.pid);
  return {
    serverBytes: under.reduce((sum, p) => sum + p.rssBytes, 0),
    launcherBytes: tree.filter((p) => !under.includes(p)).reduce((sum, p) => sum + p.rssBytes, 0),
  };
}

export interface LatencyBudget {
  count: number;
  warmup: number;
  warmupMs: number;
  budgetMs: number;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  n: number;
}

export function percentiles(samples: number[]): Percentiles {
  return {
    p50: quantile(samples, 0.5),
    p95: quantile(samples, 0.95),
    p99: quantile(samples, 0.99),
    n: samples.length,
  };
}

/** Waits until a type-checked execute succeeds: the checker warms after the server listens. */
export async function warmUp(url: string): Promise<number> {
  const client = httpClient(url);
  const started = performance.now();
  try {
    await expectOk(client, execute(THREE_CALLS));
  } finally {
    client.close();
  }
  return performance.now() - started;
}

export interface LatencyRound {
  healthz: Percentiles;
  trivial: Percentiles;
  search: Percentiles;
  threeCalls: Percentiles;
  threeCallsChecked: Percentiles;
  oneCall: Percentiles;
  oneCallChecked: Percentiles;
  /** trivial p50 / healthz p50, and the type-check's cost: checked p50 - unchecked p50. */
  trivialToHealthz: number;
  trivialP95ToP50: number;
  typecheckCostMs: number;
  typecheckRatio: number;
  /** The same for a one-call snippet. */
  typecheckCostOneMs: number;
  raw: Record<string, number[]>;
}

export async function latency(url: string, queries: string[], budget: LatencyBudget): Promise<LatencyRound> {
  const client = httpClient(url);
  try {
    const kinds: Record<string, (i: number) => Call> = {
      healthz: () => ({ method: 'GET', path: '/healthz' }),
      trivial: () => execute(TRIVIAL, { typecheck: false }),
      search: (i) => ({
        method: 'POST',
        path: '/v1/search',
        body: { query: queries[i % queries.length], limit: 10 },
      }),
      threeCalls: (i) => execute(`${THREE_CALLS}\n// ${i}`, { typecheck: false }),
      threeCallsChecked: (i) => execute(`${THREE_CALLS}\n// ${i}`),
      oneCall: (i) => execute(`${ONE_CALL}\n// ${i}`, { typecheck: false }),
      oneCallChecked: (i) => execute(`${ONE_CALL}\n// ${i}`),
    };
    const raw = await interleaved(client, kinds, budget);
    const p = Object.fromEntries(Object.entries(raw).map(([name, s]) => [name, percentiles(s)])) as Record<
      string,
      Percentiles
    >;
    return {
      healthz: p.healthz,
      trivial: p.trivial,
      search: p.search,
      threeCalls: p.threeCalls,
      threeCallsChecked: p.threeCallsChecked,
      oneCall: p.oneCall,
      oneCallChecked: p.oneCallChecked,
      trivialToHealthz: p.trivial.p50 / p.healthz.p50,
      trivialP95ToP50: p.trivial.p95 / p.trivial.p50,
      typecheckCostMs: p.threeCallsChecked.p50 - p.threeCalls.p50,
      typecheckRatio: p.threeCallsChecked.p50 / p.threeCalls.p50,
      typecheckCostOneMs: p.oneCallChecked.p50 - p.oneCall.p50,
      raw: Object.fromEntries(
        Object.entries(raw).map(([k, v]) => [k, v.map((x) => Math.round(x * 1000) / 1000)]),
      ),
    };
  } finally {
    client.close();
  }
}

/** The CPU loop over HTTP minus a trivial execute beside it: the interpreter's time for the loop. */
export async function cpuLoop(url: string, count: number): Promise<{ loopMs: number; samples: number[] }> {
  const client = httpClient(url);
  try {
    const raw = await interleaved(
      client,
      {
        trivial: () => execute(TRIVIAL, { typecheck: false }),
        loop: () => execute(CPU_LOOP, { typecheck: false, timeoutMs: 60_000 }),
      },
      { count, warmup: 1, warmupMs: 0, budgetMs: 60_000 },
    );
    return { loopMs: quantile(raw.loop, 0.5) - quantile(raw.trivial, 0.5), samples: raw.loop };
  } finally {
    client.close();
  }
}

export interface LoadRound {
  requestsPerSecond: number;
  /** The same load during its warm-up, before the measured seconds: a fresh server's JIT at work. */
  warmupRequestsPerSecond: number;
  requests: number;
  errors: number;
  errorSamples: string[];
  p50: number;
  p99: number;
  seconds: number;
}

export async function throughput(
  url: string,
  options: { connections: number; seconds: number; warmupSeconds: number; maxRequests: number },
): Promise<LoadRound> {
  const result = await load(url, () => execute(TRIVIAL, { typecheck: false }), options);
  return {
    requestsPerSecond: result.requestsPerSecond,
    warmupRequestsPerSecond: result.warmupRequestsPerSecond,
    requests: result.requests,
    errors: result.errors,
    errorSamples: result.errorSamples,
    p50: quantile(result.latencies, 0.5),
    p99: quantile(result.latencies, 0.99),
    seconds: result.seconds,
  };
}

export interface LeakCheck {
  /** RSS (MiB) of the serving process after this many type-checked runs, each after a short rest. */
  points: { runs: number; rssMiB: number; seconds: number }[];
  failures: number;
  firstFailure?: string;
  snippets: number;
}

/**
 * Type-checked runs of the corpus (each made unique by a comment), `concurrency` at a time, with the RSS
 * taken at each checkpoint after a rest. Failing snippets (the upstream answers `{}`) still count: they
 * were checked and run.
 */
export async function leakCheck(
  url: string,
  rss: () => Promise<number>,
  snippets: string[],
  checkpoints: number[],
  options: { concurrency: number; restMs: number; budgetMs: number },
): Promise<LeakCheck> {
  const client = httpClient(url, options.concurrency);
  const points: LeakCheck['points'] = [{ runs: 0, rssMiB: (await rss()) / 2 ** 20, seconds: 0 }];
  let done = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const started = performance.now();
  try {
    for (const target of checkpoints) {
      let next = done;
      const worker = async () => {
        while (next < target && performance.now() - started < options.budgetMs) {
          const i = next++;
          const reply = await client.send(
            execute(`${snippets[i % snippets.length]}\n// run ${i}`, { timeoutMs: 10_000 }),
          );
          if (reply.status !== 200) {
            failures++;
            firstFailure ??= `${reply.status} ${reply.text.slice(0, 200)}`;
          }
        }
      };
      await Promise.all(Array.from({ length: options.concurrency }, worker));
      done = next;
      await sleep(options.restMs);
      const seconds = (performance.now() - started) / 1000;
      points.push({ runs: done, rssMiB: (await rss()) / 2 ** 20, seconds });
      if (done < target) break;
    }
  } finally {
    client.close();
  }
  return { points, failures, firstFailure, snippets: snippets.length };
}
