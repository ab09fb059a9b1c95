/**
 * The agent over HTTP in the AI SDK UI message stream protocol v1, so `useChat` from `@ai-sdk/react` and
 * other AI SDK clients work against it: send a message, read the history, resume the running turn's
 * stream, stop it. Approvals and rejections of a plan a turn waits for pick the turn up again.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Agent } from '../agent/agent.ts';
import { UI_MESSAGE_STREAM_HEADERS } from '../agent/stream/chunks.ts';
import { jsonError } from './errors.ts';
import { ErrorBody, SESSION_PATTERN } from './schemas.ts';

export interface AgentRoutesDeps {
  /** Absent when the server has no model (`--llm-url`/`--llm-model`): the routes answer 501 saying so. */
  agent?: Agent;
  tenantOf(c: Context): string;
}

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const sse = (description: string) => ({
  content: {
    'text/event-stream': {
      schema: z.string().openapi({
        description:
          'Server-sent events, each `data:` a UI message chunk (start, start-step, text-start/-delta/-end, ' +
          'tool-input-start/-delta/-available, tool-output-available/-error, data-log (transient: an ' +
          "execute's console line as it is written), data-approval (a plan waiting for a person), " +
          'finish-step, finish, abort, error) with `id: SEGMENT:SEQ` for Last-Event-ID; then `data: [DONE]`',
      }),
    },
  },
  description,
});

const params = z.object({ id: z.string().regex(SESSION_PATTERN) });

const UIMessageSchema = z
  .object({
    id: z.string(),
    role: z.enum(['user', 'assistant']),
    metadata: z.record(z.string(), z.unknown()).optional(),
    parts: z.array(z.record(z.string(), z.unknown())),
  })
  .openapi('UIMessage');

const TurnSummary = z
  .object({
    id: z.string(),
    status: z.enum(['running', 'awaiting-approval', 'done', 'stopped', 'failed']),
    steps: z.number().openapi({ description: 'Model steps completed' }),
    usage: z.object({
      inputTokens: z.number(),
      outputTokens: z.number(),
      modelCalls: z.number(),
      estimated: z
        .boolean()
        .optional()
        .openapi({ description: 'Counted by duet: the provider reported none' }),
    }),
    error: z.string().optional(),
  })
  .openapi('TurnSummary');

// Strict like every request here, but with the fields `useChat`'s default transport sends beside `messages`.
const MessageRequest = z
  .strictObject({
    content: z.string().min(1).max(100_000).optional().openapi({ description: "The user's message" }),
    messages: z
      .array(
        z.looseObject({
          id: z.string().optional(),
          role: z.string(),
          parts: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })).optional(),
        }),
      )
      .max(10_000)
      .optional()
      .openapi({
        description:
          "Instead of content, as AI SDK clients send it: the last user message's text parts are the message " +
          '(the server keeps the history; earlier messages are not read)',
      }),
    id: z.string().optional().openapi({ description: 'Sent by AI SDK clients (the chat id); not read' }),
    trigger: z.string().optional().openapi({ description: 'Sent by AI SDK clients; not read' }),
    messageId: z.string().optional().openapi({ description: 'Sent by AI SDK clients; not read' }),
  })
  .openapi('MessageRequest');

const sendRoute = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/messages',
  tags: ['agent'],
  summary: 'Send a message: the agent runs a turn (search, execute, answer), streamed',
  description:
    'Answers the turn as an AI SDK UI message stream (SSE, header `x-vercel-ai-ui-message-stream: v1`), or, ' +
    'with `Accept: application/json`, as one document once the turn ends or pauses. The turn is kept in the ' +
    'session step by step: a client that goes away leaves it running (resume with GET .../stream), a server ' +
    'that stops picks it up again after a restart without running a finished execute again. A write that ' +
    'needs approval pauses the turn with a `data-approval` part; POST .../approvals or .../rejections with ' +
    'its plan picks it up. 409 while a turn runs or waits; 501 on a server without a model.',
  request: {
    params,
    body: { content: { 'application/json': { schema: MessageRequest } }, required: true },
  },
  responses: {
    200: {
      ...sse('The turn as it happens'),
      content: {
        ...sse('').content,
        'application/json': {
          schema: z.object({ session: z.string(), turn: TurnSummary, messages: z.array(UIMessageSchema) }),
        },
      },
      description: 'The turn: streamed, or (Accept: application/json) the user message and the answer',
    },
    400: json(ErrorBody, 'No message in the request'),
    409: json(ErrorBody, 'A turn is running or waits for an approval'),
    501: json(ErrorBody, 'The server has no model'),
  },
});

const historyRoute = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/messages',
  tags: ['agent'],
  summary: 'The conversation as AI SDK UI messages (parts), oldest first',
  description:
    'Each turn is a user message and an assistant message whose parts are what its stream showed: step-start, ' +
    'text, tool-search / tool-execute (input, then output or errorText) and data-approval. The assistant ' +
    "message's metadata has the turn's status and token usage. Picks up a turn that was cut off.",
  request: { params },
  responses: {
    200: json(
      z.object({ session: z.string(), messages: z.array(UIMessageSchema), turn: TurnSummary.optional() }),
      'The messages and the latest turn',
    ),
    404: json(ErrorBody, 'Unknown session'),
    501: json(ErrorBody, 'The server has no model'),
  },
});

