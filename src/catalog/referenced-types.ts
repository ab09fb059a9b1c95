/**
 * The named types search results refer to (`Promise<github.Issue>`), declared compactly so an agent sees the
 * fields it can use: one line per type, deduplicated across results, nearest types first, within a budget.
 */

import { operationRefs } from './declarations.ts';
import { isRecord } from './guards.ts';
import { createTsContext, schemaToTs } from './schema-to-ts.ts';
import { schemaTypeNames } from './type-names.ts';
import type { Api, Operation } from './types.ts';

interface CompactType {
  text: string;
  refs: string[];
}

const compactCache = new WeakMap<Api, Map<string, CompactType>>();

/** `type Issue = { id: number; ... };` on one line, without JSDoc: search output must stay small. */
function compactType(api: Api, name: string): CompactType {
  let cache = compactCache.get(api);
  if (cache === undefined) {
    cache = new Map();
    compactCache.set(api, cache);
  }
  let compact = cache.get(name);
  if (compact === undefined) {
    const ctx = createTsContext(api, { qualifier: '', current: name, maxDepth: 2, maxNodes: 400 });
    const body = isRecord(api.schemas[name]) ? schemaToTs(api.schemas[name], ctx) : 'unknown';
    compact = { text: `type ${schemaTypeNames(api).get(name)} = ${body};`, refs: [...ctx.refs] };
    cache.set(name, compact);
  }
  return compact;
}

export interface ReferencedTypesOptions {
  /** Characters of declarations at most (default 6,000); types past it are named, not declared. */
  maxChars?: number;
}

/**
 * `declare namespace api { type A = ...; }` blocks for the named types the operations' signatures use,
 * breadth first across every operation (the first operations' types first), each type once. Types that do
 * not fit the budget are listed by name with where to read them, so nothing referenced is invisible.
 */
export function referencedTypes(
  catalog: { get(name: string): Api | undefined },
  operations: readonly Operation[],
  options: ReferencedTypesOptions = {},
): string {
  let budget = options.maxChars ?? 6_000;
  const declared = new Map<string, string[]>();
  const omitted = new Map<string, string[]>();
  const seen = new Set<string>();
  let level: [Api, string][] = [];
  for (const operation of operations) {
    const api = catalog.get(operation.api);
    if (api) for (const name of operationRefs(api, operation)) level.push([api, name]);
  }
  while (level.length > 0) {
    const next: [Api, string][] = [];
    for (const [api, name] of level) {
      const key = `${api.name}.${name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const compact = compactType(api, name);
      const typeName = schemaTypeNames(api).get(name)!;
      if (compact.text.length + 4 > budget) {
        push(omitted, api.name, typeName);
        continue;
      }
      budget -= compact.text.length + 4;
      push(declared, api.name, compact.text);
      for (const ref of compact.refs) next.push([api, ref]);
    }
    level = next;
  }
  const blocks: string[] = [];
  for (const apiName of new Set([...declared.keys(), ...omitted.keys()])) {
    const lines = (declared.get(apiName) ?? []).map((text) => `  ${text}`);
    const left = omitted.get(apiName);
    if (left) {
      lines.push(
        `  // Not shown here (catalog.declaration({ api: '${apiName}', name }) in a code search has them): ${left.join(', ')}`,
      );
    }
    blocks.push(`declare namespace ${apiName} {\n${lines.join('\n')}\n}`);
  }
  return blocks.join('\n');
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
