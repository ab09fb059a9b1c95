/** Search by code: a JavaScript snippet filters the catalog in the sandbox, as agents like to do with specs. */
import type { Catalog } from '../catalog/catalog.ts';
import { apiDeclaration } from '../catalog/declarations.ts';
import type { Operation } from '../catalog/types.ts';
import { stripTypes } from '../execute/strip-types.ts';
import { defaultLimits, type HostCallError, type Sandbox, type SandboxLimits } from '../sandbox/types.ts';
import { type SearchResult, toSearchResult } from './search-result.ts';
import type { SearchIndex } from './types.ts';

export type CodeSearchOutcome =
  | { ok: true; results: SearchResult[] }
  | { ok: false; error: { kind: string; message: string } };

/** A whole API declaration can be megabytes (GitHub's is); one operation's rarely passes this. */
const MAX_DECLARATION_CHARS = 60_000;

/** The `catalog` global the snippet sees: three methods, answered by the host. */
const CATALOG_METHODS = ['operations', 'search', 'declaration'];

function summary(op: Operation) {
  return {
    api: op.api,
    name: op.name,
    method: op.method.toUpperCase(),
    path: op.path,
    summary: op.summary,
    tags: op.tags,
    deprecated: op.deprecated,
  };
}

/**
 * Runs `code` with a `catalog` global: `await catalog.operations({ api? })` (every operation, compact),
 * `await catalog.search({ query, limit? })` (ranked) and `await catalog.declaration({ api, name })`. The
 * snippet returns operations (objects with `api` and `name`); they come back as search results.
 */
export async function searchByCode(
  code: string,
  limit: number,
  deps: { catalog: Catalog; index: SearchIndex; sandbox: Sandbox; limits?: Partial<SandboxLimits> },
): Promise<CodeSearchOutcome> {
  const { catalog, index, sandbox } = deps;
  const stripped = stripTypes(code);
  if (!stripped.ok)
    return { ok: false, error: { kind: 'typecheck', message: stripped.diagnostics[0].message } };
  const operation = (args: unknown) => {
    const { api, name } = (args ?? {}) as { api?: unknown; name?: unknown };
    const op = typeof api === 'string' && typeof name === 'string' ? catalog.operation(api, name) : undefined;
    if (!op)
      throw { message: `catalog: no operation ${String(api)}.${String(name)}` } satisfies HostCallError;
    return op;
  };
  const run = await sandbox.run(
    {
      code: stripped.code,
      bindings: { apis: { catalog: CATALOG_METHODS }, state: false, fetch: false },
      limits: { ...defaultLimits, timeoutMs: 5_000, ...deps.limits },
    },
    async (call) => {
      if (call.kind !== 'api')
        throw { message: 'code search has only the catalog global' } satisfies HostCallError;
      const args = (call.args ?? {}) as { api?: string; query?: string; limit?: number };
      if (call.method === 'operations') {
        const ops = args.api ? (catalog.get(args.api)?.operations ?? []) : catalog.operations;
        return ops.map(summary);
      }
      if (call.method === 'search') {
        return index
          .search(String(args.query ?? ''), { limit: args.limit ?? 10 })
          .map((hit) => summary(hit.operation));
      }
      // The one place an agent reads every type an operation reaches, with JSDoc: search results only
      // show the nearest few.
      const found = operation(call.args);
      const full = apiDeclaration(catalog.get(found.api)!, { operations: [found.name] });
      return { ...toSearchResult(catalog, found), types: full.slice(0, MAX_DECLARATION_CHARS) };
    },
  );
  if (!run.ok) return { ok: false, error: run.error };
  const value = run.result;
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  const results: SearchResult[] = [];
  for (const item of list.slice(0, limit)) {
    try {
      results.push(toSearchResult(catalog, operation(item)));
    } catch (error) {
      const why = (error as HostCallError).message ?? String(error);
      return {
        ok: false,
        error: {
          kind: 'runtime',
          message: `code search must return operations (objects with api and name): ${why}`,
        },
      };
    }
  }
  return { ok: true, results };
}
