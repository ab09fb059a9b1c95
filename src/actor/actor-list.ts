/** Which actors of a namespace exist: read from their meta keys, so it works on every driver. */
import type { StorageDriver } from './driver.ts';
import { compareKeys, prefixEnd } from './key-order.ts';
import { type ActorAddress, actorKey, metaAll, metaKey, namespaceKey, parseActorKey } from './keyspace.ts';

export interface ActorListOptions {
  /** Only this tenant's actors; default every tenant's. */
  tenant?: string;
  /** Start after this actor (the last one of the previous page). */
  after?: { tenant: string; name: string };
  limit?: number;
}

/** Meta keys read per driver call while filtering out other namespaces. */
const PAGE = 256;

/** Actors of `namespace` that have run, ordered by tenant, then name (as their keys sort). */
export async function listActors(
  driver: StorageDriver,
  namespace: string,
  options: ActorListOptions = {},
): Promise<ActorAddress[]> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const scope =
    options.tenant === undefined ? metaAll : rangeOfPrefix(metaKey(namespaceKey(options.tenant, namespace)));
  let start = scope.start;
  if (options.after) {
    const next = `${metaKey(actorKey({ ...options.after, namespace }))}\u0000`;
    if (compareKeys(next, start) > 0) start = next;
  }
  const found: ActorAddress[] = [];
  while (found.length < limit) {
    const rows = await driver.list({ start, end: scope.end, limit: PAGE });
    for (const [key] of rows) {
      const address = parseActorKey(key.slice(1));
      if (address?.namespace !== namespace) continue;
      found.push(address);
      if (found.length >= limit) break;
    }
    if (rows.length < PAGE) break;
    start = `${rows[rows.length - 1][0]}\u0000`;
  }
  return found;
}

function rangeOfPrefix(prefix: string): { start: string; end?: string } {
  return { start: prefix, end: prefixEnd(prefix) };
}
