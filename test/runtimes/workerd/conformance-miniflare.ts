/** Miniflare options for the conformance worker; the runner and the writer child use the same ones over one data dir. */
import { fileURLToPath } from 'node:url';
import type { MiniflareOptions } from 'miniflare';
import { bundleWorker } from '../../../adapters/cloudflare/bundle-worker.ts';
import { guardWorkerd } from '../../../adapters/cloudflare/workerd-guard.ts';
import { readWranglerConfig } from '../../../adapters/cloudflare/wrangler-config.ts';

const entry = fileURLToPath(new URL('./conformance-worker.ts', import.meta.url));

/** Same name and class in both processes, so `idFromName(place)` finds the same SQLite file. */
export async function conformanceOptions(persistDir: string): Promise<MiniflareOptions> {
  guardWorkerd();
  const bundle = await bundleWorker(entry);
  return {
    name: 'duet-conformance',
    modules: bundle.modules,
    modulesRoot: bundle.modulesRoot,
    compatibilityDate: readWranglerConfig().compatibilityDate,
    durableObjects: { PLACES: { className: 'Place', useSQLite: true } },
    durableObjectsPersist: persistDir,
  };
}
