/** Server-sent events read from a byte stream, as model servers stream their answers. */

export interface SseEvent {
  /** The `event:` field, if any (Anthropic names its events; OpenAI-compatible servers do not). */
  event?: string;
  data: string;
}

/**
 * The events of `body` in order: `data:` lines joined by newlines, `event:` kept, comments (`:`) and
 * other fields skipped, any line ending accepted. A final event without its blank line still counts.
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let event: string | undefined;
  const flush = (): SseEvent | undefined => {
    const out = data.length > 0 ? { event, data: data.join('\n') } : undefined;
    data = [];
    event = undefined;
    return out;
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let newline = buffer.search(/\r\n|\r|\n/);
      while (newline >= 0) {
        const line = buffer.slice(0, newline);
        const width = buffer.startsWith('\r\n', newline) ? 2 : 1;
        // A lone \r at the end of the buffer may be half of \r\n: wait for the next piece.
        if (buffer[newline] === '\r' && width === 1 && newline === buffer.length - 1) break;
        buffer = buffer.slice(newline + width);
        if (line === '') {
          const out = flush();
          if (out) yield out;
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let value = colon < 0 ? '' : line.slice(colon + 1);
          if (value.startsWith(' ')) value = value.slice(1);
          if (field === 'data') data.push(value);
          else if (field === 'event') event = value;
        }
        newline = buffer.search(/\r\n|\r|\n/);
      }
    }
    if (buffer.startsWith('data:')) data.push(buffer.slice(5).replace(/^ /, ''));
    const last = flush();
    if (last) yield last;
  } finally {
    // The consumer may stop early (a stopped turn): let the server's connection go.
    await reader.cancel().catch(() => {});
  }
}
