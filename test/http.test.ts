import { afterAll, describe, expect, it } from 'vitest';
import { createDuet } from '../src/duet.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';

const sandbox = createQuickJSSandbox();
const { app } = createDuet({ sandbox, maxBodyBytes: 64 * 1024 });
afterAll(() => sandbox.close());

const post = (
  path: string,
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) =>
  app.request(path, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('HTTP API', () => {
  it('answers /healthz', async () => {
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect((await res.json()) as any).toEqual({ ok: true });
  });

  it('searches with declarations', async () => {
    const res = await post('/v1/search', { query: 'delete a note', limit: 3 });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as any;
    expect(results[0]).toMatchObject({
      api: 'demo',
      name: 'deleteNote',
      method: 'DELETE',
      path: '/notes/{id}',
    });
    expect(results[0].declaration).toContain('deleteNote(');
    expect(results.length).toBeLessThanOrEqual(3);
  });

  it('searches by code: a snippet filters the catalog in the sandbox', async () => {
    const res = await post('/v1/search', {
      code: `const ops = await catalog.operations({ api: 'demo' });
             return ops.filter((op) => op.method === 'DELETE').sort((a, b) => a.name < b.name ? -1 : 1);`,
    });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as any;
    expect(results.map((r: { name: string }) => r.name)).toEqual(['deleteNote', 'deleteTask']);
    expect(results[0].declaration).toContain('deleteNote(args: { id: string })');
    const ranked = (await (
      await post('/v1/search', { code: `return catalog.search({ query: 'write a note', limit: 1 })` })
    ).json()) as any;
    expect(ranked.results[0].name).toBe('createNote');
    const broken = await post('/v1/search', { code: 'return catalog.nothing()' });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as any).error.kind).toBe('runtime');
    const wrong = await post('/v1/search', { code: 'return [{ api: "demo", name: "nope" }]' });
    expect(((await wrong.json()) as any).error.message).toContain('demo.nope');
    const neither = await post('/v1/search', { limit: 3 });
    expect(neither.status).toBe(400);
  });

  it('executes and keeps session state visible at /v1/sessions/{id}/state', async () => {
    const res = await post('/v1/execute', {
      code: `const t = await demo.createTask({ body: { title: 'HTTP' } }); await state.put('last', t.id); return t.title;`,
      session: 'web-1',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ ok: true, result: 'HTTP', logs: [] });
    expect(body.calls[0]).toMatchObject({ api: 'demo', name: 'createTask', method: 'POST', status: 201 });
    expect(typeof body.durationMs).toBe('number');
    const state = (await (await app.request('/v1/sessions/web-1/state')).json()) as any;
    expect(state).toEqual({ session: 'web-1', state: { last: expect.stringMatching(/^t\d+$/) } });
  });

  it('returns guest failures as 200 with ok: false and an error kind', async () => {
    const body = (await (await post('/v1/execute', { code: 'throw new TypeError("nope")' })).json()) as any;
    expect(body).toMatchObject({ ok: false, error: { kind: 'runtime' } });
    expect(body.error.message).toContain('nope');
  });

  it('rejects malformed JSON with 400', async () => {
    const res = await post('/v1/execute', '{"code": ');
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.kind).toBe('bad_request');
  });

  it('rejects invalid fields with 400 and says which', async () => {
    const res = await post('/v1/execute', { code: 123 });
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.error.message).toContain('code');
    expect(body).toMatchObject({ ok: false, logs: [], calls: [] });
    const search = await post('/v1/search', { query: 'x', limit: 1000 });
    expect(search.status).toBe(400);
    expect(((await search.json()) as any).error.message).toContain('limit');
  });

  it('rejects a non-JSON content type with 415', async () => {
    const res = await post('/v1/execute', 'code=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
  });

  it('rejects oversize bodies with 413', async () => {
    const res = await post('/v1/execute', { code: `return '${'x'.repeat(70 * 1024)}'` });
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).error.kind).toBe('payload_too_large');
  });

  it('answers unknown routes and unknown sessions with JSON 404', async () => {
    const res = await app.request('/v2/nothing');
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).error.kind).toBe('not_found');
    expect((await app.request('/v1/sessions/never-used/state')).status).toBe(404);
    expect((await app.request('/v1/sessions/bad%20id/state')).status).toBe(400);
  });

  it('documents itself at /openapi.json and serves an offline docs page', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/v1/search', '/v1/execute']));
    const docs = await app.request('/docs');
    expect(docs.headers.get('content-type')).toContain('text/html');
    const html = await docs.text();
    expect(html).toContain('openapi.json');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
  });

  it('serves the demo API itself under /demo', async () => {
    const created = await post('/demo/notes', { title: 'n', text: 'hello' });
    expect(created.status).toBe(201);
    const list = (await (await app.request('/demo/notes?q=hello')).json()) as any;
    expect(list.map((n: { text: string }) => n.text)).toContain('hello');
  });
});
