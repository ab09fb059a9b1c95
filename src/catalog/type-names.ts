/** TypeScript names for an API's named schemas, and which of them reference each other without deferral. */

import { asArray, isRecord } from './guards.ts';
import { toPascal, UniqueNames } from './naming.ts';
import { schemaRefName } from './schema-refs.ts';
import type { Api } from './types.ts';

const typeNameCache = new WeakMap<Api, Map<string, string>>();

/**
 * PascalCase type names for every key of `api.schemas`, collision-free within the API (repeats get 2, 3, ...
 * in `schemas` order). They live in a namespace named after the API, so APIs never collide.
 */
export function schemaTypeNames(api: Api): Map<string, string> {
  let names = typeNameCache.get(api);
  if (names === undefined) {
    const unique = new UniqueNames();
    names = new Map(Object.keys(api.schemas).map((key) => [key, unique.claim(toPascal(key) || 'Schema')]));
    typeNameCache.set(api, names);
  }
  return names;
}

const directEdgeCache = new WeakMap<Api, Map<string, string[]>>();

/** Named schemas a schema refers to outside any object member or array element, where TS resolves eagerly. */
function collectDirect(schema: unknown, into: Set<string>, depth: number): void {
  if (!isRecord(schema) || depth > 32) return;
  if (typeof schema.$ref === 'string') {
    const name = schemaRefName(schema.$ref);
    if (name !== undefined) into.add(name);
  }
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    for (const member of asArray(schema[key])) collectDirect(member, into, depth + 1);
  }
}

function directEdges(api: Api, name: string): string[] {
  let edges = directEdgeCache.get(api);
  if (edges === undefined) {
    edges = new Map();
    directEdgeCache.set(api, edges);
  }
  let list = edges.get(name);
  if (list === undefined) {
    const found = new Set<string>();
    collectDirect(api.schemas[name], found, 0);
    list = [...found];
    edges.set(name, list);
  }
  return list;
}

/**
 * Whether `from` leads back to `to` through direct references only. TypeScript rejects such alias cycles
 * (`type A = B | string; type B = A & {...}`), so the declaration breaks them with `unknown`.
 */
export function reachesDirectly(api: Api, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
    if (name === to) return true;
    if (seen.has(name)) continue;
    seen.add(name);
    stack.push(...directEdges(api, name));
  }
  return false;
}
