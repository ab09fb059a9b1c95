/** The response an operation resolves to: the first 2xx (then `default`) and its preferred schema. */

import type { BuildContext } from './build-context.ts';
import { asString, isRecord, type JsonObject, stringArray } from './guards.ts';
import { pickMediaType, pickSuccessStatus } from './media-types.ts';
import { resolveRefObject } from './ref-resolver.ts';
import type { ResponseShape } from './types.ts';

export function buildResponse(operation: JsonObject, ctx: BuildContext): ResponseShape | undefined {
  const responses = operation.responses;
  if (!isRecord(responses)) return undefined;
  const status = pickSuccessStatus(Object.keys(responses));
  if (status === undefined) return undefined;
  const shape: ResponseShape = { status };
  const response = resolveRefObject(ctx.document, responses[status]);
  if (response === undefined) return shape;
  const description = asString(response.description).trim();
  if (description !== '') shape.description = description;
  if (ctx.swagger2) {
    if (response.schema === undefined) return shape;
    shape.contentType =
      pickMediaType(stringArray(operation.produces ?? ctx.document.produces)) ?? 'application/json';
    shape.schema = ctx.normalizer.normalize(response.schema);
    return shape;
  }
  const content = isRecord(response.content) ? response.content : {};
  const mediaType = pickMediaType(Object.keys(content));
  if (mediaType === undefined) return shape;
  shape.contentType = mediaType;
  const media = content[mediaType];
  if (isRecord(media) && media.schema !== undefined) shape.schema = ctx.normalizer.normalize(media.schema);
  return shape;
}
