/** The duet HTTP API: Hono with @hono/zod-openapi, documented at /openapi.json and /docs. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Agent } from '../agent/agent.ts';
import { readAudit } from '../audit/log.ts';
import { settleInterrupted } from '../audit/run-journal.ts';
import type { Logger } from '../audit/telemetry.ts';
import type { Catalog } from '../catalog/index.ts';
import type { Executor } from '../execute/executor.ts';
import type { SessionStore } from '../execute/state.ts';
import type { Sandbox } from '../sandbox/types.ts';
import type { SearchIndex } from '../search/types.ts';
import type { Authenticator } from '../tenant/auth.ts';
import { registerAgentRoutes } from './agent-routes.ts';
import { limitBodySize } from './body-limit.ts';
import { registerCheckRoute } from './check-route.ts';
import { consoleRoutes, isConsolePath, registerInfoRoute } from './console/index.ts';
import { type DocsAssets, docsRoutes, isDocsPath } from './docs.ts';
import { describeIssues, jsonError } from './errors.ts';
import {
  ApprovalRequest,
  AuditPage,
  AuditQuery,
  ErrorBody,
  ExecuteRequest,
  ExecuteResponse,
  SESSION_PATTERN,
  SearchRequest,
  SearchResponse,
  SessionState,
} from './schemas.ts';
import { registerSessionRoutes } from './sessions-routes.ts';
import { runSearch } from './tools.ts';

export interface AppOptions {
  catalog: Catalog;
  search: SearchIndex;
  executor: Executor;
  /** Runs `code` searches; without it only `query` searches work. */
  sandbox?: Sandbox;
  sessions?: SessionStore;
  /** Largest accepted request body (default 1 MiB). */
  maxBodyBytes?: number;
  /** Other Hono apps served under a path prefix, e.g. the demo API under /demo. */
  mounts?: Record<string, Hono<any, any, any>>;
  version?: string;
  /** Bearer tokens to tenants; when tokens are configured every route but /healthz, /docs and /openapi.json needs one. */
  auth?: Authenticator;
  /** One record per search (executions are logged by the executor). */
  log?: Logger;
  /** The swagger-ui-dist files for the /docs explorer, from the runtime adapter; without them /docs links /openapi.json. */
  docsAssets?: DocsAssets;
  /** The search + execute agent (a model configured); without it the agent's routes answer 501. */
  agent?: Agent;
}

/** Routes anyone may read: liveness and the generic API description (no catalog, no data), and /docs/*. */
const OPEN_PATHS = new Set(['/healthz', '/openapi.json', '/']);
const BEARER = 'bearer';
const TENANT = 'duet.tenant';

/** The tenant the request authenticated as ('' without configured tokens). */
export function tenantOf(c: Context): string {
  return ((c.get as (key: string) => unknown)(TENANT) as string | undefined) ?? '';
}

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const errors = {
  400: json(ErrorBody, 'Bad request: malformed JSON or invalid fields'),
  413: json(ErrorBody, 'Request body too large'),
};

const healthRoute = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['meta'],
  summary: 'Liveness check',
  security: [],
  responses: { 200: json(z.object({ ok: z.literal(true) }), 'The server is up') },
});

const searchRoute = createRoute({
  method: 'post',
  path: '/v1/search',
  tags: ['tools'],
  summary: 'Search the API catalog for operations',
  request: { body: { content: { 'application/json': { schema: SearchRequest } }, required: true } },
  responses: { 200: json(SearchResponse, 'Ranked operations with their TypeScript declarations'), ...errors },
});

const executeRoute = createRoute({
  method: 'post',
  path: '/v1/execute',
  tags: ['tools'],
  summary: 'Run a TypeScript snippet against the catalog in the sandbox',
  description:
    'The code is the body of an async function: `return` gives the result. Outcomes of a valid request ' +
    '(including guest errors, timeouts and type errors) answer 200 with `ok: false` and an error kind.',
  request: { body: { content: { 'application/json': { schema: ExecuteRequest } }, required: true } },
  responses: { 200: json(ExecuteResponse, 'The outcome of the run'), ...errors },
});

const stateRoute = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/state',
  tags: ['sessions'],
  summary: "A session's durable state",
  request: { params: z.object({ id: z.string().regex(SESSION_PATTERN) }) },
  responses: { 200: json(SessionState, 'The state'), 404: json(ErrorBody, 'Unknown session'), ...errors },
});

