/** Search quality on real APIs: recall@k of agent-phrased queries over a combined 3,000+ operation catalog. */
import { createSearchIndex } from '../src/search/index.ts';
import type { SearchIndex } from '../src/search/types.ts';
import { evalApis } from './eval-catalog.ts';
import evalSet from './search-eval.json' with { type: 'json' };
import { ms, summarise, table } from './stats.ts';

export interface EvalQuery {
  query: string;
  /** Operations that answer the query, as `api.method`; any one of them in the top k is a hit. */
  expect: string[];
}

export interface Recall {
  queries: number;
  /** Share of queries with an expected operation in the top k. */
  at1: number;
  at5: number;
  at10: number;
}

export interface EvalResult {
  apis: { name: string; operations: number }[];
  operations: number;
  /** Every query; then the held-out ones alone (written after the ranking work, never tuned on). */
  all: Recall;
  heldOut: Recall;
  /** Queries without an expected operation in the top 5, with what came first instead. */
  misses: { query: string; expect: string[]; rank: number | undefined; top: string[] }[];
  latency: { p50: number; p95: number };
}

export const tuningQueries: EvalQuery[] = evalSet.queries;
export const heldOutQueries: EvalQuery[] = evalSet.heldOut;

const RUNS = 20;

function recall(index: SearchIndex, queries: EvalQuery[], misses?: EvalResult['misses']): Recall {
  const hits = { 1: 0, 5: 0, 10: 0 };
  for (const { query, expect } of queries) {
    const names = index.search(query, { limit: 10 }).map((h) => `${h.operation.api}.${h.operation.name}`);
    const at = names.findIndex((name) => expect.includes(name));
    const rank = at < 0 ? undefined : at + 1;
    for (const k of [1, 5, 10] as const) if (rank !== undefined && rank <= k) hits[k]++;
    if (rank === undefined || rank > 5) misses?.push({ query, expect, rank, top: names.slice(0, 3) });
  }
  const n = queries.length;
  return { queries: n, at1: hits[1] / n, at5: hits[5] / n, at10: hits[10] / n };
}

export async function runSearchEval(): Promise<EvalResult> {
  const apis = await evalApis();
  const index = createSearchIndex(apis.flatMap((api) => api.operations));
  const queries = [...tuningQueries, ...heldOutQueries];
  const misses: EvalResult['misses'] = [];
  const all = recall(index, queries, misses);
  const heldOut = recall(index, heldOutQueries);
  // Latency of the same queries, warmed up by the recall pass, each run several times.
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    for (const { query } of queries) {
      const started = performance.now();
      index.search(query, { limit: 10 });
      samples.push(performance.now() - started);
    }
  }
  const { p50, p95 } = summarise(samples);
  return {
    apis: apis.map((api) => ({ name: api.name, operations: api.operations.length })),
    operations: index.size,
    all,
    heldOut,
    misses,
    latency: { p50, p95 },
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The evaluation as markdown tables: recall@k and latency, then the queries that missed the top 5. */
export async function searchEval(): Promise<string> {
  const result = await runSearchEval();
  const catalog = result.apis.map((api) => `${api.name} ${api.operations}`).join(', ');
  const row = (name: string, r: Recall) => [name, `${r.queries}`, pct(r.at1), pct(r.at5), pct(r.at10)];
  const out = [
    table(
      `search quality over ${result.operations} operations (${catalog})`,
      ['queries', 'n', 'recall@1', 'recall@5', 'recall@10'],
      [row('all', result.all), row('held out (never tuned on)', result.heldOut)],
    ),
    table(
      `search latency over ${result.operations} operations (the eval queries x ${RUNS}, limit 10)`,
      ['p50', 'p95'],
      [[ms(result.latency.p50), ms(result.latency.p95)]],
    ),
  ];
  if (result.misses.length > 0) {
    out.push(
      table(
        'queries without an expected operation in the top 5',
        ['query', 'expected', 'rank', 'top 3 instead'],
        result.misses.map((m) => [m.query, m.expect.join(', '), `${m.rank ?? '> 10'}`, m.top.join(', ')]),
      ),
    );
  }
  return out.join('\n');
}
