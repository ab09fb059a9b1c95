/**
 * OpenAI-compatible Chat Completions with tools, streamed: OpenAI, Ollama, vLLM, llama.cpp, LM Studio,
 * OpenRouter and the rest of the servers that speak `POST {url}/chat/completions`.
 */
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
  type ModelUsage,
} from './types.ts';

interface ToolCallDelta {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string | object };
}

interface Chunk {
  choices?: {
    delta?: { content?: string | null; tool_calls?: ToolCallDelta[] };
    finish_reason?: string | null;
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { message?: string } | string;
}

export function openAiChat(config: ModelConfig): ModelClient {
  const root = config.url.replace(/\/+$/, '');
  const settings = defaultHttpSettings(root, config.model, config);
  const headers: Record<string, string> = config.key ? { authorization: `Bearer ${config.key}` } : {};
  return {
    provider: 'openai',
    model: config.model,
    async *stream(request: ModelRequest): AsyncGenerator<ModelEvent> {
      const body = {
        model: config.model,
        stream: true,
        stream_options: { include_usage: true },
        messages: chatCompletionsMessages(request),
        tools: request.tools.map((tool) => ({
          type: 'function',
          function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
        })),
      };
      const answered = await postModel(settings, `${root}/chat/completions`, headers, body, request.signal);
      const calls = new Map<number, { id: string; name: string; args: string }>();
      let finish: string | undefined;
      let usage: ModelUsage | undefined;
      let output = '';
      try {
        for await (const event of readSse(answered.response.body!)) {
          if (event.data === '[DONE]') break;
          let chunk: Chunk;
          try {
            chunk = JSON.parse(event.data) as Chunk;
          } catch {
            throw new ModelError(`${root} streamed something that is not JSON: ${event.data.slice(0, 200)}`);
          }
          if (chunk.error) {
            const message = typeof chunk.error === 'string' ? chunk.error : chunk.error.message;
            throw new ModelError(
              `the model server at ${root} failed mid-answer: ${message ?? 'no reason given'}`,
              {
                retryable: true,
              },
            );
          }
          if (chunk.usage?.prompt_tokens !== undefined) {
            usage = {
              inputTokens: chunk.usage.prompt_tokens,
              outputTokens: chunk.usage.completion_tokens ?? 0,
            };
          }
          const choice = chunk.choices?.[0];
          if (!choice) continue;
          if (choice.finish_reason) finish = choice.finish_reason;
          const text = choice.delta?.content;
          if (text) {
            output += text;
            yield { type: 'text-delta', delta: text };
          }
          for (const delta of choice.delta?.tool_calls ?? []) {
            const index = delta.index ?? calls.size;
            let call = calls.get(index);
            if (!call) {
              call = {
                id: delta.id || `call_${index}_${crypto.randomUUID().slice(0, 8)}`,
                name: '',
                args: '',
              };
              calls.set(index, call);
            }
            if (delta.function?.name && !call.name) {
              call.name = delta.function.name;
              yield { type: 'tool-call-start', id: call.id, name: call.name };
            }
            const piece = delta.function?.arguments;
            // Some servers send the arguments as an object rather than JSON text.
            const text = typeof piece === 'string' ? piece : piece ? JSON.stringify(piece) : '';
            if (text) {
              call.args += text;
              if (call.name) yield { type: 'tool-call-delta', id: call.id, delta: text };
            }
          }
        }
      } catch (error) {
        throw answered.failure(error);
      } finally {
        answered.done();
      }
      for (const call of calls.values()) {
        output += call.args;
        yield { type: 'tool-call', id: call.id, name: call.name, input: parseArguments(call.args) };
      }
      usage ??= {
        inputTokens: estimateTokens(JSON.stringify(body.messages) + JSON.stringify(body.tools)),
        outputTokens: estimateTokens(output),
        estimated: true,
      };
      yield { type: 'finish', reason: finishReason(finish, calls.size > 0), usage };
    },
  };
}

/** The request's system prompt and conversation as Chat Completions messages (also what Workers AI takes). */
export function chatCompletionsMessages(request: ModelRequest): unknown[] {
  const out: unknown[] = [{ role: 'system', content: request.system }];
  for (const message of request.messages) out.push(toMessage(message));
  return out;
}

function toMessage(message: ModelMessage): unknown {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: message.text };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.text || null,
        ...(message.toolCalls.length > 0 && {
          tool_calls: message.toolCalls.map((call) => ({
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: JSON.stringify(call.input ?? {}) },
          })),
        }),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

/** Arguments as an object; text that is not JSON is passed on as text, for the loop to report. */
function parseArguments(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function finishReason(
  reason: string | undefined,
  calledTools: boolean,
): 'stop' | 'tool-calls' | 'length' | 'other' {
  // Some servers (older Ollama) say `stop` even when the answer is tool calls.
  if (calledTools) return 'tool-calls';
  if (reason === 'stop') return 'stop';
  if (reason === 'length') return 'length';
  if (reason === 'tool_calls') return 'tool-calls';
  return reason === undefined ? 'stop' : 'other';
}
