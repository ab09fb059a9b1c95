/**
 * duet's search beside MiniSearch and Orama on one catalog (the eight APIs of the blind evaluation), as
 * bench/search-eval-blind.ts configures them: recall@1/5/10 on the evaluation's `tuning` half (the
 * held-out half is never read here), latency per query (interleaved rounds) and index build time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Operation } from '../src/catalog/types.ts';
import { evalApis } from './eval-catalog.ts';
import { duetEngine, type Engine, miniSearchEngine, oramaEngine } from './search-eval-blind.ts';
import { type EvalQuery, tuningQueries } from './snippets.ts';
import { median, quantile } from './stats.ts';

export interface SearchPeerResult {
  name: string;
  version: string;
  operations: number;
  queries: number;
  recall: { at1: number; at5: number; at10: number };
  buildMs: number;
  p50: number;
  p99: number;
  /** Per round: p50 of all queries (rounds interleave the engines). */
  roundP50s: number[];
}

const require = createRequire(import.meta.url);

function versionOf(name: string): string {
  try {
    // Found from the entry point: some packages do not export their package.json.
    for (let dir = dirname(require.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
      const file = join(dir, 'package.json');
      const pkg = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
      if (pkg?.name === name) return pkg.version;
    }
  } catch {}
  return '?';
}

const builders: { version: string; build: (ops: Operation[]) => Engine | Promise<Engine> }[] = [
  { version: 'this checkout', build: duetEngine },
  { version: versionOf('minisearch'), build: miniSearchEngine },
  { version: versionOf('@orama/orama'), build: oramaEngine },
];

function recall(results: string[][], queries: EvalQuery[]) {
  const at = (k: number) =>
    queries.filter((q, i) => results[i].slice(0, k).some((name) => q.expect.includes(name))).length /
    queries.length;
  return { at1: at(1), at5: at(5), at10: at(10) };
}

/** Builds every engine, then times all queries engine after engine, the order reversed each round. */
export async function searchPeers(options: { rounds: number; repeats: number }): Promise<SearchPeerResult[]> {
  const { queries } = tuningQueries();
  const operations = (await evalApis()).flatMap((api) => api.operations);
  const built: { engine: Engine; version: string; buildMs: number; results: string[][] }[] = [];
  for (const { version, build } of builders) {
    const started = performance.now();
    const engine = await build(operations);
    const buildMs = performance.now() - started;
    const results: string[][] = [];
    for (const { query } of queries) results.push(await engine.search(query, 10));
    built.push({ engine, version, buildMs, results });
  }
  const samples = new Map<Engine, number[]>(built.map((b) => [b.engine, []]));
  const roundP50s = new Map<Engine, number[]>(built.map((b) => [b.engine, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (const { engine } of round % 2 ? [...built].reverse() : built) {
      const times: number[] = [];
      for (let r = 0; r < options.repeats; r++) {
        for (const { query } of queries) {
          const started = performance.now();
          await engine.search(query, 10);
          times.push(performance.now() - started);
        }
      }
      samples.get(engine)!.push(...times);
      roundP50s.get(engine)!.push(quantile(times, 0.5));
    }
  }
  return built.map(({ engine, version, buildMs, results }) => ({
    name: engine.name,
    version,
    operations: operations.length,
    queries: queries.length,
    recall: recall(results, queries),
    buildMs,
    p50: median(roundP50s.get(engine)!),
    p99: quantile(samples.get(engine)!, 0.99),
    roundP50s: roundP50s.get(engine)!,
  }));
}
