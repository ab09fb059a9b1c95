/** Rate limits: token buckets per tenant, 429 with Retry-After, held in an actor across restarts. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openActorSessions } from '../adapters/node/actor-sessions.ts';
import { createDuet } from '../src/duet.ts';
import { memoryRateLimiter, takeToken } from '../src/policy/rate-limit.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';

const sandbox = createQuickJSSandbox();
const dirs: string[] = [];
afterAll(async () => {
  await sandbox.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const TOKENS = { a: { tokens: ['token-of-a'] }, b: { tokens: ['token-of-b'] } };

describe('the token bucket', () => {
  it('holds N, refills N a minute, and says when to retry', () => {
    let bucket: ReturnType<typeof takeToken>['bucket'];
    for (let i = 0; i < 3; i++) {
      const step = takeToken(bucket, 3, 1000);
      expect(step.decision.ok).toBe(true);
      bucket = step.bucket;
    }
    const refused = takeToken(bucket, 3, 1000);
    expect(refused).toEqual({ decision: { ok: false, retryAfterSeconds: 20 } });
    expect(takeToken(bucket, 3, 1000 + 19_000).decision.ok).toBe(false);
    expect(takeToken(bucket, 3, 1000 + 20_000).decision.ok).toBe(true);
    // Never more than N, however long it rested.
    const rested = takeToken(bucket, 3, 1000 + 3_600_000).bucket!;
    expect(rested.tokens).toBe(2);
  });

  it('keeps one bucket per tenant and kind', async () => {
    let now = 0;
    const limiter = memoryRateLimiter(() => now);
    expect((await limiter.take('a', 'executions', 1)).ok).toBe(true);
    expect((await limiter.take('a', 'executions', 1)).ok).toBe(false);
    expect((await limiter.take('a', 'calls', 1)).ok).toBe(true);
    expect((await limiter.take('b', 'executions', 1)).ok).toBe(true);
    now = 60_000;
    expect((await limiter.take('a', 'executions', 1)).ok).toBe(true);
  });
});

describe('rate limits over HTTP', () => {
  it('answer 429 with Retry-After for one tenant while another is served', async () => {
    const { app } = createDuet({
      sandbox,
      policy: { tenants: TOKENS, rateLimit: { executionsPerMinute: 2 } },
    });
    const execute = (token: string) =>
      app.request('/v1/execute', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ code: 'return 1' }),
      });
    expect((await execute('token-of-a')).status).toBe(200);
    expect((await execute('token-of-a')).status).toBe(200);
    const limited = await execute('token-of-a');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toMatchObject({
      ok: false,
      error: { kind: 'rate_limit', retryAfterSeconds: 30 },
      calls: [],
    });
    expect((await execute('token-of-b')).status).toBe(200);
  });

  it('limit upstream calls per minute, refusing the call before it leaves', async () => {
    const sent: string[] = [];
    const duet = createDuet({
      sandbox,
      policy: { tenants: { a: { tokens: ['t'], rateLimit: { callsPerMinute: 1 } } } },
      upstreams: {
        demo: {
          fetch: async (request) => {
            sent.push(request.url);
            return Response.json([]);
          },
        },
      },
    });
    const response = await duet.executor.execute(
      { code: `await demo.listTasks({}); try { await demo.listNotes({}); } catch {} return 'went on';` },
      { tenant: 'a' },
    );
    expect(sent).toHaveLength(1);
    expect(response).toMatchObject({ ok: false, error: { kind: 'rate_limit' } });
    expect(response.calls.map((c) => [c.name, c.outcome])).toEqual([
      ['listTasks', undefined],
      ['listNotes', 'refused'],
    ]);
    // Another tenant (here: the default one) has buckets of its own and no limit.
    expect((await duet.executor.execute({ code: 'await demo.listTasks({}); return 1' })).ok).toBe(true);
  });

  it('keep the buckets in an actor: a restart does not refill them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'duet-ratelimit-'));
    dirs.push(dir);
    const policy = { tenants: TOKENS, rateLimit: { executionsPerMinute: 2 } };
    const first = await openActorSessions({ dir });
    const one = createDuet({ sandbox, policy, sessions: first.sessions, rateLimiter: first.rateLimiter });
    expect((await one.executor.execute({ code: '1' }, { tenant: 'a' })).ok).toBe(true);
    expect((await one.executor.execute({ code: '1' }, { tenant: 'a' })).ok).toBe(true);
    await first.close();
    const second = await openActorSessions({ dir });
    const two = createDuet({ sandbox, policy, sessions: second.sessions, rateLimiter: second.rateLimiter });
    expect((await two.executor.execute({ code: '1' }, { tenant: 'a' })).error?.kind).toBe('rate_limit');
    expect((await two.executor.execute({ code: '1' }, { tenant: 'b' })).ok).toBe(true);
    await second.close();
  });
});