const auditRoute = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/audit',
  tags: ['sessions'],
  summary: "A session's audit trail, one entry per execution, oldest first",
  description:
    'Pages by `after` (the last seq seen) and `limit`; `format=jsonl` (or `Accept: application/x-ndjson`) ' +
    'exports every entry after `after` as JSON Lines.',
  request: { params: z.object({ id: z.string().regex(SESSION_PATTERN) }), query: AuditQuery },
  responses: {
    200: {
      content: {
        'application/json': { schema: AuditPage },
        'application/x-ndjson': { schema: z.string().openapi({ description: 'One AuditEntry per line' }) },
      },
      description: 'The entries',
    },
    404: json(ErrorBody, 'Unknown session'),
    ...errors,
  },
});

const approvalRoute = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/approvals',
  tags: ['sessions'],
  summary: "Approve a dry run's plan and apply it, once",
  description:
    'Runs the planned snippet for real; a call that changes something must be one the plan recorded (same ' +
    'operation and arguments), or the run ends with a `policy` error. Retrying an approval answers the ' +
    'first outcome (`replayed: true`) without sending anything again.',
  request: {
    params: z.object({ id: z.string().regex(SESSION_PATTERN) }),
    body: { content: { 'application/json': { schema: ApprovalRequest } }, required: true },
  },
  responses: {
    200: json(ExecuteResponse, 'The outcome of the approved run, with each planned call'),
    404: json(ErrorBody, 'Unknown session or plan'),
    429: json(ExecuteResponse, 'Rate limited'),
    ...errors,
  },
});

/** HTTP status of an execute outcome: 200 whatever the snippet did, except for these kinds. */
function statusOf(c: Context, response: { error?: { kind: string; retryAfterSeconds?: number } }) {
  const kind = response.error?.kind;
  if (kind === 'overloaded' || kind === 'rate_limit')
    c.header('Retry-After', String(response.error?.retryAfterSeconds ?? 1));
  return kind === 'bad_request' ? 400 : kind === 'overloaded' ? 503 : kind === 'rate_limit' ? 429 : 200;
}

