/** zod schemas of the HTTP contract; they validate requests and document /openapi.json. */
import { z } from '@hono/zod-openapi';

export const ErrorBody = z
  .object({
    ok: z.literal(false),
    error: z.object({ kind: z.string(), message: z.string() }),
  })
  .openapi('Error');

export const SearchRequest = z
  .object({
    query: z.string().max(10_000).optional().openapi({ example: 'create a task' }),
    code: z
      .string()
      .max(100_000)
      .optional()
      .openapi({
        description:
          'Instead of query: JavaScript run in the sandbox over a `catalog` global (`operations({api?})`, ' +
          '`search({query, limit?})`, `declaration({api, name})`) that returns the operations it wants',
        example: "return (await catalog.operations()).filter((op) => op.method === 'DELETE');",
      }),
    limit: z.number().int().min(1).max(100).optional().openapi({ example: 5 }),
  })
  .openapi('SearchRequest');

export const SearchResult = z
  .object({
    api: z.string(),
    name: z.string(),
    method: z.string(),
    path: z.string(),
    summary: z.string(),
    declaration: z.string().openapi({ description: 'TypeScript signature of the method in the sandbox' }),
  })
  .openapi('SearchResult');

export const SearchResponse = z.object({ results: z.array(SearchResult) }).openapi('SearchResponse');

export const SESSION_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export const ExecuteRequest = z
  .object({
    code: z.string().min(1).openapi({
      example: "const task = await demo.createTask({ body: { title: 'Try duet' } });\nreturn task;",
    }),
    session: z
      .string()
      .regex(SESSION_PATTERN)
      .optional()
      .openapi({ description: 'Session whose state the run sees' }),
    timeoutMs: z.number().int().min(1).optional(),
    typecheck: z
      .boolean()
      .optional()
      .openapi({ description: 'false skips the type-check (the syntax check still runs)' }),
  })
  .openapi('ExecuteRequest');

export const ExecuteResponse = z
  .object({
    ok: z.boolean(),
    result: z.unknown().optional(),
    error: z
      .object({
        kind: z.enum([
          'typecheck',
          'policy',
          'timeout',
          'memory',
          'runtime',
          'egress',
          'rate_limit',
          'limit',
          'bad_request',
          'overloaded',
        ]),
        message: z.string(),
        diagnostics: z
          .array(
            z.object({ message: z.string(), line: z.number().optional(), column: z.number().optional() }),
          )
          .optional(),
      })
      .optional(),
    logs: z.array(z.string()),
    calls: z.array(
      z.object({
        api: z.string(),
        name: z.string(),
        method: z.string(),
        path: z.string(),
        status: z.number(),
        durationMs: z.number(),
      }),
    ),
    durationMs: z.number(),
  })
  .openapi('ExecuteResponse');

export const SessionState = z
  .object({ session: z.string(), state: z.record(z.string(), z.unknown()) })
  .openapi('SessionState');
