/** The agent's model flags of `duet serve` (`--llm-url`, `--llm-model`, ...) and the key from the environment. */
import { MODEL_PROVIDERS } from '../../../src/agent/model/index.ts';
import type { ModelProvider } from '../../../src/agent/model/types.ts';
import { UsageError } from '../../../src/config/options.ts';
import type { LlmConfig } from '../../../src/config/serve-config.ts';
import type { Values } from './load.ts';

export const llmOptions = {
  'llm-url': { type: 'string' },
  'llm-model': { type: 'string' },
  'llm-provider': { type: 'string' },
  'llm-max-steps': { type: 'string' },
} as const;

export const LLM_HELP = `
  --llm-url URL               the agent's model server: an OpenAI-compatible API root (Ollama
                              http://127.0.0.1:11434/v1, llama.cpp, vLLM, LM Studio, OpenRouter, OpenAI) or
                              Anthropic's (https://api.anthropic.com/v1); serves POST /v1/sessions/{id}/messages
                              (the key, if the server needs one: env DUET_LLM_KEY)
  --llm-model NAME            the model, e.g. qwen2.5:7b (with --llm-url)
  --llm-provider P            openai (any OpenAI-compatible server; default) or anthropic (default for
                              api.anthropic.com)
  --llm-max-steps N           model round trips per turn before it ends (default 20)`;

/** The model settings the flags give, or undefined without `--llm-url`; wrong combinations are usage errors. */
export function llmConfig(values: Values, env: NodeJS.ProcessEnv = process.env): LlmConfig | undefined {
  const url = values['llm-url'] as string | undefined;
  const model = values['llm-model'] as string | undefined;
  const provider = values['llm-provider'] as string | undefined;
  const maxSteps = values['llm-max-steps'] as string | undefined;
  if (url === undefined && model === undefined) {
    if (provider !== undefined || maxSteps !== undefined)
      throw new UsageError(
        `--${provider !== undefined ? 'llm-provider' : 'llm-max-steps'} needs --llm-url and --llm-model`,
      );
    return undefined;
  }
  if (url === undefined)
    throw new UsageError('--llm-model needs --llm-url (the model server, e.g. http://127.0.0.1:11434/v1)');
  if (model === undefined)
    throw new UsageError('--llm-url needs --llm-model (the model to use, e.g. qwen2.5:7b)');
  if (!/^https?:\/\/[^/]/i.test(url))
    throw new UsageError(`--llm-url ${url}: an http(s) URL of the API root, e.g. http://127.0.0.1:11434/v1`);
  if (provider !== undefined && !MODEL_PROVIDERS.includes(provider as ModelProvider))
    throw new UsageError(`--llm-provider ${provider}: choose ${MODEL_PROVIDERS.join(' or ')}`);
  let steps: number | undefined;
  if (maxSteps !== undefined) {
    steps = Number(maxSteps);
    if (!Number.isInteger(steps) || steps < 1 || steps > 1000)
      throw new UsageError(`--llm-max-steps ${maxSteps}: a whole number from 1 to 1000`);
  }
  const watchdog = env.DUET_AGENT_WATCHDOG_MS;
  const watchdogMs = watchdog ? Number(watchdog) : undefined;
  if (watchdogMs !== undefined && (!Number.isInteger(watchdogMs) || watchdogMs < 100))
    throw new UsageError(`DUET_AGENT_WATCHDOG_MS=${watchdog}: a whole number of milliseconds, at least 100`);
  return {
    url,
    model,
    ...(provider !== undefined && { provider: provider as ModelProvider }),
    ...(env.DUET_LLM_KEY && { key: env.DUET_LLM_KEY }),
    ...(steps !== undefined && { maxSteps: steps }),
    ...(watchdogMs !== undefined && { watchdogMs }),
  };
}
