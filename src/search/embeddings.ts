/**
 * Embedding providers and the cache of operation vectors: the contracts, an OpenAI-compatible provider
 * (`POST {url}/embeddings`, as Ollama, llama.cpp, vLLM and OpenAI serve it) and an in-memory cache.
 */

/**
 * Turns texts into vectors. A Workers AI binding fits as an adapter: `embed: async (texts) =>
 * (await env.AI.run(model, { text: texts })).data`.
 */
export interface EmbeddingProvider {
  /** Names the model: part of every cache key, so another model never reads this one's vectors. */
  readonly model: string;
  /** One vector per text, in order. */
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}

/**
 * Where operation vectors outlive the process (Node: a file under the data directory), keyed by a hash of
 * the model and the operation's text: a spec that did not change is never embedded again.
 */
export interface VectorCache {
  /** The cached vector of each key, or undefined. */
  get(keys: string[]): Promise<(Float32Array | undefined)[]>;
  set(entries: [key: string, vector: Float32Array][]): Promise<void>;
}

/** Settings of an OpenAI-compatible embeddings endpoint (`createDuet({ embeddings })`, `--embeddings-url`). */
export interface EmbeddingsConfig {
  /** Base URL; `/embeddings` is appended (e.g. `http://127.0.0.1:11434/v1` for Ollama). */
  url: string;
  model: string;
  /** Sent as `Authorization: Bearer KEY` (the CLI reads it from `DUET_EMBEDDINGS_KEY`). */
  key?: string;
  /** Texts per request (default 32): local servers cap their batch. */
  batchSize?: number;
  /** Per request (default 30 s): the first run embeds a whole catalog. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const DEFAULT_BATCH = 32;
const DEFAULT_TIMEOUT_MS = 30_000;
/** Enough of an error body to say what went wrong (a missing model, a bad key). */
const MAX_ERROR_CHARS = 300;

interface EmbeddingsResponse {
  data?: { embedding?: unknown; index?: number }[];
}

export function openAiEmbeddings(config: EmbeddingsConfig): EmbeddingProvider {
  const endpoint = `${config.url.replace(/\/+$/, '')}/embeddings`;
  const batchSize = Math.max(1, config.batchSize ?? DEFAULT_BATCH);
  const doFetch = config.fetch ?? fetch;
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function batch(input: string[], signal?: AbortSignal): Promise<number[][]> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const response = await doFetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(config.key ? { authorization: `Bearer ${config.key}` } : {}),
      },
      body: JSON.stringify({ model: config.model, input }),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(
        `embeddings: ${endpoint} answered ${response.status}: ${text.slice(0, MAX_ERROR_CHARS)} ` +
          '(check --embeddings-url, --embeddings-model and DUET_EMBEDDINGS_KEY)',
      );
    }
    let body: EmbeddingsResponse;
    try {
      body = JSON.parse(text) as EmbeddingsResponse;
    } catch {
      throw new Error(`embeddings: ${endpoint} did not answer JSON: ${text.slice(0, MAX_ERROR_CHARS)}`);
    }
    const data = body.data ?? [];
    if (data.length !== input.length) {
      throw new Error(
        `embeddings: ${endpoint} gave ${data.length} vectors for ${input.length} texts ` +
          '(an OpenAI-compatible server answers {data: [{embedding, index}]})',
      );
    }
    const vectors: number[][] = new Array(input.length);
    data.forEach((item, i) => {
      const at = typeof item.index === 'number' ? item.index : i;
      if (!Array.isArray(item.embedding) || at < 0 || at >= input.length) {
        throw new Error(`embeddings: ${endpoint} answered an item without a vector`);
      }
      vectors[at] = item.embedding as number[];
    });
    return vectors;
  }

  return {
    model: config.model,
    async embed(texts, signal) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        out.push(...(await batch(texts.slice(i, i + batchSize), signal)));
      }
      return out;
    },
  };
}

/** The library default: vectors live as long as the process. */
export function memoryVectorCache(): VectorCache {
  const map = new Map<string, Float32Array>();
  return {
    async get(keys) {
      return keys.map((key) => map.get(key));
    },
    async set(entries) {
      for (const [key, vector] of entries) map.set(key, vector);
    },
  };
}
