/** Request bodies: OpenAPI 3 `requestBody`, or Swagger 2 `body` / `formData` parameters. */

import type { BuildContext } from './build-context.ts';
import { asString, isRecord, type JsonObject, stringArray } from './guards.ts';
import { formUrlEncoded, multipartForm, pickMediaType, requestContentType } from './media-types.ts';
import { swaggerParameterSchema } from './parameters.ts';
import { resolveRefObject } from './ref-resolver.ts';
import type { RequestBody } from './types.ts';

function withDescription(body: RequestBody, description: unknown): RequestBody {
  const text = asString(description).trim();
  if (text !== '') body.description = text;
  return body;
}

/** OpenAPI 3: the preferred media type of `content`; a body without content is dropped. */
export function requestBody3(raw: unknown, ctx: BuildContext): RequestBody | undefined {
  if (raw === undefined) return undefined;
  const body = resolveRefObject(ctx.document, raw);
  if (body === undefined) return undefined;
  const content = isRecord(body.content) ? body.content : {};
  const mediaType = pickMediaType(Object.keys(content));
  if (mediaType === undefined) return undefined;
  const media = content[mediaType];
  const schema = ctx.normalizer.normalize(isRecord(media) ? media.schema : undefined);
  return withDescription(
    { required: body.required === true, contentType: requestContentType(mediaType), schema },
    body.description,
  );
}

/** Swagger 2: the `in: body` parameter, sent as the preferred type of `consumes`. */
export function swaggerBody(parameter: JsonObject, consumes: string[], ctx: BuildContext): RequestBody {
  const mediaType = pickMediaType(
    consumes.filter((type) => type !== formUrlEncoded && type !== multipartForm),
  );
  return withDescription(
    {
      required: parameter.required === true,
      contentType: requestContentType(mediaType),
      schema: ctx.normalizer.normalize(parameter.schema),
    },
    parameter.description,
  );
}

/** Swagger 2: `in: formData` parameters become one object schema; files force multipart. */
export function swaggerFormBody(
  parameters: JsonObject[],
  consumes: string[],
  ctx: BuildContext,
): RequestBody {
  const properties: JsonObject = {};
  const required: string[] = [];
  for (const parameter of parameters) {
    const name = parameter.name as string;
    const schema = swaggerParameterSchema(parameter);
    if (typeof parameter.description === 'string') schema.description = parameter.description;
    properties[name] = schema;
    if (parameter.required === true) required.push(name);
  }
  const hasFile = parameters.some((parameter) => parameter.type === 'file');
  const multipart = hasFile || (consumes.includes(multipartForm) && !consumes.includes(formUrlEncoded));
  return {
    required: required.length > 0,
    contentType: multipart ? multipartForm : formUrlEncoded,
    schema: ctx.normalizer.normalize({
      type: 'object',
      properties,
      ...(required.length ? { required } : {}),
    }),
  };
}

export function swaggerConsumes(operation: JsonObject, document: JsonObject): string[] {
  return stringArray(operation.consumes ?? document.consumes);
}
