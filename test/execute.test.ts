import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuet, type Duet } from '../src/duet.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';
import { githubApi } from './support/github.ts';
import { startUpstream, type Upstream } from './support/upstream.ts';

const SECRET = 'token ghp_very-secret-value';
let upstream: Upstream;
let duet: Duet;
const sandbox = createQuickJSSandbox();

beforeAll(async () => {
  upstream = await startUpstream();
  duet = createDuet({
    apis: [await githubApi()],
    sandbox,
    upstreams: { github: { baseUrl: upstream.url, headers: { Authorization: SECRET } } },
  });
});
afterAll(async () => {
  await upstream.close();
  await sandbox.close();
});

const run = (code: string, extra: { session?: string; timeoutMs?: number } = {}) =>
  duet.executor.execute({ code, ...extra });

describe('execute against a real upstream with GitHub’s spec', () => {
  it('creates and lists issues; the upstream gets the credential, the snippet never sees it', async () => {
    const before = upstream.received.length;
    const response = await run(`
      const created: { number: number } = await github.issuesCreate({ owner: 'octo', repo: 'hello', body: { title: 'First', labels: ['bug'] } });
      await github.issuesCreate({ owner: 'octo', repo: 'hello', body: { title: 'Second' } });
      const list = await github.issuesListForRepo({ owner: 'octo', repo: 'hello', state: 'open', per_page: 50 });
      console.log('globals', Object.getOwnPropertyNames(globalThis).join(','));
      return { created: created.number, titles: list.map((i: any) => i.title) };
    `);
    expect(response.error).toBeUndefined();
    expect(response.result).toEqual({ created: 1, titles: ['First', 'Second'] });
    expect(response.calls.map((c) => [c.name, c.method, c.path, c.status])).toEqual([
      ['issuesCreate', 'POST', '/repos/octo/hello/issues', 201],
      ['issuesCreate', 'POST', '/repos/octo/hello/issues', 201],
      ['issuesListForRepo', 'GET', '/repos/octo/hello/issues', 200],
    ]);
    const sent = upstream.received.slice(before);
    expect(sent.map((r) => r.headers.authorization)).toEqual([SECRET, SECRET, SECRET]);
    expect(sent[0].headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent[0].body)).toEqual({ title: 'First', labels: ['bug'] });
    expect(new URL(sent[2].url, 'http://x').searchParams.get('per_page')).toBe('50');
    expect(JSON.stringify(response)).not.toContain('very-secret');
  });

  it('rejects non-2xx responses with status and body the snippet can catch', async () => {
    const response = await run(`
      try { await github.reposGet({ owner: 'nobody', repo: 'nothing' }); return 'no error'; }
      catch (e) { return { status: e.status, body: e.body, isError: e instanceof Error }; }
    `);
    expect(response.result).toEqual({
      status: 404,
      body: { message: 'Not Found', path: '/repos/nobody/nothing' },
      isError: true,
    });
    expect(response.calls[0].status).toBe(404);
  });

  it('an uncaught upstream error fails the run as a runtime error naming the call', async () => {
    const response = await run(`return await github.reposGet({ owner: 'nobody', repo: 'nothing' });`);
    expect(response.ok).toBe(false);
    expect(response.error?.kind).toBe('runtime');
    expect(response.error?.message).toContain('404');
  });

  it('path parameters are encoded and can never leave the base URL', async () => {
    const before = upstream.received.length;
    const response = await run(`
      const out = [];
      for (const owner of ['../../admin', 'a/b?c#d', '%2e%2e', '..', '.']) {
        try { await github.reposGet({ owner, repo: 'r' }); out.push('sent'); } catch (e) { out.push(e.status ?? e.message); }
      }
      return out;
    `);
    const paths = upstream.received.slice(before).map((r) => r.url);
    expect(paths).toEqual(['/repos/..%2F..%2Fadmin/r', '/repos/a%2Fb%3Fc%23d/r', '/repos/%252e%252e/r']);
    const out = response.result as unknown[];
    expect(out.slice(0, 3)).toEqual([404, 404, 404]);
    expect(String(out[3])).toContain("may not be '.' or '..'");
    expect(String(out[4])).toContain("may not be '.' or '..'");
  });

  it('refuses CR/LF in header parameters and unknown or missing parameters, sending nothing', async () => {
    const before = upstream.received.length;
    const response = await run(`
      const out = [];
      const attempts = [
        () => github.reposGet({ owner: 'o' }),
        () => github.reposGet({ owner: 'o', repo: 'r', ownr: 'typo' }),
        () => github.issuesCreate({ owner: 'o', repo: 'r' }),
        () => github.reposGet('not an object'),
      ];
      for (const attempt of attempts) { try { await attempt(); out.push('sent'); } catch (e) { out.push(e.message); } }
      return out;
    `);
    expect(upstream.received.length).toBe(before);
    const messages = response.result as string[];
    expect(messages[0]).toContain("missing required path parameter 'repo'");
    expect(messages[1]).toContain("unknown parameter 'ownr'");
    expect(messages[2]).toContain("missing required 'body'");
    expect(messages[3]).toContain('takes one object argument');
  });

  it('reports a refused connection as a runtime error with the call recorded', async () => {
    const dead = createDuet({
      apis: [await githubApi()],
      sandbox,
      upstreams: { github: { baseUrl: 'http://127.0.0.1:1' } },
    });
    const response = await dead.executor.execute({ code: `return await github.usersGetAuthenticated();` });
    expect(response.error?.kind).toBe('runtime');
    expect(response.error?.message).toMatch(/ECONNREFUSED|failed/);
    expect(response.calls).toMatchObject([{ name: 'usersGetAuthenticated', status: 0 }]);
  });
});

