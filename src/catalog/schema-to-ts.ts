/** TypeScript type text from JSON Schema, bounded in depth and size. */

import { asArray, asString, isRecord, type JsonObject, stringArray } from './guards.ts';
import { schemaRefName } from './schema-refs.ts';
import { arrayOf, docComment, intersection, propertyKey, union } from './ts-syntax.ts';
import { reachesDirectly, schemaTypeNames } from './type-names.ts';
import type { Api } from './types.ts';

export interface TsContext {
  readonly api: Api;
  /** Prefix for named types: `github.` outside the API's type namespace, '' inside it. */
  readonly qualifier: string;
  /** JSDoc on object members (short descriptions only). */
  readonly docs: boolean;
  /** One member per line, indented from `indent`; otherwise everything on one line. */
  readonly multiline: boolean;
  readonly indent: string;
  /** The named schema being declared, so references that would make its alias circular become `unknown`. */
  readonly current?: string;
  /** Inline object nesting beyond this becomes `unknown`; named types start again at 0. */
  readonly maxDepth: number;
  /** Schema nodes converted before the rest becomes `unknown`: keeps one declaration a readable size. */
  readonly maxNodes: number;
  nodes: number;
  /** Named schemas referenced so far; the declaration must define them. */
  readonly refs: Set<string>;
}

export function createTsContext(
  api: Api,
  options: Partial<Omit<TsContext, 'api' | 'refs' | 'nodes'>> = {},
): TsContext {
  return {
    api,
    qualifier: `${api.name}.`,
    docs: false,
    multiline: false,
    indent: '',
    maxDepth: 4,
    maxNodes: 800,
    ...options,
    nodes: 0,
    refs: new Set(),
  };
}

/** Guards against combinators nested without end; objects are bounded separately by maxDepth. */
const maxNesting = 24;
const maxEnumMembers = 64;
const maxProperties = 80;

type Member = { doc: string; text: string };

/** The TypeScript type for a schema; `depth` is the inline object nesting level it appears at. */
export function schemaToTs(schema: unknown, ctx: TsContext, depth = 0): string {
  return convert(schema, ctx, depth, ctx.current !== undefined, 0);
}

function convert(schema: unknown, ctx: TsContext, depth: number, direct: boolean, nesting: number): string {
  if (schema === undefined || schema === true) return 'unknown';
  if (schema === false) return 'never';
  if (!isRecord(schema) || nesting > maxNesting || ++ctx.nodes > ctx.maxNodes) return 'unknown';
  const type = core(schema, ctx, depth, direct, nesting);
  const nullable = schema.nullable === true || schema['x-nullable'] === true;
  return nullable ? union([type, 'null']) : type;
}

