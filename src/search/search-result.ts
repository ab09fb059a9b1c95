/** The search result shape of the HTTP, MCP and CLI contract: an operation with its TypeScript declaration. */
import type { Catalog } from '../catalog/catalog.ts';
import { operationSignature } from '../catalog/declarations.ts';
import type { Operation } from '../catalog/types.ts';
import { operationTitle } from './operation-title.ts';

export interface SearchResult {
  api: string;
  name: string;
  method: string;
  path: string;
  summary: string;
  declaration: string;
}

export function toSearchResult(catalog: Catalog, op: Operation): SearchResult {
  return {
    api: op.api,
    name: op.name,
    method: op.method.toUpperCase(),
    path: op.path,
    // Specs without summaries (Stripe, Slack) get one from the description's first sentence.
    summary: operationTitle(op),
    declaration: operationSignature(catalog.get(op.api)!, op),
  };
}
