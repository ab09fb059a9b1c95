/** zod schemas of the HTTP contract; they validate requests and document /openapi.json. */
import { z } from '@hono/zod-openapi';
import { SESSION_PATTERN, SESSION_RULE } from '../execute/session-id.ts';

export const ErrorBody = z
  .object({
    ok: z.literal(false),
    error: z.object({ kind: z.string(), message: z.string() }),
  })
  .openapi('Error');

// Strict: a misspelt field (`"timeout": 5`) is refused with its name rather than silently ignored.
export const SearchRequest = z
  .strictObject({
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

export const SearchResponse = z
  .object({
    results: z.array(SearchResult),
    types: z.string().openapi({
      description:
        'Declarations of the named types the results use (`declare namespace github { type Issue = {...}; }`), ' +
        'each once, nearest first, bounded; types past the bound are named with where to read them',
    }),
  })
  .openapi('SearchResponse');

export { SESSION_PATTERN } from '../execute/session-id.ts';

export const ExecuteRequest = z
  .strictObject({
    code: z.string().min(1).openapi({
      example: "const task = await demo.createTask({ body: { title: 'Try duet' } });\nreturn task;",
    }),
    session: z
      .string()
      .regex(SESSION_PATTERN, { error: `a session id is ${SESSION_RULE}` })
      .optional()
      .openapi({ description: `Session whose state the run sees: ${SESSION_RULE}` }),
    timeoutMs: z.number().int().min(1).optional().openapi({
      description:
        "The run's time limit in ms, up to the server's maximum (the larger of its timeoutMs limit and 60000)",
    }),
    typecheck: z
      .boolean()
      .optional()
      .openapi({ description: 'false skips the type-check (the syntax check still runs)' }),
    dryRun: z
      .boolean()
      .optional()
      .openapi({
        description:
          'Plan instead of act (needs a session): GET/HEAD calls are sent, other calls are recorded but not ' +
          'sent, state writes are discarded; approve the returned plan with POST /v1/sessions/{id}/approvals',
      }),
  })
  .openapi('ExecuteRequest');

const PlannedCall = z
  .object({
    index: z.number(),
    api: z.string(),
    name: z.string(),
    method: z.string(),
    path: z.string(),
    args: z.unknown(),
    outcome: z.enum(['applied', 'not-sent', 'unknown']).optional(),
    status: z.number().optional(),
  })
  .openapi('PlannedCall');

export const Plan = z
  .object({ id: z.string(), status: z.enum(['pending', 'applied']), calls: z.array(PlannedCall) })
  .openapi('Plan');

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
        rule: z.string().optional().openapi({ description: 'For `policy`: the rule that refused' }),
        retryAfterSeconds: z.number().optional(),
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
        outcome: z.enum(['refused', 'not-sent', 'unknown']).optional(),
        rule: z.string().optional(),
      }),
    ),
    durationMs: z.number(),
    plan: Plan.optional(),
    replayed: z.boolean().optional(),
  })
  .openapi('ExecuteResponse');

export const ApprovalRequest = z
  .strictObject({ plan: z.string().min(1).max(100).openapi({ description: "The dry run's plan.id" }) })
  .openapi('ApprovalRequest');

const AuditCall = z.object({
  api: z.string(),
  name: z.string(),
  method: z.string(),
  path: z.string(),
  status: z.number(),
  durationMs: z.number(),
  outcome: z.enum(['applied', 'refused', 'not-sent', 'unknown']),
  rule: z.string().optional(),
});

export const AuditEntry = z
  .object({
    seq: z.number(),
    time: z.string(),
    tenant: z.string(),
    session: z.string(),
    mode: z.enum(['run', 'dry-run', 'approval']),
    plan: z.string().optional(),
    code: z.string(),
    codeSha256: z.string(),
    typecheck: z.enum(['passed', 'failed', 'syntax', 'skipped']),
    calls: z.array(AuditCall),
    ok: z.boolean(),
    errorKind: z.string().optional(),
    error: z.string().optional(),
    rule: z.string().optional(),
    durationMs: z.number(),
  })
  .openapi('AuditEntry');

export const AuditPage = z
  .object({
    session: z.string(),
    entries: z.array(AuditEntry),
    next: z.number().optional().openapi({ description: 'Pass as `after` for the next page' }),
  })
  .openapi('AuditPage');

export const AuditQuery = z.object({
  after: z.coerce.number().int().min(0).optional().openapi({ description: 'Entries after this seq' }),
  limit: z.coerce.number().int().min(1).max(1000).optional().openapi({ description: 'Default 100' }),
  format: z
    .enum(['json', 'jsonl'])
    .optional()
    .openapi({ description: '`jsonl`: every entry after `after`, one JSON object per line' }),
});

export const SessionState = z
  .object({ session: z.string(), state: z.record(z.string(), z.unknown()) })
  .openapi('SessionState');

export const SessionListQuery = z.object({
  cursor: z.string().max(2000).optional().openapi({ description: '`next` of the previous page' }),
  limit: z.coerce.number().int().min(1).max(200).optional().openapi({ description: 'Default 50' }),
  q: z
    .string()
    .max(128)
    .optional()
    .openapi({ description: 'Only sessions whose id contains this (any case)' }),
});

export const SessionListEntry = z
  .object({
    session: z.string(),
    runs: z.number().openapi({ description: 'Executions in its audit trail' }),
    lastActivity: z.string().optional().openapi({ description: 'ISO time its latest run started' }),
    pendingApprovals: z.number().openapi({ description: 'Dry-run plans waiting for approval' }),
  })
  .openapi('SessionListEntry');

export const SessionList = z
  .object({
    sessions: z.array(SessionListEntry),
    next: z.string().optional().openapi({ description: 'Pass as `cursor` for the next page' }),
  })
  .openapi('SessionList');

export const StoredPlanBody = z
  .object({
    id: z.string(),
    created: z.string(),
    status: z.enum(['pending', 'applying', 'applied', 'rejected']),
    code: z.string(),
    calls: z.array(PlannedCall),
    rejected: z.string().optional().openapi({ description: 'ISO time it was rejected' }),
    response: z
      .object({ ok: z.boolean(), result: z.unknown().optional(), error: ExecuteResponse.shape.error })
      .optional()
      .openapi({ description: "The approved run's outcome" }),
  })
  .openapi('StoredPlan');

export const SessionSummary = z
  .object({
    session: z.string(),
    runs: z.number(),
    lastActivity: z.string().optional(),
    pendingApprovals: z.number(),
    plans: z.array(StoredPlanBody).openapi({ description: 'Newest first, at most 50' }),
  })
  .openapi('SessionSummary');

export const RejectionRequest = z
  .strictObject({ plan: z.string().min(1).max(100).openapi({ description: "The dry run's plan.id" }) })
  .openapi('RejectionRequest');

export const CheckRequest = z
  .strictObject({
    code: z
      .string()
      .min(1)
      .max(200_000)
      .openapi({ example: "return await demo.listTasks({ done: 'true' });" }),
  })
  .openapi('CheckRequest');

export const CheckResponse = z
  .object({
    diagnostics: z
      .array(z.object({ message: z.string(), line: z.number().optional(), column: z.number().optional() }))
      .openapi({
        description: 'Empty: the snippet would run. `line` and `column` are 1-based in the code sent',
      }),
    checked: z.enum(['types', 'syntax']).openapi({
      description:
        '`types`: type-checked against the catalog; `syntax`: only parsed (no type checker on this runtime)',
    }),
  })
  .openapi('CheckResponse');