function literal(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

function declaredTypes(schema: JsonObject): string[] {
  if (typeof schema.type === 'string') return [schema.type];
  return stringArray(schema.type);
}

function core(schema: JsonObject, ctx: TsContext, depth: number, direct: boolean, nesting: number): string {
  if (typeof schema.$ref === 'string') return refType(schema.$ref, ctx, direct);
  const types = declaredTypes(schema);
  if (schema.const !== undefined) return literal(schema.const) ?? 'unknown';
  if (Array.isArray(schema.enum) && schema.enum.length > 0 && schema.enum.length <= maxEnumMembers) {
    const literals = schema.enum.map(literal);
    if (literals.every((item) => item !== undefined))
      return union(types.includes('null') ? [...literals, 'null'] : literals);
  }
  const parts: string[] = [];
  const next = nesting + 1;
  for (const key of ['oneOf', 'anyOf']) {
    const members = asArray(schema[key]);
    if (members.length > 0)
      parts.push(union(members.map((member) => convert(member, ctx, depth, direct, next))));
  }
  const allOf = asArray(schema.allOf);
  if (allOf.length > 0)
    parts.push(intersection(allOf.map((member) => convert(member, ctx, depth, direct, next))));
  const own = ownType(schema, types, ctx, depth, nesting, parts.length > 0);
  if (own !== undefined) parts.push(own);
  return parts.length === 0 ? 'unknown' : intersection(parts);
}

function refType(ref: string, ctx: TsContext, direct: boolean): string {
  const name = schemaRefName(ref);
  if (name === undefined || !Object.hasOwn(ctx.api.schemas, name)) return 'unknown';
  if (direct && ctx.current !== undefined && reachesDirectly(ctx.api, name, ctx.current)) return 'unknown';
  ctx.refs.add(name);
  return ctx.qualifier + schemaTypeNames(ctx.api).get(name)!;
}

function hasObjectShape(schema: JsonObject): boolean {
  return isRecord(schema.properties) || schema.additionalProperties !== undefined;
}

/**
 * The type the schema's own keywords give. Beside a combinator, a bare `type: object` adds nothing and is
 * left out, so `oneOf` alternatives are not intersected with an index signature.
 */
function ownType(
  schema: JsonObject,
  types: string[],
  ctx: TsContext,
  depth: number,
  nesting: number,
  combined: boolean,
): string | undefined {
  let kinds = types;
  if (kinds.length === 0) {
    if (hasObjectShape(schema)) kinds = ['object'];
    else if (schema.prefixItems !== undefined) kinds = ['array'];
    else if (isRecord(schema.items)) {
      // `items` without `type` constrains arrays only: any value passes. Specs that write it (Slack's
      // conversation and user objects) mean the element itself, so the value is declared as either.
      const element = convert(schema.items, ctx, depth, false, nesting + 1);
      return union([element, arrayOf(element)]);
    } else if (schema.items !== undefined) kinds = ['array'];
    else return undefined;
  }
  if (combined) {
    kinds = kinds.filter((kind) => kind !== 'object' || hasObjectShape(schema));
    if (kinds.length === 0) return undefined;
  }
  return union(
    kinds.map((kind) => {
      switch (kind) {
        case 'string':
          return 'string';
        case 'integer':
        case 'number':
          return 'number';
        case 'boolean':
          return 'boolean';
        case 'null':
          return 'null';
        case 'array':
          return arrayType(schema, ctx, depth, nesting + 1);
        case 'object':
          return objectType(schema, ctx, depth, nesting + 1);
        default:
          return 'unknown';
      }
    }),
  );
}

function arrayType(schema: JsonObject, ctx: TsContext, depth: number, nesting: number): string {
  // Array elements are resolved lazily by TypeScript, so they never make an alias circular.
  const tuple = Array.isArray(schema.prefixItems)
    ? schema.prefixItems
    : Array.isArray(schema.items)
      ? schema.items
      : undefined;
  if (tuple === undefined) return arrayOf(convert(schema.items, ctx, depth, false, nesting));
  const rest = Array.isArray(schema.items) ? schema.additionalItems : schema.items;
  const elements = tuple.map((item) => convert(item, ctx, depth, false, nesting));
  if (rest !== false) elements.push(`...${arrayOf(convert(rest, ctx, depth, false, nesting))}`);
  return `[${elements.join(', ')}]`;
}

function memberDoc(schema: unknown, ctx: TsContext): string {
  if (!ctx.docs || !isRecord(schema)) return '';
  return docComment(asString(schema.description) || asString(schema.title));
}

function objectType(schema: JsonObject, ctx: TsContext, depth: number, nesting: number): string {
  if (depth >= ctx.maxDepth) return 'unknown';
  const properties = isRecord(schema.properties) ? Object.entries(schema.properties) : [];
  const required = new Set(stringArray(schema.required));
  const members: Member[] = [];
  for (const [name, property] of properties) {
    // Past the property or size budget the rest are named without their types: a misspelt field is still
    // an error, where an index signature would let any name through.
    const typed = members.length < maxProperties && ctx.nodes < ctx.maxNodes;
    const type = typed ? convert(property, ctx, depth + 1, false, nesting) : 'unknown';
    const text = `${propertyKey(name)}${required.has(name) ? '' : '?'}: ${type}`;
    members.push({ doc: typed ? memberDoc(property, ctx) : '', text });
  }
  const extra = schema.additionalProperties;
  let index: string | undefined;
  if (isRecord(extra) && Object.keys(extra).length > 0)
    index = convert(extra, ctx, depth + 1, false, nesting);
  else if (extra === true || (extra !== false && properties.length === 0)) index = 'unknown';
  if (members.length === 0) return index === undefined ? '{}' : `{ [key: string]: ${index} }`;
  if (index === 'unknown') members.push({ doc: '', text: '[key: string]: unknown' });
  const literalType = layout(members, ctx, depth);
  // Members need not match a specific index type when it is intersected rather than declared inside.
  return index === undefined || index === 'unknown'
    ? literalType
    : intersection([literalType, `{ [key: string]: ${index} }`]);
}

function layout(members: Member[], ctx: TsContext, depth: number): string {
  if (!ctx.multiline) {
    return `{ ${members.map((member) => (member.doc ? `${member.doc} ${member.text}` : member.text)).join('; ')} }`;
  }
  const pad = `${ctx.indent}${'  '.repeat(depth + 1)}`;
  const lines = members.map(
    (member) => `${member.doc ? `${pad}${member.doc}\n` : ''}${pad}${member.text};\n`,
  );
  return `{\n${lines.join('')}${ctx.indent}${'  '.repeat(depth)}}`;
}
