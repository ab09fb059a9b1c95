/** TypeScript declarations for APIs: search-result signatures and whole-API ambient declarations, lazy and cached. */

import { isRecord } from './guards.ts';
import { createTsContext, schemaToTs } from './schema-to-ts.ts';
import { docComment, propertyKey } from './ts-syntax.ts';
import { schemaTypeNames } from './type-names.ts';
import type { Api, Operation, Parameter } from './types.ts';

interface Declared {
  text: string;
  /** Named schemas the text refers to. */
  refs: string[];
}

/** Per API, then per operation: the same Operation may be shared by Api objects under different names. */
const signatureCache = new WeakMap<Api, WeakMap<Operation, Declared>>();
const namedTypeCache = new WeakMap<Api, Map<string, Declared>>();
const fullDeclarationCache = new WeakMap<Api, string>();

const maxSummaryLength = 200;

/** The operation's one-line JSDoc: its summary (or description), cut short, plus `@deprecated`. */
function operationDoc(operation: Operation): string {
  let text = (operation.summary || operation.description)
    .split(/\n\s*\n/)[0]!
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length > maxSummaryLength) text = `${text.slice(0, maxSummaryLength - 1).trimEnd()}…`;
  if (operation.deprecated) text = text ? `${text} @deprecated` : '@deprecated';
  return docComment(text, Number.POSITIVE_INFINITY);
}

/** Path parameters first (they are always required), then the rest in document order. */
function orderedParameters(operation: Operation): Parameter[] {
  return [
    ...operation.parameters.filter((parameter) => parameter.in === 'path'),
    ...operation.parameters.filter((parameter) => parameter.in !== 'path'),
  ];
}

/** Signatures longer than this are redone with shallower inline types: search results must stay readable. */
const maxSignatureLength = 3000;
const signatureDepths = [4, 2, 1, 0];

function declareSignature(api: Api, operation: Operation): Declared {
  let declared: Declared | undefined;
  for (const maxDepth of signatureDepths) {
    declared = declareSignatureAtDepth(api, operation, maxDepth);
    if (declared.text.length <= maxSignatureLength) break;
  }
  return declared!;
}

/**
 * Past this many optional parameters (some APIs list hundreds of filters) the rest are left out and an
 * index signature keeps them callable.
 */
const maxOptionalParameters = 40;

function declareSignatureAtDepth(api: Api, operation: Operation, maxDepth: number): Declared {
  const ctx = createTsContext(api, { maxDepth });
  const members: string[] = [];
  // One argument object holds every parameter by name; a second parameter of the same name (another
  // location) or one named `body` beside a request body cannot be expressed and is left out.
  const taken = new Set<string>(operation.requestBody ? ['body'] : []);
  let required = false;
  let optional = 0;
  let omitted = false;
  for (const parameter of orderedParameters(operation)) {
    if (taken.has(parameter.name)) continue;
    taken.add(parameter.name);
    if (!parameter.required && ++optional > maxOptionalParameters) {
      omitted = true;
      continue;
    }
    required ||= parameter.required;
    const mark = parameter.required ? '' : '?';
    members.push(`${propertyKey(parameter.name)}${mark}: ${schemaToTs(parameter.schema, ctx)}`);
  }
  if (omitted) members.push('[parameter: string]: unknown');
  const body = operation.requestBody;
  if (body) {
    required ||= body.required;
    members.push(`body${body.required ? '' : '?'}: ${schemaToTs(body.schema, ctx)}`);
  }
  // No parameters at all: an empty object only (`{}` would accept any object, hiding a misplaced argument).
  let args = members.length === 0 ? 'Record<string, never>' : `{ ${members.join('; ')} }`;
  if (operation.input !== undefined) {
    // Function-style operations take their input object as it is.
    args = schemaToTs(operation.input, ctx);
    const input = operation.input;
    required = typeof input === 'object' && Array.isArray(input.required) && input.required.length > 0;
  }
  const response = operation.response;
  const result =
    response?.schema !== undefined
      ? schemaToTs(response.schema, ctx)
      : response?.status === '204'
        ? 'void'
        : 'unknown';
  const doc = operationDoc(operation);
  const signature = `${operation.name}(args${required ? '' : '?'}: ${args}): Promise<${result}>`;
  return { text: doc ? `${doc}\n${signature}` : signature, refs: [...ctx.refs] };
}

function signature(api: Api, operation: Operation): Declared {
  let cache = signatureCache.get(api);
  if (cache === undefined) {
    cache = new WeakMap();
    signatureCache.set(api, cache);
  }
  let declared = cache.get(operation);
  if (declared === undefined) {
    declared = declareSignature(api, operation);
    cache.set(operation, declared);
  }
  return declared;
}

