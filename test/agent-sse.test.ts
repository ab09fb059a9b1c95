/** The SSE reader the model clients use: events from bytes split anywhere, any line ending, comments and fields. */
import { describe, expect, it } from 'vitest';
import { readSse } from '../src/agent/model/sse.ts';

function streamOf(pieces: string[]): ReadableStream<Uint8Array> {
  const bytes = pieces.map((piece) => new TextEncoder().encode(piece));
  return new ReadableStream({
    pull(controller) {
      const next = bytes.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

async function events(pieces: string[]) {
  const out = [];
  for await (const event of readSse(streamOf(pieces))) out.push(event);
  return out;
}

describe('readSse', () => {
  it('reads events whatever the pieces and line endings', async () => {
    const text =
      ': ping\r\nevent: message_start\r\ndata: {"a":1}\r\n\r\ndata: two\ndata: lines\n\nid: 7\rdata: é\r\rdata: [DONE]';
    const expected = [
      { event: 'message_start', data: '{"a":1}' },
      { event: undefined, data: 'two\nlines' },
      { event: undefined, data: 'é' },
      { event: undefined, data: '[DONE]' },
    ];
    expect(await events([text])).toEqual(expected);
    // Split between every byte, the multi-byte é and the \r\n pairs included.
    const bytes = [...new TextEncoder().encode(text)].map((b) => String.fromCharCode(b));
    const split = await (async () => {
      const out = [];
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = bytes.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(new Uint8Array([next.charCodeAt(0)]));
        },
      });
      for await (const event of readSse(stream)) out.push(event);
      return out;
    })();
    expect(split).toEqual(expected);
  });
});
