/** Operation parameters: path-level and operation-level lists merged, `$ref`s followed, broken ones skipped. */

import type { BuildContext } from './build-context.ts';
import { asArray, asString, isRecord, type JsonObject } from './guards.ts';
import { pickMediaType } from './media-types.ts';
import { resolveRefObject } from './ref-resolver.ts';
import type { JsonSchema, Parameter, ParameterLocation } from './types.ts';

const locations = new Set<string>(['path', 'query', 'header', 'cookie']);
/** Swagger 2 locations that describe the request body rather than a parameter. */
const bodyLocations = new Set<string>(['body', 'formData']);
/** OpenAPI says these headers are described elsewhere (content types, security); duet sets them itself. */
const ignoredHeaders = new Set(['accept', 'content-type', 'authorization']);

/** A parameter list's usable definitions, `$ref`s resolved; broken entries are reported and skipped. */
export function resolveParameters(list: unknown, ctx: BuildContext, where: string): JsonObject[] {
  const resolved: JsonObject[] = [];
  for (const raw of asArray(list)) {
    const parameter = resolveRefObject(ctx.document, raw);
    if (parameter === undefined) {
      ctx.warn(`${where}: skipped a parameter that is not an object or has an unresolvable $ref`);
      continue;
    }
    const name = parameter.name;
    const location = parameter.in;
    if (typeof name !== 'string' || name === '' || typeof location !== 'string') {
      ctx.warn(`${where}: skipped a parameter without a name or location`);
      continue;
    }
    if (!locations.has(location) && !(ctx.swagger2 && bodyLocations.has(location))) {
      ctx.warn(`${where}: skipped parameter '${name}' with unknown location '${location}'`);
      continue;
    }
    if (location === 'header' && ignoredHeaders.has(name.toLowerCase())) continue;
    resolved.push(parameter);
  }
  return resolved;
}

/** Path-level and operation-level parameters, the operation's overriding by location + name. */
export function mergeParameters(pathLevel: JsonObject[], operationLevel: JsonObject[]): JsonObject[] {
  const merged = new Map<string, JsonObject>();
  for (const parameter of [...pathLevel, ...operationLevel])
    merged.set(`${parameter.in}\u0000${parameter.name}`, parameter);
  return [...merged.values()];
}

/** Swagger 2 keeps array serialisation in `collectionFormat`; OpenAPI 3 calls it style + explode. */
function collectionStyle(format: unknown, location: string): Pick<Parameter, 'style' | 'explode'> {
  switch (format) {
    case 'multi':
      return { style: 'form', explode: true };
    case 'ssv':
      return { style: 'spaceDelimited', explode: false };
    case 'pipes':
      return { style: 'pipeDelimited', explode: false };
    case 'tsv':
      return { style: 'tabDelimited', explode: false };
    default:
      // csv, Swagger 2's default: comma-separated in one value.
      return { style: location === 'query' || location === 'cookie' ? 'form' : 'simple', explode: false };
  }
}

const swaggerSchemaKeys = [
  'type',
  'format',
  'enum',
  'default',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'multipleOf',
  '$ref',
];

/** A JSON Schema from a Swagger 2 non-body parameter (or its `items`), which describe types inline. */
export function swaggerParameterSchema(parameter: JsonObject, depth = 0): JsonObject {
  const schema: JsonObject = {};
  for (const key of swaggerSchemaKeys) if (parameter[key] !== undefined) schema[key] = parameter[key];
  if (schema.type === 'file') {
    schema.type = 'string';
    schema.format = 'binary';
  }
  if (parameter['x-nullable'] === true) schema.nullable = true;
  if (isRecord(parameter.items) && depth < 8)
    schema.items = swaggerParameterSchema(parameter.items, depth + 1);
  return schema;
}

function parameterSchema(parameter: JsonObject, ctx: BuildContext): unknown {
  if (ctx.swagger2) return swaggerParameterSchema(parameter);
  if (parameter.schema !== undefined) return parameter.schema;
  // OpenAPI 3 allows `content` (one media type) instead of `schema`.
  const content = isRecord(parameter.content) ? parameter.content : {};
  const mediaType = pickMediaType(Object.keys(content));
  const media = mediaType === undefined ? undefined : content[mediaType];
  return isRecord(media) ? media.schema : undefined;
}

/** A path, query, header or cookie parameter from its resolved definition. */
export function buildParameter(parameter: JsonObject, ctx: BuildContext): Parameter {
  const location = parameter.in as ParameterLocation;
  const schema: JsonSchema = ctx.normalizer.normalize(parameterSchema(parameter, ctx));
  const result: Parameter = {
    name: parameter.name as string,
    in: location,
    // Path parameters are always required, whatever the document says.
    required: location === 'path' || parameter.required === true,
    schema,
  };
  const description = asString(parameter.description).trim();
  if (description !== '') result.description = description;
  if (location === 'path' && parameter['x-multi-segment'] === true) result.multiSegment = true;
  if (ctx.swagger2) {
    if (parameter.type === 'array')
      Object.assign(result, collectionStyle(parameter.collectionFormat, location));
  } else {
    if (typeof parameter.style === 'string') result.style = parameter.style;
    if (typeof parameter.explode === 'boolean') result.explode = parameter.explode;
  }
  return result;
}

/** Path parameters a template uses but the document forgot to declare: duet still has to fill them in. */
export function undeclaredPathParameters(path: string, declared: readonly Parameter[]): Parameter[] {
  const names = new Set(declared.filter((p) => p.in === 'path').map((p) => p.name));
  const missing: Parameter[] = [];
  for (const match of path.matchAll(/\{([^{}]+)\}/g)) {
    const name = match[1]!;
    if (names.has(name)) continue;
    names.add(name);
    missing.push({ name, in: 'path', required: true, schema: { type: 'string' } });
  }
  return missing;
}
