/** Typed functions as an API: zod input/output schemas become a searchable, type-checked catalog entry. */
import { z } from 'zod';
import { checkApiName } from './api-name.ts';
import { isIdentifier } from './naming.ts';
import type { Api, JsonSchema, Operation } from './types.ts';

export interface FunctionDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  summary?: string;
  description?: string;
  tags?: string[];
  input: I;
  output?: O;
  run(input: z.output<I>, signal?: AbortSignal): Promise<z.input<O>> | z.input<O>;
}

export interface ApiDefinition {
  /** The sandbox global, a JS identifier. */
  name: string;
  title?: string;
  description?: string;
  operations: Record<string, FunctionDefinition<any, any>>;
}

/** Declares one function with its types inferred from the schemas (a typing helper for `defineApi`). */
export function defineFunction<I extends z.ZodType, O extends z.ZodType>(
  definition: FunctionDefinition<I, O>,
): FunctionDefinition<I, O> {
  return definition;
}

/**
 * `defineApi({ name: 'math', operations: { add: defineFunction({ input: z.object({ a: z.number(), b: z.number() }),
 * output: z.number(), run: ({ a, b }) => a + b }) } })`: the snippet calls `await math.add({ a: 1, b: 2 })`.
 */
export function defineApi(definition: ApiDefinition): Api {
  const source = `defineApi(${definition.name})`;
  const name = checkApiName(definition.name, source);
  const schemas: Record<string, JsonSchema> = {};
  const operations: Operation[] = Object.entries(definition.operations).map(([opName, fn]) => {
    if (!isIdentifier(opName))
      throw new Error(`${source}: operation name '${opName}' is not a JS identifier`);
    return {
      api: name,
      name: opName,
      operationId: opName,
      method: 'post',
      path: `/${opName}`,
      summary: fn.summary ?? fn.description?.split('\n')[0] ?? opName,
      description: fn.description ?? '',
      tags: fn.tags ?? [],
      deprecated: false,
      parameters: [],
      input: toSchema(fn.input, `${opName}Input`, schemas),
      response: fn.output
        ? { status: '200', schema: toSchema(fn.output, `${opName}Output`, schemas) }
        : undefined,
    };
  });
  const byName = definition.operations;
  return {
    name,
    title: definition.title ?? name,
    version: '1.0.0',
    description: definition.description ?? '',
    source,
    operations,
    schemas,
    async invoke(opName, args, signal) {
      const fn = byName[opName];
      const input = fn.input.safeParse(args);
      if (!input.success) throw { status: 400, message: `invalid input: ${z.prettifyError(input.error)}` };
      const result = await fn.run(input.data, signal);
      if (!fn.output) return result;
      const output = fn.output.safeParse(result);
      if (!output.success)
        throw { status: 500, message: `returned a value that does not match its output schema` };
      return output.data;
    },
  };
}

/** JSON Schema for the catalog: `$defs` (recursive or reused zod schemas) become named catalog schemas. */
function toSchema(type: z.ZodType, prefix: string, schemas: Record<string, JsonSchema>): JsonSchema {
  const json = z.toJSONSchema(type, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
  const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
  delete json.$defs;
  delete json.$schema;
  const rename = (ref: string) => `#/components/schemas/${prefix}_${ref.slice('#/$defs/'.length)}`;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!value || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') {
        // A reference to the root ('#') has no name in the catalog: it reads as unknown.
        if (child.startsWith('#/$defs/')) out.$ref = rename(child);
      } else out[key] = rewrite(child);
    }
    return out;
  };
  for (const [defName, def] of Object.entries(defs))
    schemas[`${prefix}_${defName}`] = rewrite(def) as JsonSchema;
  return rewrite(json) as JsonSchema;
}
