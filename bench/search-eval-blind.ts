/**
 * Search quality on requests phrased as tasks (bench/search-eval-blind.json, written without reading the
 * ranking), beside the repository's own set, for duet and two general-purpose search libraries
 * (MiniSearch, Orama) over the same 3,000+ operation catalog: recall@1/5/10 and search latency.
 * Run after `npm run build`: `node dist/bench/search-eval-blind.js`.
 */

import { fileURLToPath } from 'node:url';
import { create, insertMultiple, search as oramaSearch } from '@orama/orama';
import MiniSearch from 'minisearch';
import type { Operation } from '../src/catalog/types.ts';
import { createSearchIndex } from '../src/search/index.ts';
import { operationTitle } from '../src/search/operation-title.ts';
import { splitWords } from '../src/search/split-words.ts';
import { evalApis } from './eval-catalog.ts';
import { type EvalQuery, heldOutQueries, type Recall, tuningQueries } from './search-eval.ts';
import blindSet from './search-eval-blind.json' with { type: 'json' };
import { ms, summarise, table } from './stats.ts';

/** Tuning may look at these; the held-out half is only ever scored, never read query by query. */
export const blindTuning: EvalQuery[] = blindSet.tuning;
export const blindHeldOut: EvalQuery[] = blindSet.heldOut;

export interface Engine {
  name: string;
  /** `api.name` of the top `limit` operations. */
  search(query: string, limit: number): string[] | Promise<string[]>;
}

const DESCRIPTION_CHARS = 500;
/**
 * Lucene's English stop set and the pronouns of requests: both libraries' documentation suggest removing
 * stop words, and with prefix matching on, "a" would otherwise match every word starting with a.
 */
const STOP_WORDS = (
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these ' +
  'they this to was will with i me my we our you your its how do can what which who'
).split(' ');
const STOP = new Set(STOP_WORDS);
const HTML_TAG = /<[^>]*>/g;

/** What the libraries index: the fields a user would give them, identifiers split into words. */
function documentOf(op: Operation, id: number) {
  return {
    id,
    key: `${op.api}.${op.name}`,
    name: splitWords(op.operationId ?? op.name).join(' '),
    summary: operationTitle(op),
    description: op.description.replace(HTML_TAG, ' ').slice(0, DESCRIPTION_CHARS),
    path: splitWords(op.path).join(' '),
  };
}

export function duetEngine(operations: Operation[]): Engine {
  const index = createSearchIndex(operations);
  return {
    name: 'duet',
    search: (query, limit) =>
      index.search(query, { limit }).map((h) => `${h.operation.api}.${h.operation.name}`),
  };
}

/** MiniSearch with its documented options: prefix search, fuzzy 0.2, field boosts, stop words removed. */
export function miniSearchEngine(operations: Operation[]): Engine {
  const mini = new MiniSearch({
    fields: ['name', 'summary', 'description', 'path'],
    storeFields: ['key'],
    processTerm: (term) => {
      const lower = term.toLowerCase();
      return STOP.has(lower) ? null : lower;
    },
    searchOptions: { prefix: true, fuzzy: 0.2, boost: { name: 3, summary: 3, path: 2 } },
  });
  mini.addAll(operations.map(documentOf));
  return {
    name: 'MiniSearch',
    search: (query, limit) =>
      mini
        .search(query)
        .slice(0, limit)
        .map((hit) => hit.key as string),
  };
}

/** Typo tolerance: 1 edit found fewer expected operations than 0 here (old set @5 57.9% vs 67.7%), 6x slower. */
const TOLERANCE = 0;

/** Orama (BM25, prefix matching by default) with English stemming, the stop words and the same boosts. */
export async function oramaEngine(operations: Operation[]): Promise<Engine> {
  const db = create({
    schema: {
      key: 'string',
      name: 'string',
      summary: 'string',
      description: 'string',
      path: 'string',
    } as const,
    components: { tokenizer: { language: 'english', stemming: true, stopWords: STOP_WORDS } },
  });
  await insertMultiple(
    db,
    operations.map((op, i) => {
      const { id, ...doc } = documentOf(op, i);
      return { ...doc, id: String(id) };
    }),
  );
  return {
    name: 'Orama',
    search: async (query, limit) => {
      const results = await oramaSearch(db, {
        term: query,
        properties: ['name', 'summary', 'description', 'path'],
        boost: { name: 3, summary: 3, path: 2 },
        tolerance: TOLERANCE,
        limit,
      });
      return results.hits.map((hit) => hit.document.key as string);
    },
  };
}

