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
}

export interface SearchIndex {
  search(query: string, options?: SearchOptions): SearchHit[];
  readonly size: number;
}
