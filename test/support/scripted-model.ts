/**
 * Model servers written for the tests: real HTTP servers on 127.0.0.1 that speak OpenAI's Chat Completions
 * or Anthropic's Messages API, streaming (SSE), and answer each round trip from a script that reads the
 * conversation so far (what the tools returned). Every request is recorded, so a test counts round trips
 * and tokens; a step can be held until the test lets it go (to kill or stop duet mid-turn).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Provider = 'openai' | 'anthropic';

/** The conversation as the script reads it, whatever the provider. */
export type ScriptMessage =
  | { role: 'user'; text: string }
  | { role: 'assistant'; text: string; toolCalls: { id: string; name: string; input: any }[] }
  | { role: 'tool'; toolCallId: string; content: string; isError?: boolean };

export interface ScriptRequest {
  /** 0 for the first round trip this server answers. */
  index: number;
  system: string;
  messages: ScriptMessage[];
  /** Names of the tools offered. */
  tools: string[];
  /** The tool definitions as sent, for counting their size. */
  toolDefinitions: unknown[];
  body: any;
}

export type ScriptReply =
  | {
      text?: string;
      toolCalls?: { name: string; input: unknown }[];
      usage?: { input: number; output: number };
    }
  /** An HTTP error instead of an answer. */
  | { status: number; body: string; headers?: Record<string, string> };

export type Script = (request: ScriptRequest) => ScriptReply | Promise<ScriptReply>;

export interface ScriptedModel {
  /** The API root to give duet (`--llm-url`): ends in /v1. */
  url: string;
  provider: Provider;
  requests: ScriptRequest[];
  /** Requests whose client went away before the answer was finished (a stopped turn). */
  aborted: number;
  close(): Promise<void>;
}

