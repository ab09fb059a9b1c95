/** Dry run and approval: plan without sending writes, apply a plan once, refuse writes outside it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuet, type Duet } from '../src/duet.ts';
import { writePlan, writeProgress } from '../src/execute/plan.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';
import { githubApi } from './support/github.ts';
import { startUpstream, type Upstream } from './support/upstream.ts';

const sandbox = createQuickJSSandbox();
let upstream: Upstream;
let duet: Duet;
beforeAll(async () => {
  upstream = await startUpstream();
  duet = createDuet({
    apis: [await githubApi()],
    sandbox,
    upstreams: { github: { baseUrl: upstream.url, headers: { Authorization: 'token gh-secret-value' } } },
    policy: {
      apis: {
        github: {
          requireApproval: [{ id: 'issues-need-approval', operation: 'issuesCreate' }],
          idempotencyHeader: 'Idempotency-Key',
        },
      },
    },
  });
});
afterAll(async () => {
  await upstream?.close();
  await sandbox.close();
});

const http = (path: string, body: unknown) =>
  duet.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const posts = (repo: string) =>
  upstream.received.filter((r) => r.method === 'POST' && r.url.includes(`/${repo}/`));

/** Counts open issues and files one titled after the count. */
const FILE_ISSUE = (repo: string) => `
  const open = await github.issuesListForRepo({ owner: 'o', repo: '${repo}', state: 'all' });
  await state.put('seen', open.length);
  const created = await github.issuesCreate({ owner: 'o', repo: '${repo}', body: { title: 'issue ' + open.length } });
  return { open: open.length, created };
`;

describe('dry run', () => {
  it('needs a session', async () => {
    const res = await http('/v1/execute', { code: 'return 1', dryRun: true });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { kind: 'bad_request', message: expect.stringContaining('session') },
    });
  });

  it('sends reads, records writes without sending them, and discards state writes', async () => {
    const before = upstream.received.length;
    const res = await http('/v1/execute', { code: FILE_ISSUE('dry'), session: 'plan-1', dryRun: true });
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ ok: true, result: { open: 0, created: { dryRun: true, planned: 0 } } });
    expect(upstream.received.slice(before).map((r) => r.method)).toEqual(['GET']);
    expect(body.calls.map((c: any) => [c.name, c.status, c.outcome])).toEqual([
      ['issuesListForRepo', 200, undefined],
      ['issuesCreate', 0, 'not-sent'],
    ]);
    expect(body.plan).toEqual({
      id: expect.any(String),
      status: 'pending',
      calls: [
        {
          index: 0,
          api: 'github',
          name: 'issuesCreate',
          method: 'POST',
          path: '/repos/{owner}/{repo}/issues',
          args: { owner: 'o', repo: 'dry', body: { title: 'issue 0' } },
        },
      ],
    });
    expect(await duet.sessions.snapshot('plan-1')).toEqual({});
  });
});

describe('dry run arguments', () => {
  it('are checked as for a real call, so no plan holds a call that cannot be built', async () => {
    const res = await http('/v1/execute', {
      code: `return github.issuesCreate({ owner: 'o', repo: 'r', body: { title: 't' }, bogus: 1 });`,
      session: 'plan-bad',
      dryRun: true,
    });
    const body = (await res.json()) as any;
    expect(body).toMatchObject({
      ok: false,
      error: { kind: 'runtime', message: expect.stringContaining('bogus') },
    });
    expect(body.plan).toBeUndefined();
  });
});

describe('dry run and fetch', () => {
  it('sends GET and HEAD fetches only', async () => {
    const withFetch = createDuet({ sandbox, allowFetch: [new URL(upstream.url).host] });
    const before = upstream.received.length;
    const post = await withFetch.executor.execute({
      code: `await fetch('${upstream.url}/text', { method: 'POST', body: 'x' }); return 1;`,
      session: 'fetching',
      dryRun: true,
    });
    expect(post).toMatchObject({ ok: false, error: { kind: 'policy', rule: 'dry-run' } });
    expect(upstream.received.length).toBe(before);
    const get = await withFetch.executor.execute({
      code: `return (await fetch('${upstream.url}/text')).text();`,
      session: 'fetching',
      dryRun: true,
    });
    expect(get).toMatchObject({ ok: true, result: 'plain words', plan: { calls: [] } });
  });
});

