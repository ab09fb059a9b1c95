import type { Operation } from '../catalog/types.ts';

export interface SearchOptions {
  /** Maximum number of hits (default 10). */
  limit?: number;
  /** Restrict to one API by catalog name. */
  api?: string;
}

export interface SearchHit {
  operation: Operation;
  score: number;
  /** The query named this operation (its name, operationId or path): it ranks above every other match. */
  exact?: boolean;
}

export interface SearchIndex {
  /** The lexical ranking, synchronous: what the CLI and code search use. */
  search(query: string, options?: SearchOptions): SearchHit[];
  /**
   * The ranking fused with embeddings, when an embedding provider is configured (see `createFusedSearch`);
   * callers that can wait prefer it. Without a provider it is absent.
   */
  searchAsync?(query: string, options?: SearchOptions): Promise<SearchHit[]>;
  readonly size: number;
}