const streamRoute = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/stream',
  tags: ['agent'],
  summary: "Resume the running turn's stream",
  description:
    'From the start of the turn, or after the chunk named by `Last-Event-ID` (or `?lastEventId=`). Every chunk ' +
    'is kept in the session, so this works from any client, after a disconnect and after a restart (chunks of ' +
    'a step cut off by a crash are made again). 204 when no turn runs (finished, stopped, waiting for approval).',
  request: {
    params,
    query: z.object({ lastEventId: z.string().max(64).optional() }),
  },
  responses: {
    200: sse('The rest of the turn'),
    204: { description: 'No turn runs' },
    501: json(ErrorBody, 'The server has no model'),
  },
});

const stopRoute = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/stop',
  tags: ['agent'],
  summary: 'Stop the running (or waiting) turn',
  description:
    'The model call is cut, a running execute ends (its outcome is audited), and the stream ends with an ' +
    '`abort` chunk. A client that only disconnects does not stop the turn. A plan the turn waited for stays ' +
    'pending.',
  request: { params },
  responses: {
    200: json(
      z.object({ session: z.string(), stopped: z.boolean(), turn: TurnSummary.optional() }),
      '`stopped: false` when no turn was running',
    ),
    501: json(ErrorBody, 'The server has no model'),
  },
});

/** The user's text: `content`, or the text parts of the last user message an AI SDK client sent. */
function userMessage(body: z.infer<typeof MessageRequest>): { text: string; id?: string } | undefined {
  if (body.content !== undefined) return { text: body.content };
  const last = body.messages?.findLast((message) => message.role === 'user');
  const text = last?.parts
    ?.filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join('\n');
  return text ? { text, ...(last?.id && { id: last.id }) } : undefined;
}

function noModel(c: Context): Response {
  return jsonError(
    c,
    501,
    'unsupported' as never,
    'this server has no model for the agent: start it with --llm-url URL --llm-model NAME (key in env DUET_LLM_KEY)',
  );
}

/**
 * Registers the agent's routes, and the hooks that pick a waiting turn up once its plan is approved or
 * rejected; call it before the approval route is registered (a middleware runs only before later handlers).
 */
export function registerAgentRoutes(app: OpenAPIHono, deps: AgentRoutesDeps): void {
  const { agent } = deps;
  const scope = (c: Context) => ({ tenant: deps.tenantOf(c) });

  // A decided plan: the turn waiting for it (if any) goes on, in the background.
  app.use('/v1/sessions/:id/approvals', async (c, next) => {
    await next();
    if (agent && c.res.status === 200) void agent.resume(c.req.param('id'), scope(c)).catch(() => {});
  });
  app.use('/v1/sessions/:id/rejections', async (c, next) => {
    await next();
    if (agent && c.res.status === 200) void agent.resume(c.req.param('id'), scope(c)).catch(() => {});
  });

  app.openapi(sendRoute, async (c) => {
    if (!agent) return noModel(c) as never;
    const { id } = c.req.valid('param');
    const message = userMessage(c.req.valid('json'));
    if (!message)
      return jsonError(
        c,
        400,
        'bad_request',
        "send {content: 'your message'} (or AI SDK messages with a user text part)",
      ) as never;
    const sent = await agent.send(id, message, scope(c));
    if (!sent.ok)
      return c.json(
        { ok: false, error: { kind: 'conflict', message: sent.message }, turn: sent.turn },
        409,
      ) as never;
    if (
      /application\/json/i.test(c.req.header('accept') ?? '') &&
      !/text\/event-stream/i.test(c.req.header('accept') ?? '')
    ) {
      const turn = await agent.settled(id, scope(c));
      const history = await agent.messages(id, scope(c));
      const messages = history?.messages ?? [];
      const user = messages.findLastIndex((m) => m.role === 'user');
      return c.json({ session: id, turn, messages: user < 0 ? [] : messages.slice(user) }, 200) as never;
    }
    return new Response(sent.live.readable(0), { status: 200, headers: UI_MESSAGE_STREAM_HEADERS }) as never;
  });

  app.openapi(historyRoute, async (c) => {
    if (!agent) return noModel(c) as never;
    const { id } = c.req.valid('param');
    const history = await agent.messages(id, scope(c));
    if (!history) return jsonError(c, 404, 'not_found', `no session '${id}'`) as never;
    return c.json({ session: id, ...history }, 200) as never;
  });

  app.openapi(streamRoute, async (c) => {
    if (!agent) return noModel(c) as never;
    const { id } = c.req.valid('param');
    const after = c.req.header('last-event-id') ?? c.req.valid('query').lastEventId;
    const body = await agent.stream(id, scope(c), after);
    if (!body) return c.body(null, 204) as never;
    return new Response(body, { status: 200, headers: UI_MESSAGE_STREAM_HEADERS }) as never;
  });

  app.openapi(stopRoute, async (c) => {
    if (!agent) return noModel(c) as never;
    const { id } = c.req.valid('param');
    return c.json({ session: id, ...(await agent.stop(id, scope(c))) }, 200) as never;
  });
}
