/** Rewrites schema `$ref`s to `#/components/schemas/NAME` and collects the named schemas they reach. */

import { isRecord, type JsonObject } from './guards.ts';
import { evaluatePointer, parseRefPointer } from './json-pointer.ts';
import { schemaRef } from './schema-refs.ts';
import type { JsonSchema } from './types.ts';

/** Keywords whose value is a map of subschemas. */
const schemaMapKeywords = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
/** Keywords whose value is one subschema (or, for `items`, possibly a tuple array). */
const schemaKeywords = [
  'items',
  'additionalProperties',
  'additionalItems',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
];
const schemaArrayKeywords = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];

/** Pointer segments that say nothing about what a schema is, skipped when naming a synthetic schema. */
const structuralSegments = new Set([
  'components',
  'schemas',
  'definitions',
  'paths',
  'properties',
  'items',
  'content',
  'schema',
  'responses',
  'parameters',
  'requestBodies',
  'requestBody',
  'get',
  'put',
  'post',
  'delete',
  'patch',
  'head',
  'options',
  'trace',
]);

/** Deeper inline nesting than this is junk or an attack; it becomes `{}` rather than a stack overflow. */
const maxInlineDepth = 64;

/**
 * Normalises the schemas one document's operations use. Unchanged subtrees are shared with the source
 * document (copy-on-write), so normalising GitHub's spec copies almost nothing.
 */
export class SchemaNormalizer {
  /** Named schemas, in the order they were first referenced. */
  readonly schemas: Record<string, JsonSchema> = {};
  readonly #document: JsonObject;
  readonly #namedPath: readonly string[];
  readonly #named: JsonObject;
  readonly #memo = new WeakMap<object, JsonSchema>();
  readonly #active = new WeakSet<object>();
  /** Schema name per decoded pointer, so one target gets one name however it is spelt. */
  readonly #pointerNames = new Map<string, string>();
  readonly #taken = new Set<string>();
  readonly #pending: { name: string; raw: unknown }[] = [];

  constructor(document: JsonObject, swagger2: boolean) {
    this.#document = document;
    this.#namedPath = swagger2 ? ['definitions'] : ['components', 'schemas'];
    const named = evaluatePointer(document, this.#namedPath);
    this.#named = isRecord(named) ? named : {};
    for (const name of Object.keys(this.#named)) this.#taken.add(name);
  }

  /** The normalised form of a schema found in an operation; unusable input becomes `{}` (unknown). */
  normalize(schema: unknown): JsonSchema {
    return this.#walk(schema, 0);
  }

  /** Normalises every named schema reached so far, and those they reach in turn. */
  finish(): Record<string, JsonSchema> {
    for (let next = this.#pending.pop(); next !== undefined; next = this.#pending.pop()) {
      this.schemas[next.name] = this.#walk(next.raw, 0);
    }
    return this.schemas;
  }

  #walk(node: unknown, depth: number): JsonSchema {
    if (typeof node === 'boolean') return node;
    if (!isRecord(node)) return {};
    const memo = this.#memo.get(node);
    if (memo !== undefined) return memo;
    // A YAML alias can make an object contain itself; JSON cannot, but deep nesting is possible.
    if (this.#active.has(node) || depth > maxInlineDepth) return {};
    this.#active.add(node);
    const result = this.#walkObject(node, depth);
    this.#active.delete(node);
    this.#memo.set(node, result);
    return result;
  }

  #walkObject(node: JsonObject, depth: number): JsonSchema {
    let copy: JsonObject | undefined;
    const set = (key: string, value: unknown) => {
      copy ??= { ...node };
      copy[key] = value;
    };
    if (typeof node.$ref === 'string') {
      const name = this.#refName(node.$ref);
      if (name === undefined) {
        // External or dangling: the shape is unknown, but a description still helps the reader.
        return typeof node.description === 'string' ? { description: node.description } : {};
      }
      const ref = schemaRef(name);
      if (ref !== node.$ref) set('$ref', ref);
    }
    for (const key of schemaMapKeywords) {
      const map = node[key];
      if (map === undefined) continue;
      if (!isRecord(map)) {
        set(key, {});
        continue;
      }
      let mapCopy: JsonObject | undefined;
      for (const [name, sub] of Object.entries(map)) {
        const walked = this.#walk(sub, depth + 1);
        if (walked !== sub) {
          mapCopy ??= { ...map };
          mapCopy[name] = walked;
        }
      }
      if (mapCopy) set(key, mapCopy);
    }
    for (const key of schemaKeywords) {
      const sub = node[key];
      if (sub === undefined) continue;
      const walked = Array.isArray(sub) ? this.#walkArray(sub, depth) : this.#walk(sub, depth + 1);
      if (walked !== sub) set(key, walked);
    }
    for (const key of schemaArrayKeywords) {
      const list = node[key];
      if (list === undefined) continue;
      const walked = Array.isArray(list) ? this.#walkArray(list, depth) : [];
      if (walked !== list) set(key, walked);
    }
    return copy ?? node;
  }

  #walkArray(list: unknown[], depth: number): unknown[] {
    let copy: unknown[] | undefined;
    list.forEach((item, index) => {
      const walked = this.#walk(item, depth + 1);
      if (walked !== item) {
        copy ??= [...list];
        copy[index] = walked;
      }
    });
    return copy ?? list;
  }

  /** The `schemas` key a reference points at, registering it on first sight; undefined when unusable. */
  #refName(ref: string): string | undefined {
    const segments = parseRefPointer(ref);
    if (segments === undefined) return undefined;
    const key = segments.join('\u0000');
    const known = this.#pointerNames.get(key);
    if (known !== undefined) return known;
    const target = evaluatePointer(this.#document, segments);
    if (!isRecord(target) && typeof target !== 'boolean') return undefined;
    const name = this.#isNamedPointer(segments) ? segments.at(-1)! : this.#syntheticName(segments);
    this.#pointerNames.set(key, name);
    this.#taken.add(name);
    // Reserve the slot now so `schemas` lists names in first-reference order.
    this.schemas[name] = {};
    this.#pending.push({ name, raw: target });
    return name;
  }

  #isNamedPointer(segments: readonly string[]): boolean {
    const path = this.#namedPath;
    return (
      segments.length === path.length + 1 &&
      path.every((segment, index) => segments[index] === segment) &&
      Object.hasOwn(this.#named, segments.at(-1)!)
    );
  }

  /** A readable name for a schema that lives outside the named schemas, e.g. inside a path. */
  #syntheticName(segments: readonly string[]): string {
    const meaningful = segments
      // A path template like `/pets/{id}` says what the schema is; a media type like `application/json` does not.
      .map((segment) =>
        segment.startsWith('/') ? segment.replace(/[^\p{L}\p{N}]+/gu, '_').replace(/^_|_$/g, '') : segment,
      )
      .filter((segment) => segment !== '' && !structuralSegments.has(segment) && !segment.includes('/'));
    const base = meaningful.slice(-2).join('_') || 'Schema';
    let name = base;
    for (let n = 2; this.#taken.has(name); n++) name = `${base}${n}`;
    return name;
  }
}
