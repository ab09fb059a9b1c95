/** GET /v1/info: what this server offers, for the console (and any client) to show only what works. */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Catalog } from '../../catalog/index.ts';

export interface InfoDeps {
  catalog: Catalog;
  version?: string;
  checks: 'types' | 'syntax';
  /** Whether the session store can list sessions (GET /v1/sessions). */
  sessionsList: boolean;
  /** Whether a model is configured for the agent routes (/v1/sessions/{id}/messages). */
  agent(): boolean;
  tenantOf(c: Context): string;
}

const Info = z
  .object({
    version: z.string(),
    tenant: z.string().openapi({ description: "The request's tenant ('' without configured tokens)" }),
    apis: z.array(z.object({ name: z.string(), operations: z.number() })),
    typecheck: z.enum(['types', 'syntax']).openapi({
      description: '`types`: snippets are type-checked against the catalog; `syntax`: only parsed (Workers)',
    }),
    sessionsList: z.boolean().openapi({ description: 'GET /v1/sessions lists sessions on this server' }),
    agent: z.boolean().openapi({ description: 'An agent model is configured: the /messages routes answer' }),
  })
  .openapi('Info');

const infoRoute = createRoute({
  method: 'get',
  path: '/v1/info',
  tags: ['meta'],
  summary: 'What this server offers: its APIs, type-checking, session listing, the agent',
  responses: { 200: { content: { 'application/json': { schema: Info } }, description: 'The server' } },
});

export function registerInfoRoute(app: OpenAPIHono, deps: InfoDeps): void {
  app.openapi(infoRoute, (c) =>
    c.json(
      {
        version: deps.version ?? '0.0.0',
        tenant: deps.tenantOf(c),
        apis: deps.catalog.apis.map((api) => ({ name: api.name, operations: api.operations.length })),
        typecheck: deps.checks,
        sessionsList: deps.sessionsList,
        agent: deps.agent(),
      },
      200,
    ),
  );
}
