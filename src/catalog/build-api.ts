/** Imports an OpenAPI 3.0/3.1 or Swagger 2.0 document (already parsed) as an Api. */

import { apiNameFromSource, checkApiName } from './api-name.ts';
import { finishBaseUrl, serverBaseUrl, swaggerBaseUrl } from './base-url.ts';
import type { BuildContext } from './build-context.ts';
import { asString, errorMessage, isRecord, type JsonObject, stringArray } from './guards.ts';
import { operationMethodName, UniqueNames } from './naming.ts';
import {
  buildParameter,
  mergeParameters,
  resolveParameters,
  undeclaredPathParameters,
} from './parameters.ts';
import { resolveRefObject } from './ref-resolver.ts';
import { requestBody3, swaggerBody, swaggerConsumes, swaggerFormBody } from './request-body.ts';
import { buildResponse } from './response.ts';
import { SchemaNormalizer } from './schema-normalizer.ts';
import { type Api, type HttpMethod, type Operation, SpecError } from './types.ts';

export interface BuildApiOptions {
  /** File path or URL the document came from, used in error messages and to derive the name. */
  source: string;
  /** Catalog name; derived from the source (see apiNameFromSource) when absent. */
  name?: string;
  /** Overrides the base URL found in the document. */
  baseUrl?: string;
  /** Told about each piece that was skipped (broken parameter, unresolvable path item, ...). */
  onWarning?: (message: string) => void;
}

