/** Model clients over plain `fetch`: OpenAI-compatible Chat Completions and Anthropic Messages. */
import { anthropicMessages } from './anthropic.ts';
import { openAiChat } from './openai.ts';
import type { ModelClient, ModelConfig, ModelProvider } from './types.ts';

export { anthropicMessages } from './anthropic.ts';
export { openAiChat } from './openai.ts';
export { readSse, type SseEvent } from './sse.ts';
export * from './types.ts';

export const MODEL_PROVIDERS: readonly ModelProvider[] = ['openai', 'anthropic'];

/** The provider a URL implies when none is named: Anthropic's own API, otherwise OpenAI-compatible. */
export function providerOf(config: Pick<ModelConfig, 'provider' | 'url'>): ModelProvider {
  if (config.provider) return config.provider;
  return /(^|\.)anthropic\.com$/i.test(hostOf(config.url)) ? 'anthropic' : 'openai';
}

export function createModel(config: ModelConfig): ModelClient {
  const provider = providerOf(config);
  if (!MODEL_PROVIDERS.includes(provider)) {
    throw new Error(
      `duet agent: unknown model provider '${provider}': use openai (any OpenAI-compatible server) or anthropic`,
    );
  }
  if (!/^https?:\/\//i.test(config.url)) {
    throw new Error(
      `duet agent: --llm-url ${config.url}: give an http(s) URL, e.g. http://127.0.0.1:11434/v1`,
    );
  }
  if (!config.model) throw new Error('duet agent: name the model with --llm-model');
  return provider === 'anthropic' ? anthropicMessages(config) : openAiChat(config);
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