export async function startScriptedModel(provider: Provider, script: Script): Promise<ScriptedModel> {
  const requests: ScriptRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const model: ScriptedModel = {
    url: '',
    provider,
    requests,
    aborted: 0,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer(async (req, res) => {
    const body = JSON.parse(await readBody(req));
    const path = new URL(req.url!, 'http://x').pathname;
    const expected = provider === 'openai' ? '/v1/chat/completions' : '/v1/messages';
    if (req.method !== 'POST' || path !== expected) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: { message: `no route ${req.method} ${path}` } }));
    }
    const request: ScriptRequest = {
      index: requests.length,
      system: provider === 'openai' ? (body.messages[0]?.content ?? '') : body.system,
      messages: provider === 'openai' ? fromOpenAi(body.messages) : fromAnthropic(body.messages),
      tools: (body.tools ?? []).map((tool: any) => tool.function?.name ?? tool.name),
      toolDefinitions: body.tools ?? [],
      body,
    };
    requests.push(request);
    let closed = false;
    res.on('close', () => {
      if (!res.writableFinished) {
        closed = true;
        model.aborted++;
      }
    });
    let reply: ScriptReply;
    try {
      reply = await script(request);
    } catch (error) {
      reply = { status: 500, body: JSON.stringify({ error: { message: String(error) } }) };
    }
    if (closed) return;
    if ('status' in reply) {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      return res.end(reply.body);
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const events =
      provider === 'openai' ? openAiEvents(reply, request.index) : anthropicEvents(reply, request.index);
    for (const event of events) res.write(event);
    res.end();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  model.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return model;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function fromOpenAi(messages: any[]): ScriptMessage[] {
  const out: ScriptMessage[] = [];
  for (const message of messages) {
    if (message.role === 'user') out.push({ role: 'user', text: message.content });
    else if (message.role === 'assistant')
      out.push({
        role: 'assistant',
        text: message.content ?? '',
        toolCalls: (message.tool_calls ?? []).map((call: any) => ({
          id: call.id,
          name: call.function.name,
          input: JSON.parse(call.function.arguments),
        })),
      });
    else if (message.role === 'tool')
      out.push({ role: 'tool', toolCallId: message.tool_call_id, content: message.content });
  }
  return out;
}

function fromAnthropic(messages: any[]): ScriptMessage[] {
  const out: ScriptMessage[] = [];
  for (const message of messages) {
    const blocks = message.content as any[];
    if (message.role === 'assistant') {
      out.push({
        role: 'assistant',
        text: blocks
          .filter((b) => b.type === 'text')
          .map((b) => b.text)
          .join(''),
        toolCalls: blocks
          .filter((b) => b.type === 'tool_use')
          .map((b) => ({ id: b.id, name: b.name, input: b.input })),
      });
      continue;
    }
    for (const block of blocks) {
      if (block.type === 'text') out.push({ role: 'user', text: block.text });
      else if (block.type === 'tool_result')
        out.push({
          role: 'tool',
          toolCallId: block.tool_use_id,
          content: block.content,
          isError: block.is_error,
        });
    }
  }
  return out;
}

const sse = (value: unknown, event?: string) =>
  `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(value)}\n\n`;

/** Text in a few pieces, tool arguments in two, usage in the last chunk, as OpenAI streams them. */
function openAiEvents(reply: Exclude<ScriptReply, { status: number }>, index: number): string[] {
  const out: string[] = [];
  const chunk = (delta: unknown, finish: string | null = null) =>
    sse({
      id: `chatcmpl-${index}`,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
  out.push(chunk({ role: 'assistant', content: '' }));
  for (const piece of pieces(reply.text ?? '')) out.push(chunk({ content: piece }));
  (reply.toolCalls ?? []).forEach((call, i) => {
    const args = JSON.stringify(call.input);
    const half = Math.floor(args.length / 2);
    out.push(
      chunk({
        tool_calls: [
          {
            index: i,
            id: `call_${index}_${i}`,
            type: 'function',
            function: { name: call.name, arguments: args.slice(0, half) },
          },
        ],
      }),
    );
    out.push(chunk({ tool_calls: [{ index: i, function: { arguments: args.slice(half) } }] }));
  });
  out.push(chunk({}, reply.toolCalls?.length ? 'tool_calls' : 'stop'));
  if (reply.usage) {
    out.push(
      sse({
        id: `chatcmpl-${index}`,
        choices: [],
        usage: { prompt_tokens: reply.usage.input, completion_tokens: reply.usage.output },
      }),
    );
  }
  out.push('data: [DONE]\n\n');
  return out;
}

/** message_start, content blocks (text deltas, tool_use with input_json_delta), message_delta, message_stop. */
function anthropicEvents(reply: Exclude<ScriptReply, { status: number }>, index: number): string[] {
  const out: string[] = [];
  const usage = reply.usage ?? { input: 0, output: 0 };
  out.push(
    sse(
      {
        type: 'message_start',
        message: {
          id: `msg_${index}`,
          role: 'assistant',
          content: [],
          usage: { input_tokens: usage.input, output_tokens: 1 },
        },
      },
      'message_start',
    ),
  );
  let block = 0;
  if (reply.text) {
    out.push(
      sse(
        { type: 'content_block_start', index: block, content_block: { type: 'text', text: '' } },
        'content_block_start',
      ),
    );
    out.push(sse({ type: 'ping' }, 'ping'));
    for (const piece of pieces(reply.text))
      out.push(
        sse(
          { type: 'content_block_delta', index: block, delta: { type: 'text_delta', text: piece } },
          'content_block_delta',
        ),
      );
    out.push(sse({ type: 'content_block_stop', index: block }, 'content_block_stop'));
    block++;
  }
  for (const [i, call] of (reply.toolCalls ?? []).entries()) {
    const args = JSON.stringify(call.input);
    const half = Math.floor(args.length / 2);
    out.push(
      sse(
        {
          type: 'content_block_start',
          index: block,
          content_block: { type: 'tool_use', id: `toolu_${index}_${i}`, name: call.name, input: {} },
        },
        'content_block_start',
      ),
    );
    for (const part of [args.slice(0, half), args.slice(half)])
      out.push(
        sse(
          {
            type: 'content_block_delta',
            index: block,
            delta: { type: 'input_json_delta', partial_json: part },
          },
          'content_block_delta',
        ),
      );
    out.push(sse({ type: 'content_block_stop', index: block }, 'content_block_stop'));
    block++;
  }
  out.push(
    sse(
      {
        type: 'message_delta',
        delta: { stop_reason: reply.toolCalls?.length ? 'tool_use' : 'end_turn' },
        usage: { output_tokens: usage.output },
      },
      'message_delta',
    ),
  );
  out.push(sse({ type: 'message_stop' }, 'message_stop'));
  return out;
}

function pieces(text: string): string[] {
  const words = text.split(/(?<= )/);
  return words.length ? words : [];
}

/** The last tool result in the conversation, parsed when it is JSON. */
export function lastToolResult(
  request: ScriptRequest,
): { content: string; json?: any; isError?: boolean } | undefined {
  const last = request.messages.findLast((m) => m.role === 'tool') as
    | Extract<ScriptMessage, { role: 'tool' }>
    | undefined;
  if (!last) return undefined;
  try {
    return { content: last.content, json: JSON.parse(last.content), isError: last.isError };
  } catch {
    return { content: last.content, isError: last.isError };
  }
}

/** A promise the test resolves later: a step of the script held until then. */
export function gate<T = void>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}
