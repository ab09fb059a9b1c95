/**
 * The AI SDK UI message stream (protocol v1) read in the browser: SSE `data:` lines, one chunk each, ending
 * with `[DONE]`, folded into UI messages the way the SDK's readUIMessageStream does. Written here because
 * the `ai` package's reader brings its runtime and schemas (far larger than this console); only the chunk
 * types below are read, others are ignored.
 */

export type Part =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | {
      type: 'tool';
      toolCallId: string;
      toolName: string;
      state: 'input-streaming' | 'input-available' | 'output-available' | 'output-error';
      inputText?: string;
      input?: unknown;
      output?: unknown;
      errorText?: string;
      /** Console lines of a running execute, as the snippet writes them (transient `data-log` chunks). */
      liveLogs?: string[];
    }
  | { type: 'data'; name: string; id?: string; data: unknown }
  | { type: 'step' }
  | { type: 'error'; text: string };

export interface Message {
  id: string;
  role: 'user' | 'assistant' | 'system';
  parts: Part[];
  /** The stream ended with `abort` (stopped). */
  aborted?: boolean;
}

export type Chunk = { type: string; [key: string]: any };

/** Reads SSE events from a response body; resolves when the stream ends or `[DONE]` arrives. */
export async function readChunks(
  body: ReadableStream<Uint8Array>,
  onChunk: (chunk: Chunk) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.search(/\r?\n\r?\n/);
    while (end >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      const data = event
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, ''))
        .join('\n');
      if (data === '[DONE]') {
        await reader.cancel().catch(() => {});
        return;
      }
      if (data) {
        try {
          onChunk(JSON.parse(data) as Chunk);
        } catch {
          // A line that is not JSON is not a chunk of this protocol: skip it.
        }
      }
      end = buffer.search(/\r?\n\r?\n/);
    }
  }
}

function tool(message: Message, id: string): Extract<Part, { type: 'tool' }> | undefined {
  for (const part of message.parts) if (part.type === 'tool' && part.toolCallId === id) return part;
  return undefined;
}

/** Applies one chunk to the assistant message being streamed (a new object, for rendering). */
export function applyChunk(message: Message, chunk: Chunk, open: Map<string, Part>): Message {
  const next: Message = { ...message, parts: [...message.parts] };
  const replace = (old: Part, part: Part) => {
    const at = next.parts.indexOf(old);
    if (at >= 0) next.parts[at] = part;
    return part;
  };
  switch (chunk.type) {
    case 'start':
      if (chunk.messageId) next.id = chunk.messageId;
      break;
    case 'start-step':
      next.parts.push({ type: 'step' });
      break;
    case 'reset-step': {
      // The step's model call is being made again: its parts so far are dropped.
      let at = next.parts.length - 1;
      while (at >= 0 && next.parts[at].type !== 'step') at--;
      next.parts.splice(at + 1);
      break;
    }
    case 'text-start':
    case 'reasoning-start': {
      const part: Part = { type: chunk.type === 'text-start' ? 'text' : 'reasoning', text: '' };
      next.parts.push(part);
      open.set(`${chunk.type.split('-')[0]}:${chunk.id}`, part);
      break;
    }
    case 'text-delta':
    case 'reasoning-delta': {
      const key = `${chunk.type.split('-')[0]}:${chunk.id}`;
      const part = open.get(key) as Extract<Part, { type: 'text' | 'reasoning' }> | undefined;
      if (part) open.set(key, replace(part, { ...part, text: part.text + chunk.delta }));
      break;
    }
    case 'tool-input-start':
      next.parts.push({
        type: 'tool',
        toolCallId: chunk.toolCallId,
        toolName: chunk.toolName,
        state: 'input-streaming',
        inputText: '',
      });
      break;
    case 'tool-input-delta': {
      const part = tool(next, chunk.toolCallId);
      if (part) replace(part, { ...part, inputText: (part.inputText ?? '') + chunk.inputTextDelta });
      break;
    }
    case 'tool-input-available':
    case 'tool-input-error': {
      const part = tool(next, chunk.toolCallId);
      const updated: Part = {
        type: 'tool',
        toolCallId: chunk.toolCallId,
        toolName: chunk.toolName,
        state: chunk.type === 'tool-input-error' ? 'output-error' : 'input-available',
        input: chunk.input,
        ...(chunk.errorText && { errorText: chunk.errorText }),
      };
      if (part) replace(part, updated);
      else next.parts.push(updated);
      break;
    }
    case 'tool-output-available':
    case 'tool-output-error': {
      const part = tool(next, chunk.toolCallId);
      if (part) {
        replace(
          part,
          chunk.type === 'tool-output-available'
            ? { ...part, state: 'output-available', output: chunk.output }
            : { ...part, state: 'output-error', errorText: chunk.errorText },
        );
      }
      break;
    }
    case 'error':
      next.parts.push({ type: 'error', text: chunk.errorText ?? 'error' });
      break;
    case 'abort':
      next.aborted = true;
      break;
    case 'data-log': {
      // duet's agent: {toolCallId, line} while an execute runs; the outcome carries every line again.
      const part = tool(next, chunk.data?.toolCallId);
      if (part && typeof chunk.data?.line === 'string') {
        replace(part, { ...part, liveLogs: [...(part.liveLogs ?? []), chunk.data.line] });
        break;
      }
      if (chunk.transient) break;
      next.parts.push({ type: 'data', name: 'log', id: chunk.id, data: chunk.data });
      break;
    }
    default:
      if (typeof chunk.type === 'string' && chunk.type.startsWith('data-') && !chunk.transient) {
        const name = chunk.type.slice(5);
        const same = chunk.id
          ? next.parts.find((p) => p.type === 'data' && p.name === name && p.id === chunk.id)
          : undefined;
        const part: Part = { type: 'data', name, id: chunk.id, data: chunk.data };
        if (same) replace(same, part);
        else next.parts.push(part);
      }
  }
  return next;
}

/** A stored UI message (GET /messages) in the same shape as a streamed one. */
export function fromUIMessage(raw: {
  id: string;
  role: Message['role'];
  parts?: any[];
  metadata?: { status?: string };
}): Message {
  const parts: Part[] = [];
  for (const p of raw.parts ?? []) {
    const type = String(p?.type ?? '');
    if (type === 'text' || type === 'reasoning') parts.push({ type, text: String(p.text ?? '') });
    else if (type === 'step-start') parts.push({ type: 'step' });
    else if (type === 'dynamic-tool' || type.startsWith('tool-')) {
      parts.push({
        type: 'tool',
        toolCallId: p.toolCallId,
        toolName: type === 'dynamic-tool' ? p.toolName : type.slice(5),
        state: p.state === 'output-available' || p.state === 'output-error' ? p.state : 'input-available',
        input: p.input,
        output: p.output,
        errorText: p.errorText,
      });
    } else if (type.startsWith('data-'))
      parts.push({ type: 'data', name: type.slice(5), id: p.id, data: p.data });
  }
  // duet's agent marks a stopped turn in the message's metadata.
  return { id: raw.id, role: raw.role, parts, ...(raw.metadata?.status === 'stopped' && { aborted: true }) };
}
