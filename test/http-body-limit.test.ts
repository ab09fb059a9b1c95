/**
 * The body size limit over a real Node server: decided from Content-Length when there is one (the body is
 * not streamed through a counter), counted as it arrives when the body is chunked. Either way an oversize
 * body gets a JSON 413 and a body within the limit runs.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeServer, serveNode } from '../adapters/node/serve.ts';
import { createDuet } from '../src/duet.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';

const LIMIT = 4096;
const sandbox = createQuickJSSandbox();
let server: NodeServer;

beforeAll(async () => {
  server = await serveNode(createDuet({ sandbox, maxBodyBytes: LIMIT }), {
    port: 0,
    host: '127.0.0.1',
    signals: false,
  });
});
afterAll(async () => {
  await server.close();
  await sandbox.close();
});

/** POSTs `chunks` to /v1/execute, with Content-Length or chunked (no length), as a client would send them. */
function post(chunks: string[], framing: 'length' | 'chunked'): Promise<{ status: number; body: any }> {
  const { port } = new URL(server.url);
  const total = chunks.reduce((n, c) => n + Buffer.byteLength(c), 0);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/execute',
        headers: {
          'content-type': 'application/json',
          ...(framing === 'length' ? { 'content-length': total } : { 'transfer-encoding': 'chunked' }),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    // The server may answer 413 and close before the whole body is sent.
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const executeBody = (padding: number) =>
  JSON.stringify({ code: `return ${JSON.stringify('x'.repeat(padding))}.length` });

describe('request body limit', () => {
  for (const framing of ['length', 'chunked'] as const) {
    it(`runs a body within the limit (${framing})`, async () => {
      const body = executeBody(1000);
      const { status, body: answer } = await post([body.slice(0, 500), body.slice(500)], framing);
      expect(status).toBe(200);
      expect(answer).toMatchObject({ ok: true, result: 1000 });
    });

    it(`refuses a body over the limit with a JSON 413 (${framing})`, async () => {
      const body = executeBody(LIMIT + 100);
      const { status, body: answer } = await post([body.slice(0, 2000), body.slice(2000)], framing);
      expect(status).toBe(413);
      expect(answer.error).toMatchObject({ kind: 'payload_too_large' });
      expect(answer.error.message).toContain(String(LIMIT));
    });
  }

  it('still reads malformed JSON sent with a Content-Length as a 400, not a crash', async () => {
    const { status, body } = await post(['{"code": "return 1"'], 'length');
    expect(status).toBe(400);
    expect(body.error.kind).toBe('bad_request');
  });
});
