/** Ranked retrieval over API operations: BM25F plus agent vocabulary, intent and exact-name matching. */
export { analyzeQuery, indexTerms, type QueryGroup, type QueryPlan } from './analyze.ts';
export { operationTitle } from './operation-title.ts';
export { stem } from './porter-stemmer.ts';
export { createSearchIndex } from './search-index.ts';
export { splitWords } from './split-words.ts';
export type { SearchHit, SearchIndex, SearchOptions } from './types.ts';
export type { Intent, Shape } from './vocabulary.ts';
