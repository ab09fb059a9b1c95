/** The model interface the agent loop talks to: one streamed round trip, provider-neutral. */

/** A tool the model may call: a name, what it does, and a JSON Schema of its input. */
export interface ModelTool {
  name: string;
  description: string;
  inputSchema: unknown;
}

export interface ModelToolCall {
  id: string;
  name: string;
  input: unknown;
}

/** The conversation as every provider can be told it. */
export type ModelMessage =
  | { role: 'user'; text: string }
  | { role: 'assistant'; text: string; toolCalls: ModelToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError?: boolean };

export interface ModelRequest {
  system: string;
  messages: ModelMessage[];
  tools: ModelTool[];
  /** Ends the call (a stopped turn); the client also applies its own timeout. */
  signal?: AbortSignal;
}

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
  /** Counted by duet (characters / 4) because the provider reported none. */
  estimated?: boolean;
}

/** What a streamed round trip yields, in order: deltas as they arrive, then one `finish`. */
export type ModelEvent =
  | { type: 'text-delta'; delta: string }
  | { type: 'tool-call-start'; id: string; name: string }
  | { type: 'tool-call-delta'; id: string; delta: string }
  | { type: 'tool-call'; id: string; name: string; input: unknown }
  | { type: 'finish'; reason: 'stop' | 'tool-calls' | 'length' | 'other'; usage?: ModelUsage };

export interface ModelClient {
  /** `openai` or `anthropic` (or another adapter's name), for messages and logs. */
  readonly provider: string;
  readonly model: string;
  /** One round trip. Rejects with a `ModelError` that says what to fix. */
  stream(request: ModelRequest): AsyncIterable<ModelEvent>;
}

export type ModelProvider = 'openai' | 'anthropic';

export interface ModelConfig {
  /** `openai` (any OpenAI-compatible Chat Completions server) or `anthropic` (the Messages API). */
  provider?: ModelProvider;
  /** The API root, e.g. `http://127.0.0.1:11434/v1`, `https://api.openai.com/v1`, `https://api.anthropic.com/v1`. */
  url: string;
  model: string;
  /** Sent as `Authorization: Bearer` (OpenAI-compatible) or `x-api-key` (Anthropic); from env `DUET_LLM_KEY`. */
  key?: string;
  /** Longest a round trip may take, streaming included (default 120 s). */
  timeoutMs?: number;
  /** Attempts on 429, 5xx and network errors before the turn fails (default 4). */
  maxAttempts?: number;
  /** First retry delay, doubled each attempt unless the server sends Retry-After (default 500 ms). */
  retryBaseMs?: number;
  /** A Retry-After longer than this is not waited for: the call fails saying when to retry (default 30 s). */
  maxRetryWaitMs?: number;
  /** Anthropic's required `max_tokens` (default 4096). */
  maxTokens?: number;
  fetch?: typeof fetch;
}

/** A model call that failed; `message` says what to fix. */
export class ModelError extends Error {
  override name = 'ModelError';
  readonly status?: number;
  /** Worth trying again later (rate limit, server error, network). */
  readonly retryable: boolean;

  constructor(message: string, options: { status?: number; retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.status = options.status;
    this.retryable = options.retryable ?? false;
  }
}

/** The rule of thumb when a provider reports no usage: about four characters per token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
