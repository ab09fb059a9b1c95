/** Anthropic's Messages API with tools, streamed (`POST {url}/messages`, events content_block_*). */
import { defaultHttpSettings, postModel } from './http.ts';
import { readSse } from './sse.ts';
import {
  estimateTokens,
  type ModelClient,
  type ModelConfig,
  ModelError,
  type ModelEvent,
  type ModelMessage,
  type ModelRequest,
} from './types.ts';

const VERSION = '2023-06-01';

interface StreamEvent {
  type: string;
  index?: number;
  message?: { usage?: { input_tokens?: number; output_tokens?: number } };
  content_block?: { type: string; id?: string; name?: string; text?: string; input?: unknown };
  delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string | null };
  usage?: { input_tokens?: number; output_tokens?: number };
  error?: { type?: string; message?: string };
}

type Block = { type: 'text' } | { type: 'tool_use'; id: string; name: string; json: string; input?: unknown };

export function anthropicMessages(config: ModelConfig): ModelClient {
  const root = config.url.replace(/\/+$/, '');
  const settings = defaultHttpSettings(root, config.model, config);
  const headers: Record<string, string> = {
    'anthropic-version': VERSION,
    ...(config.key && { 'x-api-key': config.key }),
  };
  return {
    provider: 'anthropic',
    model: config.model,
    async *stream(request: ModelRequest): AsyncGenerator<ModelEvent> {
      const body = {
        model: config.model,
        max_tokens: config.maxTokens ?? 4096,
        stream: true,
        system: request.system,
        messages: toMessages(request.messages),
        tools: request.tools.map((tool) => ({
          name: tool.name,
          description: tool.description,
          input_schema: tool.inputSchema,
        })),
      };
      const answered = await postModel(settings, `${root}/messages`, headers, body, request.signal);
      const blocks = new Map<number, Block>();
      let inputTokens: number | undefined;
      let outputTokens: number | undefined;
      let stop: string | null | undefined;
      let output = '';
      try {
        for await (const sse of readSse(answered.response.body!)) {
          let event: StreamEvent;
          try {
            event = JSON.parse(sse.data) as StreamEvent;
          } catch {
            throw new ModelError(`${root} streamed something that is not JSON: ${sse.data.slice(0, 200)}`);
          }
          switch (event.type) {
            case 'message_start':
              inputTokens = event.message?.usage?.input_tokens;
              outputTokens = event.message?.usage?.output_tokens;
              break;
            case 'content_block_start': {
              const block = event.content_block;
              if (block?.type === 'tool_use' && block.id && block.name) {
                blocks.set(event.index!, { type: 'tool_use', id: block.id, name: block.name, json: '' });
                yield { type: 'tool-call-start', id: block.id, name: block.name };
              } else {
                blocks.set(event.index!, { type: 'text' });
                if (block?.text) {
                  output += block.text;
                  yield { type: 'text-delta', delta: block.text };
                }
              }
              break;
            }
            case 'content_block_delta': {
              const block = blocks.get(event.index!);
              if (event.delta?.type === 'text_delta' && event.delta.text) {
                output += event.delta.text;
                yield { type: 'text-delta', delta: event.delta.text };
              } else if (event.delta?.type === 'input_json_delta' && block?.type === 'tool_use') {
                const piece = event.delta.partial_json ?? '';
                block.json += piece;
                if (piece) yield { type: 'tool-call-delta', id: block.id, delta: piece };
              }
              break;
            }
            case 'content_block_stop': {
              const block = blocks.get(event.index!);
              if (block?.type === 'tool_use') block.input = parseInput(block.json);
              break;
            }
            case 'message_delta':
              stop = event.delta?.stop_reason ?? stop;
              if (event.usage?.output_tokens !== undefined) outputTokens = event.usage.output_tokens;
              if (event.usage?.input_tokens !== undefined) inputTokens = event.usage.input_tokens;
              break;
            case 'error':
              throw new ModelError(
                `the model server at ${root} failed mid-answer: ${event.error?.type ?? 'error'}: ${event.error?.message ?? 'no reason given'}`,
                { retryable: event.error?.type === 'overloaded_error' || event.error?.type === 'api_error' },
              );
          }
          if (event.type === 'message_stop') break;
        }
      } catch (error) {
        throw answered.failure(error);
      } finally {
        answered.done();
      }
      let calledTools = false;
      for (const block of [...blocks.entries()].sort(([a], [b]) => a - b).map(([, b]) => b)) {
        if (block.type !== 'tool_use') continue;
        calledTools = true;
        output += block.json;
        yield {
          type: 'tool-call',
          id: block.id,
          name: block.name,
          input: block.input ?? parseInput(block.json),
        };
      }
      const estimated = inputTokens === undefined;
      yield {
        type: 'finish',
        reason: calledTools || stop === 'tool_use' ? 'tool-calls' : stop === 'max_tokens' ? 'length' : 'stop',
        usage: {
          inputTokens:
            inputTokens ?? estimateTokens(JSON.stringify(body.messages) + JSON.stringify(body.tools)),
          outputTokens: outputTokens ?? estimateTokens(output),
          ...(estimated && { estimated: true }),
        },
      };
    },
  };
}

/** Anthropic wants user and assistant turns alternating: consecutive tool results go in one user turn. */
function toMessages(messages: ModelMessage[]): unknown[] {
  const out: { role: 'user' | 'assistant'; content: unknown[] }[] = [];
  const push = (role: 'user' | 'assistant', block: unknown) => {
    const last = out[out.length - 1];
    if (last?.role === role) last.content.push(block);
    else out.push({ role, content: [block] });
  };
  for (const message of messages) {
    if (message.role === 'user') push('user', { type: 'text', text: message.text });
    else if (message.role === 'tool') {
      push('user', {
        type: 'tool_result',
        tool_use_id: message.toolCallId,
        content: message.content,
        ...(message.isError && { is_error: true }),
      });
    } else {
      if (message.text) push('assistant', { type: 'text', text: message.text });
      for (const call of message.toolCalls)
        push('assistant', { type: 'tool_use', id: call.id, name: call.name, input: objectInput(call.input) });
      // An assistant turn must hold something.
      if (!message.text && message.toolCalls.length === 0)
        push('assistant', { type: 'text', text: '(no answer)' });
    }
  }
  return out;
}

function objectInput(input: unknown): unknown {
  return input && typeof input === 'object' && !Array.isArray(input) ? input : {};
}

function parseInput(json: string): unknown {
  if (json.trim() === '') return {};
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}
