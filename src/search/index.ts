/** Ranked retrieval over API operations: BM25F plus agent vocabulary, WordNet, intent, exact names; optionally fused with embeddings. */

export { analyzeQuery, indexTerms, type QueryGroup, type QueryPlan } from './analyze.ts';
export {
  type EmbeddingProvider,
  type EmbeddingsConfig,
  memoryVectorCache,
  openAiEmbeddings,
  type VectorCache,
} from './embeddings.ts';
export { operationTitle } from './operation-title.ts';
export { stem } from './porter-stemmer.ts';
export { createSearchIndex } from './search-index.ts';
export { createFusedSearch, embeddingText, type FusedSearch, type FusedSearchOptions } from './semantic.ts';
export { splitWords } from './split-words.ts';
export type { SearchHit, SearchIndex, SearchOptions } from './types.ts';
export type { Intent, Shape } from './vocabulary.ts';
