/** POST /v1/check: the type-check a run would do, alone, so an editor can show diagnostics before running. */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Executor } from '../execute/executor.ts';
import { CheckRequest, CheckResponse, ErrorBody } from './schemas.ts';

const checkRoute = createRoute({
  method: 'post',
  path: '/v1/check',
  tags: ['tools'],
  summary: 'Type-check a snippet against the catalog without running it',
  description:
    'The diagnostics `POST /v1/execute` would answer with error kind `typecheck`, on the lines of the code ' +
    'sent. Nothing runs and nothing is audited; policy is not checked (it needs the calls a run makes).',
  request: { body: { content: { 'application/json': { schema: CheckRequest } }, required: true } },
  responses: {
    200: { content: { 'application/json': { schema: CheckResponse } }, description: 'The diagnostics' },
    400: { content: { 'application/json': { schema: ErrorBody } }, description: 'Bad request' },
  },
});

export function registerCheckRoute(app: OpenAPIHono, executor: Executor): void {
  app.openapi(checkRoute, async (c) => c.json(await executor.check(c.req.valid('json').code), 200));
}