describe('execute pipeline', () => {
  it('strips TypeScript and reports syntax errors on the snippet’s own lines', async () => {
    const typed = await run(`interface P { x: number }\nconst p: P = { x: 41 };\nreturn p.x + 1 as number;`);
    expect(typed.result).toBe(42);
    const broken = await run(`const a = 1;\nconst b = ;\nreturn a;`);
    expect(broken.ok).toBe(false);
    expect(broken.error?.kind).toBe('typecheck');
    expect(broken.error?.diagnostics?.[0]).toMatchObject({ line: 2 });
    expect(broken.calls).toEqual([]);
  });

  it('gives bad_request for invalid input without running anything', async () => {
    for (const request of [
      { code: '' },
      { code: 42 },
      { code: 'return 1', session: 'bad session id!' },
      { code: 'return 1', timeoutMs: -5 },
      { code: 'x'.repeat(200_000) },
    ]) {
      const response = await duet.executor.execute(request as never);
      expect(response.error?.kind, JSON.stringify(request).slice(0, 60)).toBe('bad_request');
    }
  });

  it('keeps state per session and gives runs without a session a fresh store', async () => {
    await run(`await state.put('count', 1); await state.put('other', { a: [1, 2] });`, { session: 's1' });
    const second = await run(
      `const n = await state.get('count'); await state.put('count', n + 1); return state.list();`,
      {
        session: 's1',
      },
    );
    expect(second.result).toEqual({ count: 2, other: { a: [1, 2] } });
    expect((await run(`return await state.get('count');`, { session: 's2' })).result).toBeUndefined();
    expect((await run(`return await state.get('count');`)).result).toBeUndefined();
    expect(await duet.sessions.snapshot('s1')).toEqual({ count: 2, other: { a: [1, 2] } });
  });

  it('serialises the turns of one session: 20 concurrent increments lose nothing', async () => {
    const code = `const n = (await state.get('n')) ?? 0; await state.list(); await state.put('n', n + 1); return n;`;
    await Promise.all(Array.from({ length: 20 }, () => run(code, { session: 'counter' })));
    expect((await duet.sessions.snapshot('counter'))?.n).toBe(20);
  });

  it('has no fetch unless hosts are allowed', async () => {
    expect((await run(`return typeof fetch;`)).result).toBe('undefined');
  });

  it('lets guest fetch reach only allowlisted hosts, checking every redirect hop', async () => {
    const port = new URL(upstream.url).port;
    const withFetch = createDuet({ apis: [await githubApi()], sandbox, allowFetch: [`127.0.0.1:${port}`] });
    const ok = await withFetch.executor.execute({
      code: `const r = await fetch('${upstream.url}/text'); return [r.status, await r.text()];`,
    });
    expect(ok.result).toEqual([200, 'plain words']);
    const denied = await withFetch.executor.execute({
      code: `try { await fetch('http://localhost:${port}/text'); } catch {} return 'swallowed';`,
    });
    expect(denied.error?.kind).toBe('egress');
  });
});

describe('the bundled demo API', () => {
  it('is searchable and executable in-process', async () => {
    const demo = createDuet({ sandbox });
    expect(demo.index.search('add a new task', { limit: 1 })[0].operation.name).toBe('createTask');
    const response = await demo.executor.execute({
      code: `const t = await demo.createTask({ body: { title: 'Write docs', tags: ['docs'] } });
             await demo.updateTask({ id: t.id, body: { done: true } });
             return await demo.listTasks({ done: 'true' });`,
    });
    expect(response.error).toBeUndefined();
    expect(response.result).toMatchObject([{ title: 'Write docs', done: true, tags: ['docs'] }]);
    expect(response.calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
      'POST /tasks 201',
      'PATCH /tasks/t1 200',
      'GET /tasks 200',
    ]);
  });
});
