/**
 * The agent's Workers AI model adapter, against a stand-in for the `AI` binding that answers the way
 * Workers AI documents function calling (`{ response, tool_calls, usage }`): no Cloudflare account here.
 */
import { describe, expect, it } from 'vitest';
import { readWorkerConfig } from '../adapters/cloudflare/worker-config.ts';
import {
  agentConfig,
  type WorkersAiBinding,
  workersAiModel,
} from '../adapters/cloudflare/workers-ai-model.ts';
import type { ModelEvent } from '../src/agent/model/types.ts';

function binding(answer: unknown): WorkersAiBinding & { calls: { model: string; inputs: any }[] } {
  const calls: { model: string; inputs: any }[] = [];
  return {
    calls,
    async run(model, inputs) {
      calls.push({ model, inputs });
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

async function events(ai: WorkersAiBinding): Promise<ModelEvent[]> {
  const out: ModelEvent[] = [];
  const model = workersAiModel(ai, '@cf/meta/llama-3.3-70b-instruct-fp8-fast');
  const tools = [{ name: 'search', description: 'Search the catalog', inputSchema: { type: 'object' } }];
  for await (const event of model.stream({
    system: 'be brief',
    messages: [{ role: 'user', text: 'hi' }],
    tools,
  }))
    out.push(event);
  return out;
}

describe('the Workers AI model', () => {
  it('sends the conversation and the tools in the function-calling shape and reads tool calls and usage', async () => {
    const ai = binding({
      response: null,
      tool_calls: [{ name: 'search', arguments: { query: 'open tasks' } }],
      usage: { prompt_tokens: 120, completion_tokens: 9 },
    });
    const out = await events(ai);
    expect(ai.calls[0].model).toBe('@cf/meta/llama-3.3-70b-instruct-fp8-fast');
    expect(ai.calls[0].inputs.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'hi' },
    ]);
    expect(ai.calls[0].inputs.tools[0]).toEqual({
      type: 'function',
      function: { name: 'search', description: 'Search the catalog', parameters: { type: 'object' } },
    });
    expect(out.find((e) => e.type === 'tool-call')).toMatchObject({
      name: 'search',
      input: { query: 'open tasks' },
    });
    expect(out.at(-1)).toEqual({
      type: 'finish',
      reason: 'tool-calls',
      usage: { inputTokens: 120, outputTokens: 9 },
    });
  });

  it('reads an answer, arguments given as JSON text, and estimates usage it was not given', async () => {
    const text = await events(binding({ response: 'Done.' }));
    expect(text[0]).toEqual({ type: 'text-delta', delta: 'Done.' });
    expect(text.at(-1)).toMatchObject({ type: 'finish', reason: 'stop', usage: { estimated: true } });
    const json = await events(
      binding({ tool_calls: [{ function: { name: 'execute', arguments: '{"code":"return 1"}' } }] }),
    );
    expect(json.find((e) => e.type === 'tool-call')).toMatchObject({
      name: 'execute',
      input: { code: 'return 1' },
    });
  });

  it('says what to check when the model fails, and which binding is missing', async () => {
    await expect(events(binding(new Error('5007: No such model')))).rejects.toThrow(
      /Workers AI model @cf\/meta\/llama-3.3-70b-instruct-fp8-fast failed: 5007: No such model \(is the model name right/,
    );
    const config = readWorkerConfig({ model: { provider: 'workers-ai', model: '@cf/x' } });
    expect(() => agentConfig(config.model, undefined)).toThrow(
      'add "ai": { "binding": "AI" } to wrangler.jsonc',
    );
    expect(() => readWorkerConfig({ model: { model: 'm' } })).toThrow("give the model's url");
    expect(
      agentConfig(
        readWorkerConfig({ model: { url: 'http://127.0.0.1:11434/v1', model: 'qwen' } }).model,
        undefined,
      ),
    ).toMatchObject({
      model: { url: 'http://127.0.0.1:11434/v1', model: 'qwen' },
    });
  });
});
