/**
 * The checker Worker (`duet-typecheck`): the TypeScript compiler, too big for the duet Worker's bundle and
 * start-up, in a Worker of its own that the duet Worker calls over its `TYPECHECK` service binding. Its
 * isolate starts on the first check; it builds the same catalog as the duet Worker, from the catalog part
 * of the same `DUET_CONFIG` (sent by the duet Worker), and runs the same `createTypeChecker` as Node.
 */
import { WorkerEntrypoint } from 'cloudflare:workers';
import { buildApi, Catalog } from '../../../src/catalog/index.ts';
// Static, unlike the compiler: esbuild (no code splitting) wraps dynamically imported ESM for lazy
// initialisation, and the demo's zod, shared with this static graph, was then used before it was
// initialised (`Class2 is not a constructor` at the isolate's start).
import { createDemoApi, demoDocument } from '../../../src/demo/tasks-api.ts';
import type { SyncTypeChecker } from '../../../src/typecheck/index.ts';
import { loadWorkerApis, readWorkerConfig } from '../worker-config.ts';
import { libTexts } from './lib-texts.js';
import { type CatalogSource, type CheckAnswer, type CheckRequest, catalogKey } from './protocol.ts';

/** A redeploy of the duet Worker with new specs brings a new catalog; the one before may still be asked for a while. */
const KEEP_CATALOGS = 2;
const checkers = new Map<string, Promise<SyncTypeChecker>>();

async function buildChecker(source: CatalogSource): Promise<SyncTypeChecker> {
  const config = readWorkerConfig(source);
  const apis = await loadWorkerApis(config);
  // Imported here, not at the top: the compiler (~9 MB of JavaScript) is evaluated on the first check
  // rather than in the isolate's start-up, which Workers limit.
  const { createTypeChecker } = await import('../../../src/typecheck/index.ts');
  // As createDuet builds it (src/duet.ts): the configured APIs, then the demo API when asked or alone.
  // (DEMO_API is not imported from there: src/duet.ts would bring the whole app into this bundle.)
  const catalog = new Catalog(apis);
  if (config.demo ?? apis.length === 0) {
    catalog.add(buildApi(demoDocument(createDemoApi()), { source: 'duet demo API', name: 'demo' }));
  }
  // One lib object for the isolate: the checker caches the parsed libs per object.
  return createTypeChecker(catalog, { libFiles: libTexts });
}

async function checkerFor(request: CheckRequest): Promise<SyncTypeChecker | undefined> {
  let checker = checkers.get(request.catalog);
  if (checker) return checker;
  if (!request.source) return undefined;
  // The key names the catalog the caller means; one that does not match its source would be kept under
  // the wrong name and answer later checks against other APIs.
  if ((await catalogKey(request.source)) !== request.catalog) {
    throw new Error('duet-typecheck: the catalog key does not match the catalog source sent with it');
  }
  checker = checkers.get(request.catalog);
  if (checker) return checker;
  checker = buildChecker(request.source);
  checkers.set(request.catalog, checker);
  // A failure is not kept (a spec URL may be back on the next check).
  checker.catch(() => {
    if (checkers.get(request.catalog) === checker) checkers.delete(request.catalog);
  });
  while (checkers.size > KEEP_CATALOGS) checkers.delete(checkers.keys().next().value!);
  return checker;
}

export default class DuetTypeCheck extends WorkerEntrypoint {
  /** RPC from the duet Worker: the snippet's diagnostics, or `unknownCatalog` to have the catalog sent. */
  async check(code: string, request: CheckRequest): Promise<CheckAnswer> {
    const checker = await checkerFor(request);
    if (!checker) return { unknownCatalog: true };
    return { diagnostics: checker.check(code, { fetch: request.fetch ?? false }) };
  }

  /** Reached only through the binding (workers_dev is off); a stray request learns what this is. */
  async fetch(): Promise<Response> {
    return Response.json(
      { ok: false, error: 'duet-typecheck answers RPC from the duet Worker (its TYPECHECK binding) only' },
      { status: 404 },
    );
  }
}
