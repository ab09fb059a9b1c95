/**
 * The issue's acceptance scenario through the real `duet serve` on each runtime: 401 on every door, tenant
 * isolation of state and audit, a read-only API refusing a write that never reaches the upstream, 429 for
 * one tenant while another is served, the audit intact after kill -9, a dry-run plan applied once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, startServer } from './support/cli.ts';
import { startUpstream, type Upstream } from './support/upstream.ts';

beforeAll(assertBuilt);

const dirs: string[] = [];
let upstream: Upstream;
let specPath: string;
let policyPath: string;
beforeAll(async () => {
  upstream = await startUpstream();
  const dir = mkdtempSync(join(tmpdir(), 'duet-policy-serve-'));
  dirs.push(dir);
  specPath = join(dir, 'issues.json');
  writeFileSync(specPath, JSON.stringify(ISSUES_SPEC));
  policyPath = join(dir, 'policy.yaml');
  writeFileSync(
    policyPath,
    `# tenants a and b (tokens on the command line), a rate-limited one, approvals for creating issues
tenants:
  limited:
    tokens: [${LIMITED}]
    rateLimit: { executionsPerMinute: 2 }
apis:
  tracker:
    requireApproval:
      - { id: filing-needs-approval, operation: create }
    idempotencyHeader: Idempotency-Key
`,
  );
});
afterAll(async () => {
  await upstream?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const A = 'token-of-tenant-a';
const B = 'token-of-tenant-b';
const LIMITED = 'token-of-limited';
const CREDENTIAL = 'Bearer upstream-credential-xyz';

/** A small issue tracker matching test/support/upstream.ts. */
const ISSUES_SPEC = {
  openapi: '3.0.3',
  info: { title: 'Issues', version: '1' },
  servers: [{ url: 'https://issues.invalid' }],
  paths: {
    '/repos/{owner}/{repo}/issues': {
      parameters: [
        { name: 'owner', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'repo', in: 'path', required: true, schema: { type: 'string' } },
      ],
      get: {
        operationId: 'list',
        parameters: [{ name: 'state', in: 'query', schema: { type: 'string' } }],
        responses: {
          200: { description: 'ok', content: { 'application/json': { schema: { type: 'array' } } } },
        },
      },
      post: {
        operationId: 'create',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: { type: 'object', required: ['title'], properties: { title: { type: 'string' } } },
            },
          },
        },
        responses: {
          201: { description: 'created', content: { 'application/json': { schema: { type: 'object' } } } },
        },
      },
    },
  },
};

function client(url: string, token?: string) {
  const headers = (extra: Record<string, string> = {}) => ({
    'content-type': 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...extra,
  });
  return {
    async post(path: string, body: unknown) {
      const res = await fetch(url + path, { method: 'POST', headers: headers(), body: JSON.stringify(body) });
      return { status: res.status, headers: res.headers, body: (await res.json()) as any };
    },
    async get(path: string, accept = 'application/json') {
      const res = await fetch(url + path, { headers: headers({ accept }) });
      return {
        status: res.status,
        body: accept === 'application/json' ? ((await res.json()) as any) : await res.text(),
      };
    },
    execute(code: string, session?: string, extra: Record<string, unknown> = {}) {
      return this.post('/v1/execute', { code, session, timeoutMs: 20_000, ...extra });
    },
  };
}

const received = (repo: string, method?: string) =>
  upstream.received.filter((r) => r.url.includes(`/repos/o/${repo}/`) && (!method || r.method === method));

