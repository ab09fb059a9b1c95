/**
 * Semantic ranking fused with the lexical one: operation vectors from an embedding provider (computed once
 * per operation text, kept in a VectorCache), the query embedded per search, both rankings merged by
 * reciprocal rank fusion. Any failure of the provider leaves the lexical ranking as it was.
 */
import type { Operation } from '../catalog/types.ts';
import type { EmbeddingProvider, VectorCache } from './embeddings.ts';
import { memoryVectorCache } from './embeddings.ts';
import { operationTitle } from './operation-title.ts';
import type { SearchHit, SearchIndex, SearchOptions } from './types.ts';

/** How deep each ranking is read before fusion: past this, ranks add too little to change the top. */
const CANDIDATES = 50;
/** Reciprocal rank fusion's constant (Cormack et al. 2009): 60 damps the difference between close ranks. */
const RRF_K = 60;
/** Query vectors kept, so an agent repeating a search does not pay for an embedding twice. */
const QUERY_CACHE = 256;
/** What a vector is computed from: the start of a description says what the operation is for. */
const DESCRIPTION_CHARS = 400;
const HTML_TAG = /<[^>]*>/g;

export interface FusedSearchOptions {
  provider: EmbeddingProvider;
  /** Default: in memory. Node passes a file under the data directory, so restarts do not re-embed. */
  cache?: VectorCache;
  /** Told when the provider fails; the search then answers with the lexical ranking alone. */
  onError?: (error: Error) => void;
}

export interface FusedSearch {
  search(query: string, options?: SearchOptions): Promise<SearchHit[]>;
  /** Loads or computes every operation's vector; the first search waits for it if nobody called it. */
  warm(): Promise<void>;
}

/** The text an operation is embedded from (its identity in the cache, with the model). */
export function embeddingText(op: Operation): string {
  const title = operationTitle(op);
  const description = op.description.replace(HTML_TAG, ' ').replace(/\s+/g, ' ').trim();
  const more = description.startsWith(title) ? description.slice(title.length) : description;
  return `${title}. ${more.slice(0, DESCRIPTION_CHARS)}\n${op.method.toUpperCase()} ${op.path} (${op.api}.${op.name})`;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  let hex = '';
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

function normalized(vector: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(vector);
  let norm = 0;
  for (let i = 0; i < out.length; i++) norm += out[i] * out[i];
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < out.length; i++) out[i] /= norm;
  return out;
}

interface Matrix {
  dimensions: number;
  /** Row d is operation d's unit vector. */
  rows: Float32Array;
}

export function createFusedSearch(
  operations: readonly Operation[],
  lexical: SearchIndex,
  options: FusedSearchOptions,
): FusedSearch {
  const { provider, onError } = options;
  const cache = options.cache ?? memoryVectorCache();
  const index = new Map(operations.map((op, d) => [op, d]));
  const queries = new Map<string, Float32Array>();
  let ready: Promise<Matrix> | undefined;

  async function build(): Promise<Matrix> {
    const keys = await Promise.all(operations.map((op) => sha256(`${provider.model}\n${embeddingText(op)}`)));
    const vectors = await cache.get(keys);
    const missing = keys.flatMap((_, d) => (vectors[d] === undefined ? [d] : []));
    if (missing.length > 0) {
      const fresh = await provider.embed(missing.map((d) => embeddingText(operations[d])));
      const entries: [string, Float32Array][] = missing.map((d, i) => {
        vectors[d] = normalized(fresh[i]);
        return [keys[d], vectors[d]!];
      });
      // Vectors that could not be stored still serve this process; the next start computes them again.
      await cache.set(entries).catch((error) => onError?.(error as Error));
    }
    const dimensions = vectors[0]?.length ?? 0;
    const rows = new Float32Array(dimensions * operations.length);
    vectors.forEach((vector, d) => {
      if (vector!.length !== dimensions) {
        throw new Error(
          `embeddings: vectors of ${vector!.length} and ${dimensions} dimensions from ${provider.model}`,
        );
      }
      rows.set(vector!, d * dimensions);
    });
    return { dimensions, rows };
  }

  function matrix(): Promise<Matrix> {
    ready ??= build().catch((error) => {
      // The next search tries again (the server may have been down only for a moment).
      ready = undefined;
      throw error;
    });
    return ready;
  }

  async function embedQuery(query: string): Promise<Float32Array> {
    const known = queries.get(query);
    if (known) return known;
    const [vector] = await provider.embed([query]);
    const unit = normalized(vector);
    if (queries.size >= QUERY_CACHE) queries.delete(queries.keys().next().value!);
    queries.set(query, unit);
    return unit;
  }

  /** Operations by cosine similarity to the query, best first (ties by catalog order). */
  function semanticRanking(m: Matrix, query: Float32Array, api: string | undefined, depth: number): number[] {
    if (query.length !== m.dimensions) {
      throw new Error(
        `embeddings: a query vector of ${query.length} dimensions, operations have ${m.dimensions}`,
      );
    }
    const top: { d: number; score: number }[] = [];
    for (let d = 0; d < operations.length; d++) {
      if (api !== undefined && operations[d].api !== api) continue;
      let dot = 0;
      const base = d * m.dimensions;
      for (let i = 0; i < m.dimensions; i++) dot += m.rows[base + i] * query[i];
      if (top.length === depth && dot <= top[depth - 1].score) continue;
      let at = top.length === depth ? depth - 1 : top.length;
      while (at > 0 && top[at - 1].score < dot) {
        top[at] = top[at - 1];
        at--;
      }
      top[at] = { d, score: dot };
    }
    return top.map((t) => t.d);
  }

  async function search(query: string, searchOptions: SearchOptions = {}): Promise<SearchHit[]> {
    const limit = searchOptions.limit ?? 10;
    const lexicalHits = lexical.search(query, { ...searchOptions, limit: Math.max(limit, CANDIDATES) });
    if (limit <= 0 || typeof query !== 'string' || query.trim() === '') return lexicalHits.slice(0, limit);
    let ranked: number[];
    try {
      const [m, q] = await Promise.all([matrix(), embedQuery(query)]);
      ranked = semanticRanking(m, q, searchOptions.api, Math.max(limit, CANDIDATES));
    } catch (error) {
      onError?.(error as Error);
      return lexicalHits.slice(0, limit);
    }
    const fused = new Map<number, number>();
    const add = (d: number, rank: number) => {
      fused.set(d, (fused.get(d) ?? 0) + 1 / (RRF_K + rank + 1));
    };
    // A pasted operation name or path is what the agent wants, whatever the vectors say.
    const exact = lexicalHits.filter((hit) => hit.exact).map((hit) => index.get(hit.operation)!);
    for (let rank = 0; rank < lexicalHits.length; rank++) add(index.get(lexicalHits[rank].operation)!, rank);
    for (let rank = 0; rank < ranked.length; rank++) add(ranked[rank], rank);
    const order = [...fused.keys()].sort((a, b) => {
      const ea = exact.includes(a) ? 1 : 0;
      const eb = exact.includes(b) ? 1 : 0;
      return eb - ea || fused.get(b)! - fused.get(a)! || a - b;
    });
    return order.slice(0, limit).map((d) => ({ operation: operations[d], score: fused.get(d)! }));
  }

  return {
    search,
    async warm() {
      await matrix();
    },
  };
}