export async function recall(engine: Engine, queries: EvalQuery[]): Promise<Recall> {
  const hits = { 1: 0, 5: 0, 10: 0 };
  for (const { query, expect } of queries) {
    const names = await engine.search(query, 10);
    const at = names.findIndex((name) => expect.includes(name));
    for (const k of [1, 5, 10] as const) if (at >= 0 && at < k) hits[k]++;
  }
  const n = queries.length;
  return { queries: n, at1: hits[1] / n, at5: hits[5] / n, at10: hits[10] / n };
}

/** Tuning-set queries that missed the top 5 (never the held-out half's). */
async function tuningMisses(engine: Engine): Promise<{ query: string; expect: string[]; top: string[] }[]> {
  const misses = [];
  for (const { query, expect } of blindTuning) {
    const names = await engine.search(query, 10);
    const at = names.findIndex((name) => expect.includes(name));
    if (at < 0 || at >= 5) misses.push({ query, expect, top: names.slice(0, 3) });
  }
  return misses;
}

const RUNS = 5;

async function latency(engine: Engine, queries: EvalQuery[]): Promise<{ p50: number; p95: number }> {
  for (const { query } of queries) await engine.search(query, 10);
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    for (const { query } of queries) {
      const started = performance.now();
      await engine.search(query, 10);
      samples.push(performance.now() - started);
    }
  }
  const { p50, p95 } = summarise(samples);
  return { p50, p95 };
}

export interface EngineResult {
  name: string;
  oldAll: Recall;
  oldHeldOut: Recall;
  blindTuning: Recall;
  /** Absent unless asked for: the held-out half is measured once, at the end of a piece of ranking work. */
  blindHeldOut?: Recall;
  latency: { p50: number; p95: number };
}

export interface BlindEvalResult {
  operations: number;
  engines: EngineResult[];
  misses: Awaited<ReturnType<typeof tuningMisses>>;
}

export async function runBlindEval(options: { heldOut: boolean }): Promise<BlindEvalResult> {
  const operations = (await evalApis()).flatMap((api) => api.operations);
  const engines = [duetEngine(operations), miniSearchEngine(operations), await oramaEngine(operations)];
  const oldAll = [...tuningQueries, ...heldOutQueries];
  const timed = [...oldAll, ...blindTuning];
  const results: EngineResult[] = [];
  for (const engine of engines) {
    results.push({
      name: engine.name,
      oldAll: await recall(engine, oldAll),
      oldHeldOut: await recall(engine, heldOutQueries),
      blindTuning: await recall(engine, blindTuning),
      ...(options.heldOut && { blindHeldOut: await recall(engine, blindHeldOut) }),
      latency: await latency(engine, timed),
    });
  }
  return { operations: operations.length, engines: results, misses: await tuningMisses(engines[0]) };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export async function searchEvalBlind(options: { heldOut: boolean } = { heldOut: true }): Promise<string> {
  const result = await runBlindEval(options);
  const sets: [string, (r: EngineResult) => Recall | undefined][] = [
    ['old set, all', (r) => r.oldAll],
    ['old set, held out', (r) => r.oldHeldOut],
    ['blind, tuning half', (r) => r.blindTuning],
    ['blind, held-out half', (r) => r.blindHeldOut],
  ];
  const rows: string[][] = [];
  for (const [set, pick] of sets) {
    for (const engine of result.engines) {
      const r = pick(engine);
      if (r) rows.push([set, engine.name, `${r.queries}`, pct(r.at1), pct(r.at5), pct(r.at10)]);
    }
  }
  const out = [
    table(
      `search quality over ${result.operations} operations: duet vs MiniSearch vs Orama`,
      ['queries', 'engine', 'n', 'recall@1', 'recall@5', 'recall@10'],
      rows,
    ),
    table(
      `search latency over ${result.operations} operations (old set + blind tuning half, x${RUNS}, limit 10)`,
      ['engine', 'p50', 'p95'],
      result.engines.map((e) => [e.name, ms(e.latency.p50), ms(e.latency.p95)]),
    ),
  ];
  if (result.misses.length > 0) {
    out.push(
      table(
        'duet: blind tuning-half requests without an expected operation in the top 5',
        ['request', 'expected', 'top 3 instead'],
        result.misses.map((m) => [m.query, m.expect.join(', '), m.top.join(', ')]),
      ),
    );
  }
  return out.join('\n');
}

const invoked = process.argv[1]?.replace(/\.[jt]s$/, '');
if (invoked && fileURLToPath(import.meta.url).replace(/\.[jt]s$/, '') === invoked) {
  console.log(await searchEvalBlind({ heldOut: !process.argv.includes('--tuning-only') }));
}
