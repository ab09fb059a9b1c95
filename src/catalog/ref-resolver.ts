/** Follows `$ref` chains to parameters, request bodies, responses, headers and path items without looping. */

import { isRecord, type JsonObject } from './guards.ts';
import { evaluatePointer, parseRefPointer } from './json-pointer.ts';

const maxHops = 32;

/**
 * The object a (possibly chained) reference ends at, or undefined when the chain is circular,
 * external, dangling or ends at something that is not an object: callers skip such pieces.
 */
export function resolveRefObject(document: unknown, value: unknown): JsonObject | undefined {
  const seen = new Set<string>();
  let current = value;
  while (isRecord(current) && typeof current.$ref === 'string') {
    const ref = current.$ref;
    if (seen.has(ref) || seen.size >= maxHops) return undefined;
    seen.add(ref);
    const segments = parseRefPointer(ref);
    if (segments === undefined) return undefined;
    current = evaluatePointer(document, segments);
  }
  return isRecord(current) ? current : undefined;
}