export function createApp(options: AppOptions): OpenAPIHono {
  const { catalog, search, executor } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (result.success) return;
      const type = c.req.header('content-type') ?? '';
      if (c.req.method === 'POST' && !/json/i.test(type)) {
        return jsonError(c, 415, 'bad_request', 'send a JSON body with Content-Type: application/json');
      }
      const message = describeIssues(result.error.issues);
      if (c.req.path === '/v1/execute') {
        return c.json(
          { ok: false, error: { kind: 'bad_request', message }, logs: [], calls: [], durationMs: 0 },
          400,
        );
      }
      return jsonError(c, 400, 'bad_request', message);
    },
  });

  const auth = options.auth;
  if (auth?.required) {
    app.use('*', async (c, next) => {
      if (OPEN_PATHS.has(c.req.path) || isDocsPath(c.req.path) || isConsolePath(c.req.path)) return next();
      const tenant = await auth.authenticate(c.req.header('authorization'));
      if (tenant === undefined) {
        c.header('WWW-Authenticate', 'Bearer realm="duet"');
        return jsonError(c, 401, 'unauthorized', 'send Authorization: Bearer TOKEN with a token of a tenant');
      }
      (c.set as (key: string, value: unknown) => void)(TENANT, tenant);
      await next();
    });
  }

  const limitBody = limitBodySize(maxBodyBytes, (c) =>
    jsonError(c, 413, 'payload_too_large', `request body exceeds ${maxBodyBytes} bytes`),
  );
  app.use('/v1/*', limitBody);
  app.use('/mcp', limitBody);

  app.openapi(healthRoute, (c) => c.json({ ok: true as const }, 200));

  app.openapi(searchRoute, async (c) => {
    const outcome = await runSearch(
      { catalog, search, sandbox: options.sandbox, log: options.log, tenant: tenantOf(c) },
      c.req.valid('json'),
    );
    if (!outcome.ok)
      return jsonError(c, 400, outcome.error.kind as 'bad_request', outcome.error.message) as never;
    return c.json({ results: outcome.results, types: outcome.types }, 200);
  });

  app.openapi(executeRoute, async (c) => {
    const response = await executor.execute(c.req.valid('json'), { tenant: tenantOf(c) });
    return c.json(response, statusOf(c, response)) as never;
  });

  app.openapi(stateRoute, async (c) => {
    const { id } = c.req.valid('param');
    const state = await options.sessions?.snapshot(id, { tenant: tenantOf(c) });
    if (!state) return jsonError(c, 404, 'not_found', `no session '${id}'`) as never;
    return c.json({ session: id, state }, 200);
  });

  app.openapi(auditRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { after = 0, limit = 100, format } = c.req.valid('query');
    const scope = { tenant: tenantOf(c) };
    const sessions = options.sessions;
    const read = (from: number, count: number) =>
      sessions?.inspect
        ? sessions.inspect(
            id,
            async (turn) => {
              // A run cut off by a crash shows in the trail even before the session runs again.
              await settleInterrupted(turn);
              return readAudit(turn.records, { after: from, limit: count });
            },
            scope,
          )
        : Promise.resolve(undefined);
    const lines =
      format === 'jsonl' || (!format && /application\/x-ndjson/i.test(c.req.header('accept') ?? ''));
    const first = await read(after, lines ? 500 : limit);
    if (!first) return jsonError(c, 404, 'not_found', `no session '${id}'`) as never;
    if (!lines) return c.json({ session: id, ...first }, 200);
    let page: typeof first | undefined = first;
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!page) return controller.close();
        const text = page.entries.map((entry) => `${JSON.stringify(entry)}\n`).join('');
        if (text) controller.enqueue(encoder.encode(text));
        page = page.next === undefined ? undefined : await read(page.next, 500);
      },
    });
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': 'application/x-ndjson; charset=utf-8',
        'content-disposition': `attachment; filename="${id}.audit.jsonl"`,
      },
    }) as never;
  });

  // Before the approval route: its hooks pick up a turn waiting for the plan approved.
  registerAgentRoutes(app, { agent: options.agent, tenantOf });

  app.openapi(approvalRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { plan } = c.req.valid('json');
    const response = await executor.approve(id, plan, { tenant: tenantOf(c) });
    if (!response) return jsonError(c, 404, 'not_found', `no plan '${plan}' in session '${id}'`) as never;
    return c.json(response, statusOf(c, response)) as never;
  });

  registerCheckRoute(app, executor);
  registerSessionRoutes(app, { sessions: options.sessions, tenantOf });
  registerInfoRoute(app, {
    catalog,
    version: options.version,
    checks: executor.checks,
    sessionsList: Boolean(options.sessions?.list && options.sessions.inspect),
    // The agent's routes are always documented; they work when a model is configured.
    agent: () => options.agent !== undefined,
    tenantOf,
  });

  // With tokens configured the document says so, which gives the /docs explorer its Authorize button.
  if (auth?.required) {
    app.openAPIRegistry.registerComponent('securitySchemes', BEARER, {
      type: 'http',
      scheme: 'bearer',
      description: "A tenant's token, from `--token TENANT=SECRET` or the policy file",
    });
  }
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    ...(auth?.required ? { security: [{ [BEARER]: [] }] } : {}),
    info: {
      title: 'duet',
      version: options.version ?? '0.0.0',
      description: 'Search and execute over real APIs: two tools for AI agents.',
    },
  });
  app.route('/', docsRoutes(options.docsAssets));
  app.route('/', consoleRoutes({ auth: Boolean(auth?.required), version: options.version ?? '0.0.0' }));
  // The MCP SDK (with ajv and zod 3) loads on the first /mcp request, not before the server listens.
  app.on(['GET', 'POST', 'DELETE'], '/mcp', async (c) =>
    (await import('./mcp.ts')).handleMcpRequest(c.req.raw, {
      catalog,
      search,
      executor,
      sandbox: options.sandbox,
      version: options.version,
      tenant: tenantOf(c),
      log: options.log,
    }),
  );
  app.get('/', (c) => c.redirect('/docs'));

  for (const [prefix, mounted] of Object.entries(options.mounts ?? {})) app.route(prefix, mounted);

  app.notFound((c) => jsonError(c, 404, 'not_found', `no route for ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      const status = error.status;
      const kind = status === 413 ? 'payload_too_large' : status === 401 ? 'unauthorized' : 'bad_request';
      return jsonError(c, status as 400, kind, error.message || 'bad request');
    }
    console.error(
      JSON.stringify({ level: 'error', msg: 'unhandled error', path: c.req.path, error: String(error) }),
    );
    return jsonError(c, 500, 'internal', 'internal error: the server log has the details');
  });
  return app;
}
