import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeDocsAssets } from '../adapters/node/docs-assets.ts';
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

  it('documents itself at /openapi.json, with no security scheme while no tokens are configured', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/v1/search', '/v1/execute']));
    expect(doc.security).toBeUndefined();
    expect(doc.components.securitySchemes).toBeUndefined();
  });

  it('answers /docs without the explorer files (no docsAssets) with a page linking /openapi.json', async () => {
    for (const [path, link] of [
      ['/docs', 'openapi.json'],
      ['/docs/', '../openapi.json'],
    ]) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      const html = await res.text();
      expect(html).toContain(`<a href="${link}">`);
      expect(html).not.toContain('<script');
    }
    expect((await app.request('/docs/swagger-ui-bundle.js')).status).toBe(404);
    const broken = createDuet({
      sandbox,
      docsAssets: () => Promise.reject(new Error('ENOENT: swagger-ui-dist')),
    }).app;
    const res = await broken.request('/docs');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<a href="openapi.json">');
  });

  it('serves the demo API itself under /demo', async () => {
    const created = await post('/demo/notes', { title: 'n', text: 'hello' });
    expect(created.status).toBe(201);
    const list = (await (await app.request('/demo/notes?q=hello')).json()) as any;
    expect(list.map((n: { text: string }) => n.text)).toContain('hello');
  });
});

describe('/docs with the swagger-ui-dist files (Node adapter)', () => {
  const dist = (file: string) =>
    readFileSync(new URL(`../node_modules/swagger-ui-dist/${file}`, import.meta.url));
  const duet = createDuet({
    sandbox,
    docsAssets: nodeDocsAssets,
    policy: { tenants: { alice: { tokens: ['alice-token'] } } },
  });

  it('serves Swagger UI at /docs and /docs/ with URLs relative to the page, open without a token', async () => {
    for (const [path, here, root] of [
      ['/docs', 'docs/', ''],
      ['/docs/', '', '../'],
    ]) {
      const res = await duet.app.request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const html = await res.text();
      expect(html).toMatch(
        new RegExp(`<link rel="stylesheet" href="${here}swagger-ui\\.css\\?v=[0-9a-f]{16}">`),
      );
      expect(html).toMatch(
        new RegExp(`<script src="${here}swagger-ui-bundle\\.js\\?v=[0-9a-f]{16}"></script>`),
      );
      expect(html).toContain(`new URL(${JSON.stringify(`${root}openapi.json`)}, location.href)`);
      expect(html).toContain('tryItOutEnabled: true');
    }
    expect((await duet.app.request('/v1/sessions/x/state')).status).toBe(401);
  });

  it('serves the two files with their content types, cached for a year under their digest', async () => {
    const html = await (await duet.app.request('/docs')).text();
    for (const [file, type] of [
      ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
      ['swagger-ui.css', 'text/css; charset=utf-8'],
    ]) {
      const url = new RegExp(`docs/${file.replace('.', '\\.')}\\?v=[0-9a-f]+`).exec(html)![0];
      const res = await duet.app.request(`/${url}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(Buffer.from(await res.arrayBuffer()).equals(dist(file))).toBe(true);
      const etag = res.headers.get('etag')!;
      expect(etag).toBe(`"${url.split('?v=')[1]}"`);
      // Without the current digest in the URL the response may change: browsers revalidate.
      const bare = await duet.app.request(`/docs/${file}`, { headers: { 'if-none-match': etag } });
      expect(bare.status).toBe(304);
      expect(bare.headers.get('cache-control')).toBe('no-cache');
    }
    expect((await duet.app.request('/docs/package.json')).status).toBe(404);
    expect((await duet.app.request('/docs/..%2Fpackage.json')).status).toBe(404);
  });

  it('declares the bearer scheme in /openapi.json when tokens are configured (the Authorize button)', async () => {
    const doc = (await (await duet.app.request('/openapi.json')).json()) as any;
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/healthz'].get.security).toEqual([]);
  });
});
