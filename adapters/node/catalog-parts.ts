/**
 * The catalog crosses to the type-checker thread in parts of a few dozen operations or schemas. As one
 * message, four large specs serialised into an 8 MiB buffer, and freeing a block that large makes glibc
 * keep up to twice its size of freed memory in every thread's heap for the rest of the process (see
 * small-reads.ts); parts stay under malloc's direct-mapping size in the usual case (~50-100 KB).
 */
import type { JsonSchema, Operation } from '../../src/catalog/types.ts';
import type { ApiData, ToChecker } from './typecheck-protocol.ts';

/** Operations or schemas per part: 32 of the largest seen (Stripe's, ~29 KB serialised) make ~0.9 MB. */
export const PART_ITEMS = 32;

export type CatalogPart = Extract<ToChecker, { type: 'apis-part' | 'apis-end' }>;

/** The messages that carry `apis`, in order, the last one saying how many APIs were sent. */
export function catalogParts(apis: ApiData[], items = PART_ITEMS): CatalogPart[] {
  const parts: CatalogPart[] = [];
  apis.forEach(({ operations, schemas, ...head }, index) => {
    const entries = Object.entries(schemas);
    parts.push({
      type: 'apis-part',
      index,
      head,
      operations: operations.slice(0, items),
      schemas: entries.slice(0, items),
    });
    for (let at = items; at < Math.max(operations.length, entries.length); at += items) {
      parts.push({
        type: 'apis-part',
        index,
        operations: operations.slice(at, at + items),
        schemas: entries.slice(at, at + items),
      });
    }
  });
  parts.push({ type: 'apis-end', count: apis.length });
  return parts;
}

/** Puts the parts back together on the thread; `end` returns the APIs as they were sent. */
export function catalogAssembler() {
  let heads: Omit<ApiData, 'operations' | 'schemas'>[] = [];
  let operations: Operation[][] = [];
  let schemas: [string, JsonSchema][][] = [];
  return {
    add(part: Extract<CatalogPart, { type: 'apis-part' }>): void {
      if (part.head) {
        heads[part.index] = part.head;
        operations[part.index] = [];
        schemas[part.index] = [];
      }
      operations[part.index].push(...part.operations);
      schemas[part.index].push(...part.schemas);
    },
    end(count: number): ApiData[] {
      const apis: ApiData[] = [];
      for (let i = 0; i < count; i++) {
        if (!heads[i]) throw new Error(`type-checker thread: API ${i} of ${count} did not arrive`);
        apis.push({ ...heads[i], operations: operations[i], schemas: Object.fromEntries(schemas[i]) });
      }
      heads = [];
      operations = [];
      schemas = [];
      return apis;
    },
  };
}
