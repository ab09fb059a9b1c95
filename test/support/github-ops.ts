/** Minimal `Operation`s from GitHub's REST spec, so search tests need not wait for the catalog loader. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HttpMethod, Operation, Parameter, ParameterLocation } from '../../src/catalog/types.ts';

const SPEC_URL = new URL(
  '../../node_modules/@octokit/openapi/generated/api.github.com.json',
  import.meta.url,
);
const METHODS: HttpMethod[] = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

type Json = Record<string, any>;

/** lowerCamelCase of an operationId, treating every non-identifier character as a word break. */
export function operationName(operationId: string): string {
  const words = operationId.split(/[^A-Za-z0-9_$]+/).filter(Boolean);
  return words
    .map((w, i) =>
      i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1),
    )
    .join('');
}

function resolveParameter(doc: Json, raw: Json): Parameter | undefined {
  let p = raw;
  if (typeof raw.$ref === 'string') {
    const key = raw.$ref.replace('#/components/parameters/', '');
    p = doc.components?.parameters?.[key];
    if (!p) return undefined;
  }
  return {
    name: p.name,
    in: p.in as ParameterLocation,
    required: p.required === true,
    description: p.description,
    schema: {},
  };
}

/** Builds operations from an already-parsed OpenAPI 3 document. */
export function operationsFromDocument(doc: Json, api: string): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<Json>(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])]
        .map((p: Json) => resolveParameter(doc, p))
        .filter((p): p is Parameter => p !== undefined);
      ops.push({
        api,
        name: operationName(op.operationId ?? `${method} ${path}`),
        operationId: op.operationId,
        method,
        path,
        summary: op.summary ?? '',
        description: op.description ?? '',
        tags: op.tags ?? [],
        deprecated: op.deprecated === true,
        parameters: params,
      });
    }
  }
  return ops;
}

let cachedDoc: Json | undefined;

/** GitHub's REST operations under the given API name (the parsed spec is cached across calls). */
export function githubOperations(api = 'github'): Operation[] {
  cachedDoc ??= JSON.parse(readFileSync(fileURLToPath(SPEC_URL), 'utf8')) as Json;
  return operationsFromDocument(cachedDoc, api);
}