const httpMethods = new Set<string>(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

type Draft = Omit<Operation, 'api' | 'name'>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The document as an object, and whether it is Swagger 2; anything else is a SpecError. */
function checkDocument(document: unknown, source: string): { document: JsonObject; swagger2: boolean } {
  const notOpenApi = 'not an OpenAPI or Swagger document';
  if (!isRecord(document))
    throw new SpecError(source, `${notOpenApi}: expected an object, got ${describe(document)}`);
  let swagger2: boolean;
  if (document.openapi !== undefined) {
    const version = String(document.openapi);
    if (!/^3(\.[0-2])?(\.|$)/.test(version)) {
      throw new SpecError(source, `unsupported OpenAPI version '${version}' (duet reads 3.0, 3.1 and 3.2)`);
    }
    swagger2 = false;
  } else if (document.swagger !== undefined) {
    const version = String(document.swagger);
    // YAML reads an unquoted `swagger: 2.0` as the number 2.
    if (version !== '2.0' && version !== '2') {
      throw new SpecError(source, `unsupported Swagger version '${version}' (duet reads 2.0)`);
    }
    swagger2 = true;
  } else {
    throw new SpecError(source, `${notOpenApi}: missing 'openapi' or 'swagger' field`);
  }
  if (document.paths === undefined)
    throw new SpecError(source, "no 'paths': the document describes no operations");
  if (!isRecord(document.paths))
    throw new SpecError(source, `'paths' is ${describe(document.paths)}, not an object`);
  return { document, swagger2 };
}

function buildOperation(
  method: HttpMethod,
  path: string,
  pathParameters: JsonObject[],
  operation: JsonObject,
  ctx: BuildContext,
): Draft {
  const where = `${method.toUpperCase()} ${path}`;
  const raw = mergeParameters(pathParameters, resolveParameters(operation.parameters, ctx, where));
  const parameters = raw
    .filter((p) => p.in !== 'body' && p.in !== 'formData')
    .map((p) => buildParameter(p, ctx));
  parameters.unshift(...undeclaredPathParameters(path, parameters));
  const draft: Draft = {
    method,
    path,
    summary: asString(operation.summary).trim(),
    description: asString(operation.description).trim(),
    tags: stringArray(operation.tags),
    deprecated: operation.deprecated === true,
    parameters,
  };
  if (typeof operation.operationId === 'string' && operation.operationId.trim() !== '') {
    draft.operationId = operation.operationId;
  }
  let requestBody: Operation['requestBody'];
  if (ctx.swagger2) {
    const consumes = swaggerConsumes(operation, ctx.document);
    const body = raw.find((p) => p.in === 'body');
    const form = raw.filter((p) => p.in === 'formData');
    if (body) requestBody = swaggerBody(body, consumes, ctx);
    else if (form.length > 0) requestBody = swaggerFormBody(form, consumes, ctx);
  } else {
    requestBody = requestBody3(operation.requestBody, ctx);
  }
  if (requestBody) draft.requestBody = requestBody;
  const response = buildResponse(operation, ctx);
  if (response) draft.response = response;
  return draft;
}

function collectOperations(ctx: BuildContext): Draft[] {
  const drafts: Draft[] = [];
  for (const [path, rawItem] of Object.entries(ctx.document.paths as JsonObject)) {
    if (path.startsWith('x-')) continue;
    const item = resolveRefObject(ctx.document, rawItem);
    if (item === undefined) {
      ctx.warn(`skipped path ${path}: not an object or an unresolvable $ref`);
      continue;
    }
    const pathParameters = resolveParameters(item.parameters, ctx, path);
    for (const [key, operation] of Object.entries(item)) {
      const method = key.toLowerCase();
      if (!httpMethods.has(method)) continue;
      if (!isRecord(operation)) {
        ctx.warn(`skipped ${method.toUpperCase()} ${path}: not an object`);
        continue;
      }
      try {
        drafts.push(buildOperation(method as HttpMethod, path, pathParameters, operation, ctx));
      } catch (error) {
        // A safety net: one operation's junk must not cost the rest of the document.
        ctx.warn(`skipped ${method.toUpperCase()} ${path}: ${errorMessage(error)}`);
      }
    }
  }
  return drafts;
}

/**
 * Names operations: operationIds are claimed first, so a name derived from method + path never takes
 * one an operationId asked for; repeats get 2, 3, ... in document order.
 */
function nameOperations(drafts: Draft[], api: string): Operation[] {
  const names = new UniqueNames();
  const assigned = new Map<Draft, string>();
  for (const pass of [true, false]) {
    for (const draft of drafts) {
      if ((draft.operationId !== undefined) !== pass) continue;
      assigned.set(draft, names.claim(operationMethodName(draft.operationId, draft.method, draft.path)));
    }
  }
  return drafts.map((draft) => ({ api, name: assigned.get(draft)!, ...draft }));
}

/**
 * Builds an Api from a parsed OpenAPI 3.x or Swagger 2.0 document. Throws SpecError when the document is
 * not one of those or yields no operation; broken pieces inside are skipped (see `onWarning`).
 */
export function buildApi(document: unknown, options: BuildApiOptions): Api {
  const { source } = options;
  const checked = checkDocument(document, source);
  const info = isRecord(checked.document.info) ? checked.document.info : {};
  const title = asString(info.title).trim();
  const name =
    options.name !== undefined ? checkApiName(options.name, source) : apiNameFromSource(source, title);
  const normalizer = new SchemaNormalizer(checked.document, checked.swagger2);
  const ctx: BuildContext = { ...checked, source, normalizer, warn: options.onWarning ?? (() => {}) };
  const drafts = collectOperations(ctx);
  if (drafts.length === 0)
    throw new SpecError(source, "no usable operations: 'paths' holds no valid operation");
  const operations = nameOperations(drafts, name);
  const schemas = normalizer.finish();
  const baseUrl =
    options.baseUrl !== undefined
      ? finishBaseUrl(options.baseUrl, source)
      : checked.swagger2
        ? swaggerBaseUrl(checked.document, source)
        : serverBaseUrl(checked.document, source);
  const api: Api = {
    name,
    title: title || name,
    version: typeof info.version === 'string' || typeof info.version === 'number' ? String(info.version) : '',
    description: asString(info.description).trim(),
    source,
    operations,
    schemas,
  };
  if (baseUrl !== undefined) api.baseUrl = baseUrl;
  return api;
}