describe.each(['node', 'workerd', 'bun', 'deno'])(
  'duet serve --runtime %s with tokens and a policy',
  (runtime) => {
    it('guards every door, keeps tenants apart, refuses, limits, approves once and keeps the audit after kill -9', async () => {
      const data = mkdtempSync(join(tmpdir(), `duet-policy-${runtime}-`));
      dirs.push(data);
      const repo = `repo-${runtime}`;
      const flags = [
        '--runtime',
        runtime,
        '--data',
        data,
        '--spec',
        `tracker=${specPath}`,
        '--spec',
        `ro=${specPath}`,
        '--base-url',
        `tracker=${upstream.url}`,
        '--base-url',
        `ro=${upstream.url}`,
        '--header',
        `tracker=Authorization: ${CREDENTIAL}`,
        '--token',
        `a=${A}`,
        '--token',
        `b=${B}`,
        '--read-only',
        'ro',
        '--policy',
        policyPath,
      ];
      const first = await startServer(flags);
      let auditBefore: any[];
      try {
        // 401 on every door without a (valid) token.
        for (const token of [undefined, 'not-a-token']) {
          const anon = client(first.url, token);
          for (const [status, body] of [
            await anon.post('/v1/search', { query: 'issues' }).then((r) => [r.status, r.body]),
            await anon.execute('return 1').then((r) => [r.status, r.body]),
            await anon.execute('return 1', 's').then((r) => [r.status, r.body]),
            await anon.get('/v1/sessions/shared/state').then((r) => [r.status, r.body]),
            await anon.get('/v1/sessions/shared/audit').then((r) => [r.status, r.body]),
            await anon.post('/v1/sessions/shared/approvals', { plan: 'x' }).then((r) => [r.status, r.body]),
            await anon
              .post('/mcp', { jsonrpc: '2.0', id: 1, method: 'tools/list' })
              .then((r) => [r.status, r.body]),
          ]) {
            expect(status).toBe(401);
            expect(body).toMatchObject({ ok: false, error: { kind: 'unauthorized' } });
          }
        }
        expect((await fetch(`${first.url}/healthz`)).status).toBe(200);

        // Tenant isolation of state and audit: one session id, two tenants, two sessions.
        const a = client(first.url, A);
        const b = client(first.url, B);
        expect((await a.execute(`await state.put('owner', 'a'); return 'a1'`, 'shared')).body).toMatchObject({
          ok: true,
        });
        expect((await a.execute(`return (await state.get('owner'))`, 'shared')).body.result).toBe('a');
        expect((await b.execute(`return (await state.get('owner')) ?? 'none'`, 'shared')).body.result).toBe(
          'none',
        );
        expect((await a.get('/v1/sessions/shared/state')).body.state).toEqual({ owner: 'a' });
        expect((await b.get('/v1/sessions/shared/state')).body.state).toEqual({});
        const aAudit = (await a.get('/v1/sessions/shared/audit')).body;
        expect(aAudit.entries.map((e: any) => [e.seq, e.tenant])).toEqual([
          [1, 'a'],
          [2, 'a'],
        ]);
        expect((await b.get('/v1/sessions/shared/audit')).body.entries.map((e: any) => e.tenant)).toEqual([
          'b',
        ]);

        // A read-only API refuses a write, which never reaches the upstream.
        const write = await a.execute(
          `return ro.create({ owner: 'o', repo: '${repo}', body: { title: 'x' } })`,
          'shared',
        );
        expect(write.body).toMatchObject({ ok: false, error: { kind: 'policy', rule: 'apis.ro.readOnly' } });
        expect(received(repo)).toEqual([]);
        expect(
          (await a.execute(`return (await ro.list({ owner: 'o', repo: '${repo}' })).length`)).body.result,
        ).toBe(0);

        // 429 with Retry-After for one tenant while another is served.
        const limited = client(first.url, LIMITED);
        expect((await limited.execute('return 1')).status).toBe(200);
        expect((await limited.execute('return 1')).status).toBe(200);
        const over = await limited.execute('return 1');
        expect(over.status).toBe(429);
        expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(over.body).toMatchObject({ ok: false, error: { kind: 'rate_limit' } });
        expect((await b.execute('return 2')).body).toMatchObject({ ok: true, result: 2 });

        // Writes that need approval: a dry run plans, an approval applies once however often it is retried.
        const file = `const open = await tracker.list({ owner: 'o', repo: '${repo}', state: 'all' });
        return tracker.create({ owner: 'o', repo: '${repo}', body: { title: 'filed after ' + open.length } });`;
        const refused = await a.execute(file, 'plans');
        expect(refused.body).toMatchObject({
          ok: false,
          error: { kind: 'policy', rule: 'filing-needs-approval' },
        });
        const dry = await a.execute(file, 'plans', { dryRun: true });
        expect(dry.body).toMatchObject({
          ok: true,
          plan: { status: 'pending', calls: [{ name: 'create' }] },
        });
        expect(received(repo, 'POST')).toEqual([]);
        const approvals = await Promise.all(
          Array.from({ length: 3 }, () => a.post('/v1/sessions/plans/approvals', { plan: dry.body.plan.id })),
        );
        expect(approvals.map((r) => r.status)).toEqual([200, 200, 200]);
        expect(approvals.filter((r) => r.body.replayed)).toHaveLength(2);
        const retried = await a.post('/v1/sessions/plans/approvals', { plan: dry.body.plan.id });
        expect(retried.body).toMatchObject({
          ok: true,
          replayed: true,
          result: { number: 1, title: 'filed after 0' },
        });
        expect(received(repo, 'POST')).toHaveLength(1);
        expect(received(repo, 'POST')[0].headers['idempotency-key']).toBe(`duet-${dry.body.plan.id}-0`);
        expect(received(repo, 'POST')[0].headers.authorization).toBe(CREDENTIAL);
        // Tenant b cannot approve (or even see) tenant a's plan.
        expect((await b.post('/v1/sessions/plans/approvals', { plan: dry.body.plan.id })).status).toBe(404);

        auditBefore = (await a.get('/v1/sessions/shared/audit')).body.entries;
        expect(auditBefore).toHaveLength(3);
      } finally {
        await first.stop('SIGKILL');
      }

      // The audit is intact after kill -9, and holds no credential.
      const second = await startServer(flags);
      try {
        const a = client(second.url, A);
        const after = await a.get('/v1/sessions/shared/audit');
        expect(after.body.entries).toEqual(auditBefore);
        const lines = (await a.get('/v1/sessions/shared/audit?format=jsonl', 'application/x-ndjson'))
          .body as string;
        expect(
          lines
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line)),
        ).toEqual(auditBefore);
        const plans = await a.get('/v1/sessions/plans/audit');
        expect(plans.body.entries.map((e: any) => e.mode)).toEqual(['run', 'dry-run', 'approval']);
        expect(JSON.stringify(plans.body)).not.toContain('upstream-credential');
        expect(JSON.stringify(plans.body)).not.toContain(A);
      } finally {
        expect(await second.stop('SIGTERM')).toBe(0);
      }
    });
  },
);

describe('duet serve flags', () => {
  it('refuse a bad policy or flag with a message naming the field', async () => {
    const bad = join(dirs[0], 'bad.yaml');
    writeFileSync(bad, 'apis:\n  tracker:\n    deny:\n      - method: FETCH\n');
    const file = await runCli(['serve', '--policy', bad, '--spec', `tracker=${specPath}`]);
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/bad\.yaml: apis\.tracker\.deny\[0\]\.method \(line 4\)/);
    const unknown = await runCli(['serve', '--read-only', 'nope', '--spec', `tracker=${specPath}`]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no API 'nope' in the catalog");
    const token = await runCli(['serve', '--token', 'no-secret']);
    expect(token.code).toBe(2);
    expect(token.stderr).toContain('--token');
    const rate = await runCli(['serve', '--rate-limit', 'lots']);
    expect(rate.code).toBe(2);
    const help = await runCli(['serve', '--help']);
    for (const flag of ['--token', '--policy', '--read-only', '--rate-limit'])
      expect(help.stdout).toContain(flag);
  });
});
