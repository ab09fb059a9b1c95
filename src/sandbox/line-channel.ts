/** Pool messages as JSON lines on a byte stream: how a sandbox subprocess and its pool talk over stdio. */

const encoder = new TextEncoder();

export function encodeLine(message: unknown): Uint8Array {
  // JSON.stringify escapes every newline inside strings, so one message is exactly one line.
  return encoder.encode(`${JSON.stringify(message)}\n`);
}

/**
 * Calls `onMessage` for every JSON line of the stream until it ends. Lines that are not JSON objects
 * (stray output of the runtime itself) are skipped rather than trusted.
 */
export async function readLines(
  stream: ReadableStream<Uint8Array>,
  onMessage: (message: any) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = '';
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        continue;
      }
      if (message !== null && typeof message === 'object' && 'type' in message) onMessage(message);
    }
  }
}
