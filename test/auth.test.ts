/** Authentication and tenants: every door needs a token once tokens exist; tenants never see each other. */
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, describe, expect, it } from 'vitest';
import { createDuet } from '../src/duet.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';
import { createAuthenticator, digestsEqual, tokenDigest } from '../src/tenant/auth.ts';

const sandbox = createQuickJSSandbox();
afterAll(() => sandbox.close());

const ACME = 'acme-secret-token-1';
const BETA = 'beta-secret-token-2';

async function duetWithTokens() {
  return createDuet({
    sandbox,
    policy: {
      tenants: {
        acme: { tokens: [ACME] },
        beta: { tokenSha256: [await tokenDigest(BETA)] },
      },
    },
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

/** Every route that reads or acts, with a body where it takes one. */
const DOORS: [string, string, unknown?][] = [
  ['POST', '/v1/search', { query: 'task' }],
  ['POST', '/v1/execute', { code: 'return 1' }],
  ['GET', '/v1/sessions/s1/state'],
  ['GET', '/v1/sessions/s1/audit'],
  ['POST', '/v1/sessions/s1/approvals', { plan: 'p' }],
  ['POST', '/mcp', { jsonrpc: '2.0', id: 1, method: 'tools/list' }],
  ['GET', '/mcp'],
  ['GET', '/demo/tasks'],
  ['GET', '/no-such-route'],
];

describe('tokens', () => {
  it('answer 401 JSON on every door without a valid token, and let the right one in', async () => {
    const { app } = await duetWithTokens();
    for (const [method, path, body] of DOORS) {
      for (const headers of [
        { 'content-type': 'application/json' },
        bearer('wrong'),
        { authorization: ACME, 'content-type': 'application/json' },
        { authorization: `Basic ${btoa(`x:${ACME}`)}`, 'content-type': 'application/json' },
      ] as Record<string, string>[]) {
        const res = await app.request(path, {
          method,
          headers: { accept: 'application/json, text/event-stream', ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer realm="duet"');
        expect(await res.json()).toMatchObject({ ok: false, error: { kind: 'unauthorized' } });
      }
    }
    for (const token of [ACME, BETA]) {
      const res = await app.request('/v1/execute', {
        method: 'POST',
        headers: bearer(token),
        body: JSON.stringify({ code: 'return 2' }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ok: true, result: 2 });
    }
    // Liveness and the API description stay open.
    expect((await app.request('/healthz')).status).toBe(200);
    expect((await app.request('/openapi.json')).status).toBe(200);
  });

  it('map tokens to tenants and compare digests without an early exit', async () => {
    const auth = createAuthenticator({
      tenants: { a: { tokens: ['first'] }, b: { tokens: ['second', 'third'] } },
    });
    expect(auth.required).toBe(true);
    expect(await auth.authenticate('Bearer first')).toBe('a');
    expect(await auth.authenticate('bearer  third')).toBe('b');
    expect(await auth.authenticate('Bearer firs')).toBeUndefined();
    expect(await auth.authenticate('Bearer first extra')).toBeUndefined();
    expect(await auth.authenticate(undefined)).toBeUndefined();
    expect(await createAuthenticator({}).authenticate(undefined)).toBe('');
    expect(digestsEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(digestsEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(digestsEqual(new Uint8Array([1]), new Uint8Array([1, 3]))).toBe(false);
  });
});

describe('tenants', () => {
  it('keep state and audit apart: one session id in two tenants is two sessions', async () => {
    const { app } = await duetWithTokens();
    const execute = (token: string, code: string) =>
      app.request('/v1/execute', {
        method: 'POST',
        headers: bearer(token),
        body: JSON.stringify({ code, session: 'shared' }),
      });
    await execute(ACME, `await state.put('owner', 'acme'); return 1;`);
    await execute(ACME, `return 2;`);
    const seen = await (await execute(BETA, `return (await state.get('owner')) ?? 'nothing';`)).json();
    expect(seen).toMatchObject({ ok: true, result: 'nothing' });
    const get = async (token: string, path: string) =>
      (await app.request(path, { headers: bearer(token) })).json();
    expect(await get(ACME, '/v1/sessions/shared/state')).toEqual({
      session: 'shared',
      state: { owner: 'acme' },
    });
    expect(await get(BETA, '/v1/sessions/shared/state')).toEqual({ session: 'shared', state: {} });
    const acmeAudit = (await get(ACME, '/v1/sessions/shared/audit')) as any;
    const betaAudit = (await get(BETA, '/v1/sessions/shared/audit')) as any;
    expect(acmeAudit.entries.map((e: any) => [e.tenant, e.seq])).toEqual([
      ['acme', 1],
      ['acme', 2],
    ]);
    expect(betaAudit.entries.map((e: any) => [e.tenant, e.code])).toEqual([
      ['beta', `return (await state.get('owner')) ?? 'nothing';`],
    ]);
    // A session only one tenant used does not exist for the other.
    await app.request('/v1/execute', {
      method: 'POST',
      headers: bearer(ACME),
      body: JSON.stringify({ code: 'return 1', session: 'acme-only' }),
    });
    expect((await app.request('/v1/sessions/acme-only/state', { headers: bearer(BETA) })).status).toBe(404);
    expect((await app.request('/v1/sessions/acme-only/audit', { headers: bearer(BETA) })).status).toBe(404);
  });

  it('reach MCP too: its execute runs in the tenant of the token', async () => {
    const duet = await duetWithTokens();
    const fetchApp: typeof fetch = async (input, init) => duet.app.fetch(new Request(input, init));
    const connect = async (token?: string) => {
      const client = new McpClient({ name: 'test', version: '1' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL('http://duet.test/mcp'), {
          fetch: fetchApp,
          requestInit: token ? { headers: { authorization: `Bearer ${token}` } } : {},
        }),
      );
      return client;
    };
    await expect(connect()).rejects.toThrow(/401|unauthorized/i);
    const client = await connect(ACME);
    const result = await client.callTool({
      name: 'execute',
      arguments: { code: `await state.put('via', 'mcp'); return 'done';`, session: 'm1' },
    });
    expect(JSON.parse((result.content as { text: string }[])[0].text)).toMatchObject({ ok: true });
    await client.close();
    expect(await duet.sessions.snapshot('m1', { tenant: 'acme' })).toEqual({ via: 'mcp' });
    expect(await duet.sessions.snapshot('m1', { tenant: 'beta' })).toBeUndefined();
  });
});
