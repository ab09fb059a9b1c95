/**
 * The agent scenario the tests share: "file an issue and tell me its number" against the GitHub stand-in
 * (support/upstream.ts), played by a scripted model, read with the AI SDK's own client (`DefaultChatTransport`,
 * the transport `useChat` uses, and `readUIMessageStream`).
 */
import {
  DefaultChatTransport,
  parseJsonEventStream,
  readUIMessageStream,
  type UIMessage,
  type UIMessageChunk,
  uiMessageChunkSchema,
} from 'ai';
import { lastToolResult, type Script, type ScriptMessage } from './scripted-model.ts';

export const TASK = "Create an issue titled 'Hello from duet' in octo/hello and tell me its number.";

export const createCode = (repo = 'hello') =>
  `console.log('filing the issue in ${repo}');\n` +
  `const issue = await github.issuesCreate({ owner: 'octo', repo: '${repo}', body: { title: 'Hello from duet' } });\n` +
  'return { number: issue.number, title: issue.title };';

/** Tool results since the last user message: where the script stands in the current turn. */
export function resultsThisTurn(messages: ScriptMessage[]): number {
  const start = messages.findLastIndex((m) => m.role === 'user');
  return messages.slice(start + 1).filter((m) => m.role === 'tool').length;
}

/**
 * search -> execute (found by search) -> answer with the number. `beforeAnswer` holds the last step (a
 * test kills or stops duet meanwhile).
 */
export function issueScript(options: { beforeAnswer?: () => Promise<void>; repo?: string } = {}): Script {
  return async (request) => {
    const done = resultsThisTurn(request.messages);
    if (done === 0) {
      return {
        text: 'I will look for the operation first. ',
        toolCalls: [{ name: 'search', input: { query: 'create an issue' } }],
        usage: { input: 900, output: 20 },
      };
    }
    if (done === 1) {
      const found = lastToolResult(request)?.json?.results ?? [];
      const create = found.find((r: any) => r.name === 'issuesCreate');
      if (!create)
        return { text: `search did not find issuesCreate: ${JSON.stringify(found.map((r: any) => r.name))}` };
      return {
        toolCalls: [{ name: 'execute', input: { code: createCode(options.repo) } }],
        usage: { input: 2400, output: 60 },
      };
    }
    await options.beforeAnswer?.();
    const result = lastToolResult(request);
    const number = result?.json?.result?.number;
    const text =
      number !== undefined
        ? `Created issue #${number}.`
        : `The execute did not succeed: ${result?.content.slice(0, 300)}`;
    return { text, usage: { input: 2600, output: 12 } };
  };
}

/** The transport `useChat` uses, pointed at one session's routes. */
export function chatTransport(
  url: string,
  session: string,
  headers?: Record<string, string>,
): DefaultChatTransport<UIMessage> {
  return new DefaultChatTransport({
    api: `${url}/v1/sessions/${session}/messages`,
    headers,
    prepareReconnectToStreamRequest: () => ({ api: `${url}/v1/sessions/${session}/stream` }),
  });
}

export function userMessage(text: string, id = `u-${Math.random().toString(36).slice(2)}`): UIMessage {
  return { id, role: 'user', parts: [{ type: 'text', text }] };
}

/** Sends `text` as useChat does and returns the chunk stream. */
export function send(
  transport: DefaultChatTransport<UIMessage>,
  chatId: string,
  text: string,
): Promise<ReadableStream<UIMessageChunk>> {
  return transport.sendMessages({
    chatId,
    messages: [userMessage(text)],
    trigger: 'submit-message',
    messageId: undefined,
    abortSignal: undefined,
  });
}

/** Every chunk, and the message `readUIMessageStream` builds from them. */
export async function readAll(
  stream: ReadableStream<UIMessageChunk>,
  message?: UIMessage,
): Promise<{ chunks: UIMessageChunk[]; message: UIMessage | undefined }> {
  const chunks: UIMessageChunk[] = [];
  const teed = stream.pipeThrough(
    new TransformStream<UIMessageChunk, UIMessageChunk>({
      transform(chunk, controller) {
        chunks.push(chunk);
        controller.enqueue(chunk);
      },
    }),
  );
  let last: UIMessage | undefined;
  for await (const built of readUIMessageStream({ stream: teed, message, terminateOnError: true }))
    last = built;
  return { chunks, message: last };
}

/** Reads chunks until `until` says stop; the rest of the stream is cancelled (the client goes away). */
export async function readUntil(
  stream: ReadableStream<UIMessageChunk>,
  until: (chunk: UIMessageChunk) => boolean,
): Promise<UIMessageChunk[]> {
  const chunks: UIMessageChunk[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(value);
    if (until(value)) break;
  }
  await reader.cancel().catch(() => {});
  return chunks;
}

/** `POST .../messages {content}` as a plain client sends it; its chunks parsed and validated by the AI SDK's schema. */
export async function postContent(
  url: string,
  session: string,
  content: string,
): Promise<ReadableStream<UIMessageChunk>> {
  const response = await fetch(`${url}/v1/sessions/${session}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ content }),
  });
  if (response.status !== 200)
    throw new Error(`POST messages answered ${response.status}: ${await response.text()}`);
  if (response.headers.get('x-vercel-ai-ui-message-stream') !== 'v1')
    throw new Error('not a UI message stream');
  return parseJsonEventStream({ stream: response.body!, schema: uiMessageChunkSchema }).pipeThrough(
    new TransformStream<any, UIMessageChunk>({
      transform(result, controller) {
        if (!result.success) throw result.error;
        controller.enqueue(result.value);
      },
    }),
  );
}

/** The chunks of a raw SSE response, parsed and validated by the AI SDK's own chunk schema. */
export async function parseChunks(response: Response): Promise<UIMessageChunk[]> {
  const out: UIMessageChunk[] = [];
  const parsed = parseJsonEventStream({ stream: response.body!, schema: uiMessageChunkSchema });
  for await (const result of parsed as unknown as AsyncIterable<{
    success: boolean;
    value?: UIMessageChunk;
    error?: unknown;
  }>) {
    if (!result.success) throw result.error;
    out.push(result.value!);
  }
  return out;
}

/** A `readUntil` predicate: true at the first outcome of an execute call. */
export function untilExecuteOutput(): (chunk: UIMessageChunk) => boolean {
  const executes = new Set<string>();
  return (chunk) => {
    if (chunk.type === 'tool-input-start' && chunk.toolName === 'execute') executes.add(chunk.toolCallId);
    return (
      (chunk.type === 'tool-output-available' || chunk.type === 'tool-output-error') &&
      executes.has(chunk.toolCallId)
    );
  };
}