/**
 * The declaration shown in search results: JSDoc plus one method signature, e.g.
 * `issuesCreate(args: { owner: string; repo: string; body: {...} }): Promise<github.Issue>`.
 */
export function operationSignature(api: Api, operation: Operation): string {
  return signature(api, operation).text;
}

/** Keys of `api.schemas` the operation's signature names (`github.Issue` → the schema behind `Issue`). */
export function operationRefs(api: Api, operation: Operation): readonly string[] {
  return signature(api, operation).refs;
}

/** `type Name = ...;` for one named schema, indented to sit inside the API's namespace. */
function namedType(api: Api, name: string): Declared {
  let cache = namedTypeCache.get(api);
  if (cache === undefined) {
    cache = new Map();
    namedTypeCache.set(api, cache);
  }
  let declared = cache.get(name);
  if (declared === undefined) {
    const indent = '  ';
    const ctx = createTsContext(api, {
      qualifier: '',
      docs: true,
      multiline: true,
      indent,
      current: name,
      maxNodes: 2000,
    });
    const schema = api.schemas[name];
    const body = schemaToTs(schema, ctx);
    const doc = isRecord(schema)
      ? docComment(typeof schema.description === 'string' ? schema.description : '')
      : '';
    const text = `${doc ? `${indent}${doc}\n` : ''}${indent}type ${schemaTypeNames(api).get(name)} = ${body};`;
    declared = { text, refs: [...ctx.refs] };
    cache.set(name, declared);
  }
  return declared;
}

export interface ApiDeclarationOptions {
  /** Method names to declare (unknown names are ignored); all operations when absent. */
  operations?: readonly string[];
}

/** Named types reached from the signatures, then from each other, breadth first. */
function reachableTypes(api: Api, signatures: readonly Declared[]): string[] {
  const types: string[] = [];
  const queued = new Set<string>();
  const enqueue = (names: string[]) => {
    for (const name of names) {
      if (!queued.has(name)) {
        queued.add(name);
        types.push(name);
      }
    }
  };
  for (const declared of signatures) enqueue(declared.refs);
  for (let i = 0; i < types.length; i++) enqueue(namedType(api, types[i]!).refs);
  return types;
}

const methodText = (declared: Declared) => `${declared.text.replace(/^/gm, '  ')};`;

function buildDeclaration(api: Api, operations: readonly Operation[]): string {
  const signatures = operations.map((operation) => signature(api, operation));
  const types = reachableTypes(api, signatures);
  const parts: string[] = [];
  if (types.length > 0) {
    parts.push(
      `declare namespace ${api.name} {\n${types.map((name) => namedType(api, name).text).join('\n')}\n}`,
    );
  }
  const doc = docComment(api.title);
  parts.push(
    `${doc ? `${doc}\n` : ''}declare const ${api.name}: {\n${signatures.map(methodText).join('\n')}\n};`,
  );
  return `${parts.join('\n')}\n`;
}

const chosen = (api: Api, names: readonly string[]) => {
  const wanted = new Set(names);
  return api.operations.filter((operation) => wanted.has(operation.name));
};

/**
 * The named operations' method signatures (JSDoc included, indented for a type body; unknown names are
 * ignored) and the names of every named type they reach, each declared by `namedTypeDeclaration`.
 */
export function operationDeclarations(
  api: Api,
  operations: readonly string[],
): { methods: string; types: string[] } {
  const signatures = chosen(api, operations).map((operation) => signature(api, operation));
  return { methods: signatures.map(methodText).join('\n'), types: reachableTypes(api, signatures) };
}

/** `type Name = ...;` for one named schema, indented for the API's namespace (`Name` is its schema key). */
export function namedTypeDeclaration(api: Api, name: string): string {
  return namedType(api, name).text;
}

/**
 * An ambient declaration of the API for the type-checker: `declare const NAME: { ...methods }` plus, in
 * `declare namespace NAME`, every named type the chosen operations reach (recursive types are fine).
 * The namespace merges with the const, so named types read `github.Issue`: two APIs never collide, and a
 * signature shown alone in search results names its types unambiguously.
 */
export function apiDeclaration(api: Api, options: ApiDeclarationOptions = {}): string {
  if (options.operations !== undefined) return buildDeclaration(api, chosen(api, options.operations));
  let full = fullDeclarationCache.get(api);
  if (full === undefined) {
    full = buildDeclaration(api, api.operations);
    fullDeclarationCache.set(api, full);
  }
  return full;
}
