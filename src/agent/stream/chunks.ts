/**
 * The chunks of the AI SDK UI message stream protocol v1 that duet's agent writes (the `ai` package's
 * `UIMessageChunk`, packages/ai/src/ui-message-stream/ui-message-chunks.ts), and their SSE framing.
 *
 * Written here rather than imported: `ai` is a development dependency only (tests read duet's stream with
 * its `readUIMessageStream`), and its server helpers would add the AI SDK and its provider packages to
 * every runtime's bundle (the Worker included) for a few lines of framing. Every chunk is persisted in the
 * session actor as written, so a client can resume from any chunk (see turn-stream.ts).
 */

export type FinishReason =
  | 'stop'
  | 'length'
  | 'content-filter'
  | 'tool-calls'
  | 'error'
  | 'interrupted'
  | 'other';

export type UIChunk =
  | { type: 'start'; messageId?: string; messageMetadata?: unknown }
  | { type: 'start-step' }
  | { type: 'finish-step' }
  /** Drops the parts of the current step: a model call that failed mid-answer is being made again. */
  | { type: 'reset-step' }
  | { type: 'text-start'; id: string }
  | { type: 'text-delta'; id: string; delta: string }
  | { type: 'text-end'; id: string }
  | { type: 'tool-input-start'; toolCallId: string; toolName: string }
  | { type: 'tool-input-delta'; toolCallId: string; inputTextDelta: string }
  | { type: 'tool-input-available'; toolCallId: string; toolName: string; input: unknown }
  | { type: 'tool-input-error'; toolCallId: string; toolName: string; input: unknown; errorText: string }
  | { type: 'tool-output-available'; toolCallId: string; output: unknown }
  | { type: 'tool-output-error'; toolCallId: string; errorText: string }
  | { type: `data-${string}`; id?: string; data: unknown; transient?: boolean }
  | { type: 'error'; errorText: string }
  | { type: 'abort'; reason?: string }
  | { type: 'finish'; finishReason?: FinishReason; messageMetadata?: unknown };

/** The response headers of the protocol (as the `ai` package's UI_MESSAGE_STREAM_HEADERS, without the hop-by-hop `connection`). */
export const UI_MESSAGE_STREAM_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  'x-vercel-ai-ui-message-stream': 'v1',
  'x-accel-buffering': 'no',
};

/** One chunk as an SSE event; `id` lets a client resume after it (`Last-Event-ID`). */
export function sseFrame(chunk: UIChunk, id?: string): string {
  return `${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(chunk)}\n\n`;
}

/** The protocol's end of stream. */
export const SSE_DONE = 'data: [DONE]\n\n';
