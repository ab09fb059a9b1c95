/** The two tools, search and execute: their descriptions and the search result shape, shared by HTTP, MCP and the CLI. */
import { z } from 'zod';
import type { Logger } from '../audit/telemetry.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { referencedTypes } from '../catalog/referenced-types.ts';
import type { Sandbox } from '../sandbox/types.ts';
import { type CodeSearchOutcome, searchByCode } from '../search/code-search.ts';
import { type SearchResult, toSearchResult } from '../search/search-result.ts';
import type { SearchIndex } from '../search/types.ts';

export type { SearchResult } from '../search/search-result.ts';

export interface SearchDeps {
  catalog: Catalog;
  search: SearchIndex;
  sandbox?: Sandbox;
  /** One record per search (what was asked, how many results, the first), as executions have. */
  log?: Logger;
  /** For the log: who searched. */
  tenant?: string;
}

export interface SearchArgs {
  query?: string;
  code?: string;
  limit?: number;
}

export type SearchOutcome =
  | { ok: true; results: SearchResult[]; types: string }
  | Extract<CodeSearchOutcome, { ok: false }>;

/**
 * One search request, by words or by code, with the declarations of the named types the results use
 * (`types`), so the fields of `Promise<github.Issue>` are visible; `ok: false` only for a code search that
 * failed or a missing input.
 */
export async function runSearch(deps: SearchDeps, args: SearchArgs): Promise<SearchOutcome> {
  const started = performance.now();
  const outcome = await findOperations(deps, args);
  deps.log?.({
    level: outcome.ok ? 'info' : 'warn',
    msg: 'search',
    tenant: deps.tenant ?? '',
    mode: args.code !== undefined ? 'code' : 'query',
    query: (args.query ?? args.code ?? '').slice(0, MAX_LOGGED_QUERY),
    ok: outcome.ok,
    results: outcome.ok ? outcome.results.length : 0,
    top:
      outcome.ok && outcome.results[0] ? `${outcome.results[0].api}.${outcome.results[0].name}` : undefined,
    errorKind: outcome.ok ? undefined : outcome.error.kind,
    durationMs: Math.round((performance.now() - started) * 1000) / 1000,
  });
  if (!outcome.ok) return outcome;
  const operations = outcome.results.flatMap(
    (result) => deps.catalog.operation(result.api, result.name) ?? [],
  );
  return { ok: true, results: outcome.results, types: referencedTypes(deps.catalog, operations) };
}

/** Enough of a query to see what was asked (a code search can be long). */
const MAX_LOGGED_QUERY = 200;

async function findOperations(deps: SearchDeps, args: SearchArgs): Promise<CodeSearchOutcome> {
  const limit = args.limit ?? 10;
  if (args.code !== undefined) {
    if (!deps.sandbox)
      return { ok: false, error: { kind: 'bad_request', message: 'code search needs a sandbox' } };
    return searchByCode(args.code, limit, {
      catalog: deps.catalog,
      index: deps.search,
      sandbox: deps.sandbox,
    });
  }
  if (args.query === undefined) {
    return {
      ok: false,
      error: { kind: 'bad_request', message: "give 'query' (words) or 'code' (a snippet over `catalog`)" },
    };
  }
  // Fused with embeddings when a provider is configured; the lexical ranking otherwise.
  const hits = deps.search.searchAsync
    ? await deps.search.searchAsync(args.query, { limit })
    : deps.search.search(args.query, { limit });
  return { ok: true, results: hits.map((hit) => toSearchResult(deps.catalog, hit.operation)) };
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
  query: z.string().max(10_000).optional().describe('What you want to do, in words'),
  code: z
    .string()
    .max(100_000)
    .optional()
    .describe(
      'Instead of query: JavaScript over a `catalog` global (operations({api?}), search({query, limit?}), ' +
        'declaration({api, name})) returning the operations you want',
    ),
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
