/** Requests the HTTP API must refuse clearly rather than misread: unknown fields, unreadable session ids. */
import { afterAll, describe, expect, it } from 'vitest';
import { createDuet } from '../src/duet.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';

const sandbox = createQuickJSSandbox();
const { app } = createDuet({ sandbox });
afterAll(() => sandbox.close());

const post = async (path: string, body: unknown) => {
  const res = await app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as { ok?: boolean; error?: { kind: string; message: string } },
  };
};

describe('request validation', () => {
  it('refuses an unknown execute field by name instead of ignoring it', async () => {
    const { status, body } = await post('/v1/execute', { code: 'return 1', timeout: 5 });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ kind: 'bad_request' });
    expect(body.error!.message).toMatch(/timeout/);
  });

  it('refuses an unknown search field by name', async () => {
    const { status, body } = await post('/v1/search', { query: 'add a task', max: 3 });
    expect(status).toBe(400);
    expect(body.error!.message).toMatch(/max/);
  });

  it("refuses the session ids '.' and '..' (their URLs could never be read) and says what is allowed", async () => {
    for (const session of ['.', '..']) {
      const { status, body } = await post('/v1/execute', { code: 'return 1', session });
      expect(status).toBe(400);
      expect(body.error!.message).toMatch(/not '\.' or '\.\.'/);
    }
    expect((await post('/v1/execute', { code: 'return 1', session: '...' })).status).toBe(200);
    expect((await post('/v1/execute', { code: 'return 1', session: 'a.b' })).status).toBe(200);
  });

  it('refuses a timeoutMs over the maximum with the maximum in the message', async () => {
    const { status, body } = await post('/v1/execute', { code: 'return 1', timeoutMs: 10_000_000 });
    expect(status).toBe(400);
    expect(body).toMatchObject({ ok: false, error: { kind: 'bad_request' } });
    expect(body.error!.message).toMatch(/from 1 to 60000/);
  });

  it('the library refuses the same ids', async () => {
    const { executor } = createDuet({ sandbox });
    const response = await executor.execute({ code: 'return 1', session: '..' });
    expect(response).toMatchObject({ ok: false, error: { kind: 'bad_request' } });
  });
});
