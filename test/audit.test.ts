/** The audit trail: what each execution records, paging and JSON Lines, no secrets, per tenant and session. */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openActorSessions } from '../adapters/node/actor-sessions.ts';
import { createDuet } from '../src/duet.ts';
import type { TypeChecker } from '../src/execute/types.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';

const sandbox = createQuickJSSandbox();
const dirs: string[] = [];
afterAll(async () => {
  await sandbox.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const KEY = 'sk-live-0123456789abcdef';

const post = (
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  body: unknown,
) =>
  app.request('/v1/execute', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('the audit trail', () => {
  it('records tenant, session, code and hash, type-check, each call, outcome, error kind, duration, time', async () => {
    const checker: TypeChecker = {
      check: (code) => (code.includes('nope') ? [{ message: "Cannot find name 'nope'.", line: 1 }] : []),
    };
    const duet = createDuet({ sandbox, typeChecker: checker });
    const code = `const t = await demo.createTask({ body: { title: 'audited' } }); await demo.getTask({ id: 'missing' });`;
    const started = Date.now();
    await duet.executor.execute({ code, session: 'a1' });
    await duet.executor.execute({ code: 'return nope', session: 'a1' });
    await duet.executor.execute({ code: 'return 1 +', session: 'a1' });
    await duet.executor.execute({ code: 'return 42', session: 'a1', typecheck: false });
    const res = await duet.app.request('/v1/sessions/a1/audit');
    expect(res.status).toBe(200);
    const { session, entries, next } = (await res.json()) as any;
    expect(session).toBe('a1');
    expect(next).toBeUndefined();
    expect(entries).toHaveLength(4);
    const [first, typeError, syntaxError, skipped] = entries;
    expect(first).toMatchObject({
      seq: 1,
      tenant: '',
      session: 'a1',
      mode: 'run',
      code,
      codeSha256: createHash('sha256').update(code).digest('hex'),
      typecheck: 'passed',
      ok: false,
      errorKind: 'runtime',
      calls: [
        { api: 'demo', name: 'createTask', method: 'POST', path: '/tasks', status: 201, outcome: 'applied' },
        {
          api: 'demo',
          name: 'getTask',
          method: 'GET',
          path: '/tasks/missing',
          status: 404,
          outcome: 'applied',
        },
      ],
    });
    expect(first.error).toContain('404');
    expect(typeof first.durationMs).toBe('number');
    expect(Date.parse(first.time)).toBeGreaterThanOrEqual(started - 1000);
    expect(typeError).toMatchObject({ seq: 2, typecheck: 'failed', errorKind: 'typecheck', calls: [] });
    expect(syntaxError).toMatchObject({ seq: 3, typecheck: 'failed', errorKind: 'typecheck' });
    expect(skipped).toMatchObject({ seq: 4, typecheck: 'skipped', ok: true });
    expect(skipped.errorKind).toBeUndefined();
  });

  it('pages by seq and exports JSON Lines', async () => {
    const duet = createDuet({ sandbox });
    for (let i = 1; i <= 5; i++) await duet.executor.execute({ code: `return ${i}`, session: 'paged' });
    const page = async (query: string) =>
      (await (await duet.app.request(`/v1/sessions/paged/audit${query}`)).json()) as any;
    const one = await page('?limit=2');
    expect(one.entries.map((e: any) => e.seq)).toEqual([1, 2]);
    expect(one.next).toBe(2);
    const two = await page(`?limit=2&after=${one.next}`);
    expect(two.entries.map((e: any) => e.seq)).toEqual([3, 4]);
    const three = await page(`?limit=2&after=${two.next}`);
    expect(three.entries.map((e: any) => e.seq)).toEqual([5]);
    expect(three.next).toBeUndefined();
    expect((await duet.app.request('/v1/sessions/paged/audit?limit=0')).status).toBe(400);

    const jsonl = await duet.app.request('/v1/sessions/paged/audit?format=jsonl&after=1');
    expect(jsonl.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await jsonl.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((e) => [e.seq, e.code])).toEqual([
      [2, 'return 2'],
      [3, 'return 3'],
      [4, 'return 4'],
      [5, 'return 5'],
    ]);
    const byAccept = await duet.app.request('/v1/sessions/paged/audit', {
      headers: { accept: 'application/x-ndjson' },
    });
    expect((await byAccept.text()).trim().split('\n')).toHaveLength(5);
    expect((await duet.app.request('/v1/sessions/never/audit')).status).toBe(404);
  });

  it('exports more entries than one page holds', async () => {
    const duet = createDuet({ sandbox });
    await Promise.all(
      Array.from({ length: 520 }, () => duet.executor.execute({ code: 'return 0', session: 'many' })),
    );
    const text = await (await duet.app.request('/v1/sessions/many/audit?format=jsonl')).text();
    const seqs = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).seq);
    expect(seqs).toEqual(Array.from({ length: 520 }, (_, i) => i + 1));
  });

  it('never holds credentials, even when the upstream echoes them into an error', async () => {
    const duet = createDuet({
      sandbox,
      upstreams: {
        demo: {
          headers: { 'X-Api-Key': KEY },
          fetch: async (request) =>
            Response.json({ echoed: request.headers.get('x-api-key') }, { status: 500, statusText: 'Oops' }),
        },
      },
    });
    const response = await (
      await post(duet.app, {
        code: `try { await demo.listTasks({}); } catch (e) { throw new Error('upstream said ' + JSON.stringify(e.body)); }`,
        session: 'secret',
      })
    ).json();
    // The snippet got the echo (the upstream chose to send it back); the trail does not keep it.
    expect(JSON.stringify(response)).toContain(KEY);
    const audit = await (await duet.app.request('/v1/sessions/secret/audit')).text();
    expect(audit).not.toContain(KEY);
    expect(audit).toContain('[redacted]');
    const jsonl = await (await duet.app.request('/v1/sessions/secret/audit?format=jsonl')).text();
    expect(jsonl).not.toContain(KEY);
  });

  it('is durable with the SQLite actors, and keeps a session state untouched', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'duet-audit-'));
    dirs.push(dir);
    const first = await openActorSessions({ dir });
    const one = createDuet({ sandbox, sessions: first.sessions });
    await one.executor.execute({ code: `await state.put('k', 1); return 'a'`, session: 'd1' });
    await one.executor.execute({ code: `return Object.keys(await state.list())`, session: 'd1' });
    await first.close();
    const second = await openActorSessions({ dir });
    const two = createDuet({ sandbox, sessions: second.sessions });
    const { entries } = (await (await two.app.request('/v1/sessions/d1/audit')).json()) as any;
    expect(entries.map((e: any) => [e.seq, e.ok])).toEqual([
      [1, true],
      [2, true],
    ]);
    // The trail lives beside the state, invisible to the snippet and to the state route.
    expect(await two.sessions.snapshot('d1')).toEqual({ k: 1 });
    const listed = await two.executor.execute({
      code: `return Object.keys(await state.list())`,
      session: 'd1',
    });
    expect(listed.result).toEqual(['k']);
    const reserved = await two.executor.execute({
      code: `return state.get('\\u0000duet/audit-seq')`,
      session: 'd1',
    });
    expect(reserved.error?.message).toContain('reserved');
    await second.close();
  });
});