describe('approval', () => {
  it('applies the plan once, with an idempotency key, however often it is retried', async () => {
    const dry = (await (
      await http('/v1/execute', { code: FILE_ISSUE('once'), session: 'plan-2', dryRun: true })
    ).json()) as any;
    const planId = dry.plan.id;
    const [first, ...retries] = await Promise.all(
      Array.from({ length: 4 }, () => http('/v1/sessions/plan-2/approvals', { plan: planId })),
    );
    const applied = (await first.json()) as any;
    expect(first.status).toBe(200);
    expect(applied).toMatchObject({
      ok: true,
      result: { open: 0, created: { number: 1, title: 'issue 0' } },
    });
    expect(applied.plan).toMatchObject({
      id: planId,
      status: 'applied',
      calls: [{ outcome: 'applied', status: 201 }],
    });
    for (const retry of retries) {
      expect(retry.status).toBe(200);
      expect(await retry.json()).toMatchObject({ ok: true, replayed: true, result: applied.result });
    }
    const again = (await (await http('/v1/sessions/plan-2/approvals', { plan: planId })).json()) as any;
    expect(again.replayed).toBe(true);
    expect(posts('once')).toHaveLength(1);
    expect(posts('once')[0].headers['idempotency-key']).toBe(`duet-${planId}-0`);
    // The approved run's state writes are real.
    expect(await duet.sessions.snapshot('plan-2')).toEqual({ seen: 0 });
  });

  it('refuses a write that differs from the plan, before it leaves', async () => {
    const dry = (await (
      await http('/v1/execute', { code: FILE_ISSUE('drift'), session: 'plan-3', dryRun: true })
    ).json()) as any;
    // Meanwhile an issue appears, so the approved run would file 'issue 1', which nobody approved.
    await fetch(`${upstream.url}/repos/o/drift/issues`, {
      method: 'POST',
      body: JSON.stringify({ title: 'other' }),
    });
    const before = posts('drift').length;
    const res = await http('/v1/sessions/plan-3/approvals', { plan: dry.plan.id });
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ ok: false, error: { kind: 'policy', rule: 'approval' } });
    expect(body.error.message).toContain('not in approved plan');
    expect(body.plan.calls[0]).toMatchObject({ outcome: 'not-sent' });
    expect(posts('drift')).toHaveLength(before);
  });

  it('never re-sends after an interruption: sent-but-unanswered is unknown', async () => {
    const dry = (await (
      await http('/v1/execute', { code: FILE_ISSUE('crash'), session: 'plan-4', dryRun: true })
    ).json()) as any;
    // What a crash between sending and answering leaves behind.
    await duet.sessions.inspect!('plan-4', async ({ records }) => {
      const plan = (await records.get(`plan/${dry.plan.id}`)) as any;
      await writePlan(records, { ...plan, status: 'applying' });
      await writeProgress(records, dry.plan.id, 0, { outcome: 'sending' });
    });
    const body = (await (await http('/v1/sessions/plan-4/approvals', { plan: dry.plan.id })).json()) as any;
    expect(body).toMatchObject({ ok: false, error: { kind: 'runtime' } });
    expect(body.plan.calls[0]).toMatchObject({ outcome: 'unknown' });
    expect(posts('crash')).toHaveLength(0);
  });

  it('answers 404 for an unknown plan or session, and records both modes in the audit', async () => {
    expect((await http('/v1/sessions/plan-2/approvals', { plan: 'nope' })).status).toBe(404);
    expect((await http('/v1/sessions/nobody/approvals', { plan: 'nope' })).status).toBe(404);
    expect((await http('/v1/sessions/plan-2/approvals', {})).status).toBe(400);
    const { entries } = (await (await duet.app.request('/v1/sessions/plan-2/audit')).json()) as any;
    expect(entries.map((e: any) => [e.mode, e.ok, e.calls.map((c: any) => c.outcome)])).toEqual([
      ['dry-run', true, ['applied', 'not-sent']],
      ['approval', true, ['applied', 'applied']],
    ]);
    expect(entries[0].plan).toBe(entries[1].plan);
  });
});
