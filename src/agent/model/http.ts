/**
 * One POST to a model server with what every provider needs around it: a timeout for the whole round trip
 * (streaming included), retries with backoff on 429, 5xx and network errors (Retry-After honoured), and
 * failures turned into errors that say what to fix.
 */
import { ModelError } from './types.ts';

export interface ModelHttpSettings {
  /** For messages: `openai at http://...` and the model name. */
  url: string;
  model: string;
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  maxRetryWaitMs: number;
  fetch: typeof fetch;
}

/** An answered call: read `response.body`, then call `done` (it stops the timeout). */
export interface ModelResponse {
  response: Response;
  /** Aborted when the round trip's time is up or the caller's signal fires. */
  signal: AbortSignal;
  /** Turns an error thrown while reading the body into a ModelError (a timeout says so). */
  failure(error: unknown): ModelError;
  done(): void;
}

const EXCERPT = 300;

export function defaultHttpSettings(
  url: string,
  model: string,
  options: {
    timeoutMs?: number;
    maxAttempts?: number;
    retryBaseMs?: number;
    maxRetryWaitMs?: number;
    fetch?: typeof fetch;
  },
): ModelHttpSettings {
  return {
    url,
    model,
    timeoutMs: options.timeoutMs ?? 120_000,
    maxAttempts: Math.max(1, options.maxAttempts ?? 4),
    retryBaseMs: options.retryBaseMs ?? 500,
    maxRetryWaitMs: options.maxRetryWaitMs ?? 30_000,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
  };
}

export async function postModel(
  settings: ModelHttpSettings,
  endpoint: string,
  headers: Record<string, string>,
  body: unknown,
  callerSignal?: AbortSignal,
): Promise<ModelResponse> {
  const text = JSON.stringify(body);
  for (let attempt = 1; ; attempt++) {
    const timer = timeoutSignal(settings.timeoutMs, callerSignal);
    const failure = (error: unknown) => describeFailure(settings, endpoint, error, timer.timedOut());
    let response: Response;
    try {
      response = await settings.fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
        body: text,
        signal: timer.signal,
      });
    } catch (error) {
      timer.clear();
      const failed = failure(error);
      if (!failed.retryable || attempt >= settings.maxAttempts || callerSignal?.aborted) throw failed;
      await sleep(backoff(settings, attempt), callerSignal);
      continue;
    }
    if (response.ok) return { response, signal: timer.signal, failure, done: timer.clear };
    const excerpt = await readExcerpt(response);
    timer.clear();
    const failed = statusError(settings, endpoint, response.status, excerpt);
    if (!failed.retryable || attempt >= settings.maxAttempts) throw failed;
    const wait = retryAfterMs(response.headers.get('retry-after')) ?? backoff(settings, attempt);
    if (wait > settings.maxRetryWaitMs) {
      throw new ModelError(
        `${failed.message}; the server asks to retry after ${Math.ceil(wait / 1000)} s, longer than duet waits (${Math.round(settings.maxRetryWaitMs / 1000)} s): send the message again later`,
        { status: response.status, retryable: true },
      );
    }
    await sleep(wait, callerSignal);
  }
}

function backoff(settings: ModelHttpSettings, attempt: number): number {
  return Math.min(settings.maxRetryWaitMs, settings.retryBaseMs * 2 ** (attempt - 1));
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function statusError(
  settings: ModelHttpSettings,
  endpoint: string,
  status: number,
  excerpt: string,
): ModelError {
  const { model } = settings;
  const said = excerpt ? `: ${excerpt}` : '';
  if (status === 401 || status === 403) {
    return new ModelError(
      `the model server at ${settings.url} refused the key (${status}${said}): set DUET_LLM_KEY to a valid API key`,
      { status },
    );
  }
  if (status === 404) {
    return new ModelError(
      `unknown model ${model} at ${settings.url} (404 from ${endpoint}${said}): check --llm-model, and that --llm-url is the API root (for OpenAI-compatible servers it usually ends in /v1)`,
      { status },
    );
  }
  if (status === 400 && /tool/i.test(excerpt) && /support|requires|jinja|enable|not allowed/i.test(excerpt)) {
    return new ModelError(
      `model ${model} does not support tools (400 from ${settings.url}${said}): pick a model with tool calling (function calling), or enable it on the server`,
      { status },
    );
  }
  if (status === 429) {
    return new ModelError(`the model server at ${settings.url} is rate limiting (429${said})`, {
      status,
      retryable: true,
    });
  }
  if (status >= 500) {
    return new ModelError(`the model server at ${settings.url} failed (${status}${said})`, {
      status,
      retryable: true,
    });
  }
  return new ModelError(`the model server at ${settings.url} answered ${status}${said}`, { status });
}

function describeFailure(
  settings: ModelHttpSettings,
  endpoint: string,
  error: unknown,
  timedOut: boolean,
): ModelError {
  if (error instanceof ModelError) return error;
  if (timedOut) {
    return new ModelError(
      `model ${settings.model} at ${settings.url} did not finish within ${Math.round(settings.timeoutMs / 1000)} s: the model may be too slow for this machine, or the server is stuck`,
      { retryable: true, cause: error },
    );
  }
  if (isAbort(error)) return new ModelError('the model call was stopped', { cause: error });
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const reason = cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
  return new ModelError(
    `cannot reach ${endpoint} (${reason}): is the model server running, and is --llm-url right?`,
    { retryable: true, cause: error },
  );
}

function isAbort(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

async function readExcerpt(response: Response): Promise<string> {
  try {
    const text = (await response.text()).replace(/\s+/g, ' ').trim();
    return text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text;
  } catch {
    return '';
  }
}

/** A signal that fires after `ms` or when `parent` does, whichever comes first. */
function timeoutSignal(ms: number, parent?: AbortSignal) {
  const controller = new AbortController();
  let timedOut = false;
  const onParent = () => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onParent, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('model call timed out'));
  }, ms);
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    clear() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ModelError('the model call was stopped'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ModelError('the model call was stopped'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
