/**
 * The agent's model on Workers AI, through the Worker's `AI` binding instead of a URL: the same
 * ModelClient interface, answered by `env.AI.run(model, { messages, tools })`. Workers AI answers a
 * function-calling request whole (`{ response, tool_calls, usage }`), so the text arrives in one piece.
 */
import { chatCompletionsMessages } from '../../src/agent/model/openai.ts';
import {
  estimateTokens,
  type ModelClient,
  ModelError,
  type ModelEvent,
  type ModelRequest,
} from '../../src/agent/model/types.ts';
import type { DuetConfig } from '../../src/duet.ts';
import type { DuetWorkerConfig } from './worker-config.ts';

/** The part of the `AI` binding duet uses. */
export interface WorkersAiBinding {
  run(model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
}

interface WorkersAiAnswer {
  response?: string | null;
  tool_calls?: {
    id?: string;
    name?: string;
    arguments?: unknown;
    function?: { name?: string; arguments?: unknown };
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

export function workersAiModel(binding: WorkersAiBinding, model: string): ModelClient {
  return {
    provider: 'workers-ai',
    model,
    async *stream(request: ModelRequest): AsyncGenerator<ModelEvent> {
      const inputs = {
        messages: chatCompletionsMessages(request),
        tools: request.tools.map((tool) => ({
          type: 'function',
          function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
        })),
      };
      let answer: WorkersAiAnswer;
      try {
        answer = (await binding.run(
          model,
          inputs,
          request.signal ? { signal: request.signal } : undefined,
        )) as WorkersAiAnswer;
      } catch (error) {
        const message = (error as Error)?.message ?? String(error);
        throw new ModelError(
          `Workers AI model ${model} failed: ${message} (is the model name right, and does it support function calling?)`,
          {
            retryable: /capacity|timeout|overloaded|429|5\d\d/i.test(message),
            cause: error,
          },
        );
      }
      const text = typeof answer?.response === 'string' ? answer.response : '';
      if (text) yield { type: 'text-delta', delta: text };
      const calls = answer?.tool_calls ?? [];
      for (const [index, call] of calls.entries()) {
        const name = call.name ?? call.function?.name ?? '';
        const raw = call.arguments ?? call.function?.arguments ?? {};
        let input: unknown = raw;
        if (typeof raw === 'string') {
          try {
            input = JSON.parse(raw);
          } catch {
            input = raw;
          }
        }
        const id = call.id ?? `call_${index}_${crypto.randomUUID().slice(0, 8)}`;
        yield { type: 'tool-call-start', id, name };
        yield { type: 'tool-call', id, name, input };
      }
      const usage = answer?.usage;
      yield {
        type: 'finish',
        reason: calls.length ? 'tool-calls' : 'stop',
        usage:
          usage?.prompt_tokens !== undefined
            ? { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens ?? 0 }
            : {
                inputTokens: estimateTokens(JSON.stringify(inputs)),
                outputTokens: estimateTokens(text + JSON.stringify(calls)),
                estimated: true,
              },
      };
    },
  };
}

/** What `createDuet` needs for the agent from `DUET_CONFIG.model`, with the `AI` binding for Workers AI. */
export function agentConfig(
  model: DuetWorkerConfig['model'],
  ai: WorkersAiBinding | undefined,
): Partial<DuetConfig> {
  if (!model) return {};
  const settings = { maxSteps: model.maxSteps, agentWatchdogMs: model.watchdogMs };
  if (model.provider === 'workers-ai') {
    if (!ai) {
      throw new Error(
        'DUET_CONFIG.model.provider is workers-ai but the Worker has no AI binding: add "ai": { "binding": "AI" } to wrangler.jsonc',
      );
    }
    return { model: workersAiModel(ai, model.model), ...settings };
  }
  return {
    model: { url: model.url!, model: model.model, provider: model.provider, key: model.key },
    ...settings,
  };
}
