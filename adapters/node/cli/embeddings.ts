/** `--embeddings-url URL --embeddings-model NAME` (key from env DUET_EMBEDDINGS_KEY): search by meaning too. */
import { UsageError } from '../../../src/config/options.ts';
import type { DuetConfig } from '../../../src/duet.ts';
import { fileVectorCache, vectorCachePath } from '../vector-cache.ts';

export const embeddingsOptions = {
  'embeddings-url': { type: 'string' },
  'embeddings-model': { type: 'string' },
} as const;

export const EMBEDDINGS_HELP = `
  --embeddings-url URL        rank by meaning too: an OpenAI-compatible embeddings endpoint, POST URL/embeddings
                              (e.g. http://127.0.0.1:11434/v1 for Ollama), fused with the word ranking; key
                              from env DUET_EMBEDDINGS_KEY; operation vectors are kept under the data directory
  --embeddings-model NAME     the embedding model (e.g. nomic-embed-text), with --embeddings-url`;

/** The duet settings the flags give: the provider, and its vectors in a file under `dataDir`. */
export function embeddingsSettings(
  values: Record<string, unknown>,
  dataDir: string,
): Pick<DuetConfig, 'embeddings' | 'embeddingCache'> {
  const url = values['embeddings-url'] as string | undefined;
  const model = values['embeddings-model'] as string | undefined;
  if (url === undefined && model === undefined) return {};
  if (url === undefined || model === undefined)
    throw new UsageError('--embeddings-url and --embeddings-model go together');
  if (!/^https?:\/\/[^/]/.test(url))
    throw new UsageError(`--embeddings-url ${url}: an http(s) URL, e.g. http://127.0.0.1:11434/v1`);
  const key = process.env.DUET_EMBEDDINGS_KEY || undefined;
  return {
    embeddings: { url, model, key },
    embeddingCache: fileVectorCache(vectorCachePath(dataDir)),
  };
}
