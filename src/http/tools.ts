/** The two tools, search and execute: their descriptions and the search result shape, shared by HTTP, MCP and the CLI. */
import { z } from 'zod';
import type { Catalog } from '../catalog/catalog.ts';
import { operationSignature } from '../catalog/declarations.ts';
import type { SearchIndex } from '../search/types.ts';

export interface SearchResult {
  api: string;
  name: string;
  method: string;
  path: string;
  summary: string;
  declaration: string;
}

export function searchResults(
  catalog: Catalog,
  index: SearchIndex,
  query: string,
  limit = 10,
): SearchResult[] {
  return index.search(query, { limit }).map(({ operation: op }) => ({
    api: op.api,
    name: op.name,
    method: op.method.toUpperCase(),
    path: op.path,
    summary: op.summary,
    declaration: operationSignature(catalog.get(op.api)!, op),
  }));
}

/** Tool descriptions stay small whatever the catalog: APIs are listed by name, details come from search. */
const MAX_LISTED_APIS = 25;

export function apiListing(catalog: Catalog): string {
  const apis = catalog.apis;
  const listed = apis
    .slice(0, MAX_LISTED_APIS)
    .map((api) => `${api.name} (${api.title.slice(0, 60)}, ${api.operations.length} ops)`);
  const more = apis.length > MAX_LISTED_APIS ? `, and ${apis.length - MAX_LISTED_APIS} more` : '';
  return `${listed.join('; ')}${more}`;
}

export function searchToolDescription(catalog: Catalog): string {
  return (
    `Search the API catalog for operations to call from execute. APIs: ${apiListing(catalog)}. ` +
    'Describe what you want to do ("create an issue", "list open tasks"); each result gives the API, the ' +
    'method name and its TypeScript declaration.'
  );
}

export const executeToolDescription: string =
  'Run a TypeScript snippet, the body of an async function: `return` gives the result. Each API is a global ' +
  'object; call its methods as found by search with ONE argument object holding path, query and header ' +
  'parameters by name and the request body under `body`, e.g. `await github.issuesCreate({ owner, repo, body: ' +
  '{ title } })`. Calls resolve to the parsed response; non-2xx rejects with an Error carrying status and body. ' +
  '`state` (get/put/delete/list) keeps values for the session; console.log goes to logs. No other globals. ' +
  'Batch several calls in one snippet and return only what you need.';

export const searchInput = {
  query: z.string().max(10_000).describe('What you want to do, in words'),
  limit: z.number().int().min(1).max(50).optional().describe('How many results (default 10)'),
};

export const executeInput = {
  code: z.string().min(1).describe('TypeScript: the body of an async function'),
  session: z.string().optional().describe('Session id: runs with the same id share `state`'),
  timeoutMs: z.number().int().min(1).optional(),
};

export interface ToolDefinition {
  name: string;
  description: string;
  inputSchema: unknown;
}

/** duet's two tools as an MCP client lists them. */
export function duetTools(catalog: Catalog): ToolDefinition[] {
  return [
    {
      name: 'search',
      description: searchToolDescription(catalog),
      inputSchema: z.toJSONSchema(z.object(searchInput)),
    },
    {
      name: 'execute',
      description: executeToolDescription,
      inputSchema: z.toJSONSchema(z.object(executeInput)),
    },
  ];
}
