/** Reads an upstream response into a JSON value for the guest, bounded in size. */

export class ResponseTooLargeError extends Error {
  override name = 'ResponseTooLargeError';
}

export async function readBody(response: Response, maxBytes: number): Promise<unknown> {
  const text = await readTextBounded(response, maxBytes);
  if (text === '') return null;
  const type = response.headers.get('content-type') ?? '';
  if (/json/i.test(type) || (!type && /^\s*[[{]/.test(text))) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export async function readTextBounded(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new ResponseTooLargeError(`response of ${declared} bytes exceeds the ${maxBytes} byte limit`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new ResponseTooLargeError(`response exceeds the ${maxBytes} byte limit`);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
