/** Method-name lookup for the API bindings, built once per bindings object rather than once per run. */

export type ApiIndex = ReadonlyMap<string, ReadonlySet<string>>;

const cache = new WeakMap<Record<string, string[]>, ApiIndex>();

export function indexApis(apis: Record<string, string[]>): ApiIndex {
  let index = cache.get(apis);
  if (!index) {
    index = new Map(Object.entries(apis).map(([api, methods]) => [api, new Set(methods)]));
    cache.set(apis, index);
  }
  return index;
}
