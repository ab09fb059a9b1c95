/** The routes the console stands on: /console and its files, /v1/info, /v1/check, the session list, summaries, rejections. */
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { buildConsole, CONSOLE_BUNDLE_PATH, renderConsoleBundle } from '../adapters/node/build-console.js';
import { createNodeTypeChecker } from '../adapters/node/typecheck.ts';
import { createDuet } from '../src/duet.ts';
import { memorySessions } from '../src/execute/state.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';

const sandbox = createQuickJSSandbox();
afterAll(() => sandbox.close());

const APPROVAL_POLICY = {
  apis: { demo: { requireApproval: [{ id: 'tasks-need-approval', operation: 'createTask' }] } },
};
const duet = createDuet({ sandbox, typeChecker: createNodeTypeChecker, policy: APPROVAL_POLICY });
const app = duet.app;

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describe('the console bundle', () => {
  it('is what the build writes today (regenerate with npm run build)', async () => {
    const committed = await readFile(CONSOLE_BUNDLE_PATH, 'utf8');
    expect(renderConsoleBundle(await buildConsole()) === committed).toBe(true);
  });

  it('stays small: under 80 KB of script and 24 KB of style', async () => {
    const { js, css } = await buildConsole();
    expect(js.length).toBeLessThan(80_000);
    expect(css.length).toBeLessThan(24_000);
  });
});

describe('GET /console', () => {
  it('serves the shell at /console and /console/, with files relative to the page and a strict CSP', async () => {
    for (const [path, here, root] of [
      ['/console', 'console/', ''],
      ['/console/', '', '../'],
    ]) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("connect-src 'self'");
      const html = await res.text();
      expect(html).toMatch(new RegExp(`<link rel="stylesheet" href="${here}app\\.css\\?v=[0-9a-f]{16}"`));
      expect(html).toMatch(new RegExp(`<script defer="" src="${here}app\\.js\\?v=[0-9a-f]{16}"`));
      const boot = JSON.parse(
        /<script type="application\/json" id="duet-bootstrap">(.*?)<\/script>/.exec(html)![1],
      );
      expect(boot).toMatchObject({ root, auth: false });
      // Nothing outside the server: no http(s) URL in the page at all.
      expect(html).not.toMatch(/https?:\/\//);
    }
  });

  it('serves the script and stylesheet cached for a year under their digest', async () => {
    const html = await (await app.request('/console')).text();
    for (const [file, type] of [
      ['app.js', 'text/javascript; charset=utf-8'],
      ['app.css', 'text/css; charset=utf-8'],
    ]) {
      const url = new RegExp(`console/${file.replace('.', '\\.')}\\?v=[0-9a-f]+`).exec(html)![0];
      const res = await app.request(`/${url}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const text = await res.text();
      expect(text.length).toBeGreaterThan(1000);
      expect(text).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
      const bare = await app.request(`/console/${file}`, {
        headers: { 'if-none-match': res.headers.get('etag')! },
      });
      expect(bare.status).toBe(304);
    }
    expect((await app.request('/console/other.js')).status).toBe(404);
  });

  it('is open without a token (it holds no data), while the API it calls is not', async () => {
    const guarded = createDuet({ sandbox, policy: { tenants: { acme: { tokens: ['acme-secret'] } } } });
    const page = await guarded.app.request('/console');
    expect(page.status).toBe(200);
    const boot = JSON.parse(/id="duet-bootstrap">(.*?)<\/script>/.exec(await page.text())![1]);
    expect(boot.auth).toBe(true);
    expect((await guarded.app.request('/v1/info')).status).toBe(401);
    const info = await guarded.app.request('/v1/info', { headers: { authorization: 'Bearer acme-secret' } });
    expect(((await info.json()) as any).tenant).toBe('acme');
  });
});

describe('GET /v1/info', () => {
  it('names the APIs, the type-check and whether sessions list and an agent answers', async () => {
    const info = (await (await app.request('/v1/info')).json()) as any;
    expect(info).toMatchObject({
      apis: [{ name: 'demo', operations: 9 }],
      typecheck: 'types',
      sessionsList: true,
      tenant: '',
    });
    expect(typeof info.agent).toBe('boolean');
    const plain = createDuet({ sandbox });
    expect(((await (await plain.app.request('/v1/info')).json()) as any).typecheck).toBe('syntax');
  });
});

describe('POST /v1/check', () => {
  it('answers the diagnostics a run would, on the lines sent, without running anything', async () => {
    const code =
      "const tasks = await demo.listTasks({});\nconst n: number = tasks.length;\nreturn demo.createTsk({ body: { title: 'x' } });";
    const res = await app.request('/v1/check', json({ code }));
    expect(res.status).toBe(200);
    const { diagnostics, checked } = (await res.json()) as any;
    expect(checked).toBe('types');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ line: 3 });
    expect(diagnostics[0].message).toContain('createTask');
    const clean = (await (await app.request('/v1/check', json({ code: 'return 1 + 1' }))).json()) as any;
    expect(clean).toEqual({ diagnostics: [], checked: 'types' });
    const broken = (await (await app.request('/v1/check', json({ code: 'return (' }))).json()) as any;
    expect(broken.diagnostics[0].line).toBe(1);
    expect((await app.request('/v1/check', json({ code: '' }))).status).toBe(400);
    expect((await app.request('/v1/check', json({ code: '1', run: true }))).status).toBe(400);
  });
});

describe('GET /v1/sessions', () => {
  it('lists the tenant’s sessions newest first with runs and pending approvals, filtered and paged', async () => {
    const local = createDuet({ sandbox, sessions: memorySessions(), policy: APPROVAL_POLICY });
    for (const id of ['alpha', 'beta', 'gamma', 'delta']) {
      await local.execute({ code: `await state.put('id', '${id}'); return 1`, session: id });
    }
    await local.execute({ code: 'return 2', session: 'beta' });
    const dry = await local.execute({
      code: "await demo.createTask({ body: { title: 'planned' } }); return 'planned'",
      session: 'gamma',
      dryRun: true,
    });
    expect(dry.plan?.status).toBe('pending');
    const all = (await (await local.app.request('/v1/sessions')).json()) as any;
    expect(all.sessions.map((s: any) => s.session)).toEqual(['gamma', 'beta', 'delta', 'alpha']);
    expect(all.sessions[0]).toMatchObject({ session: 'gamma', runs: 2, pendingApprovals: 1 });
    expect(all.sessions[1]).toMatchObject({ session: 'beta', runs: 2, pendingApprovals: 0 });
    expect(all.next).toBeUndefined();

    const first = (await (await local.app.request('/v1/sessions?limit=3')).json()) as any;
    expect(first.sessions).toHaveLength(3);
    const second = (await (
      await local.app.request(`/v1/sessions?limit=3&cursor=${first.next}`)
    ).json()) as any;
    expect(second.sessions.map((s: any) => s.session)).toEqual(['alpha']);
    expect(second.next).toBeUndefined();

    const filtered = (await (await local.app.request('/v1/sessions?q=ET')).json()) as any;
    expect(filtered.sessions.map((s: any) => s.session)).toEqual(['beta']);
    expect((await local.app.request('/v1/sessions?cursor=nonsense')).status).toBe(400);
    expect((await local.app.request('/v1/sessions?limit=0')).status).toBe(400);
  });

  it('keeps tenants apart', async () => {
    const sessions = memorySessions();
    const tenants = createDuet({
      sandbox,
      sessions,
      policy: { tenants: { acme: { tokens: ['a-secret'] }, beta: { tokens: ['b-secret'] } } },
    });
    await tenants.execute({ code: 'return 1', session: 'acme-only' }, { tenant: 'acme' });
    const list = async (token: string) =>
      (
        (await (
          await tenants.app.request('/v1/sessions', { headers: { authorization: `Bearer ${token}` } })
        ).json()) as any
      ).sessions;
    expect((await list('a-secret')).map((s: any) => s.session)).toEqual(['acme-only']);
    expect(await list('b-secret')).toEqual([]);
  });

  it('answers 501 when the store cannot list (as on Workers)', async () => {
    const store = memorySessions();
    const unlisted = createDuet({ sandbox, sessions: { ...store, list: undefined } });
    const res = await unlisted.app.request('/v1/sessions');
    expect(res.status).toBe(501);
    expect(((await res.json()) as any).error.message).toContain('open a session by its id');
  });
});

describe('session summaries and rejections', () => {
  it('shows plans with their writes; a rejected plan is never applied, an approved one reports each write', async () => {
    const local = createDuet({ sandbox, sessions: memorySessions(), policy: APPROVAL_POLICY });
    const plan = async (title: string) =>
      (
        await local.execute({
          code: `const t = await demo.createTask({ body: { title: '${title}' } }); return t;`,
          session: 'review',
          dryRun: true,
        })
      ).plan!.id;
    const rejected = await plan('no');
    const approved = await plan('yes');
    const summary = (await (await local.app.request('/v1/sessions/review/summary')).json()) as any;
    expect(summary).toMatchObject({ session: 'review', runs: 2, pendingApprovals: 2 });
    expect(summary.plans.map((p: any) => p.id).sort()).toEqual([rejected, approved].sort());
    expect(summary.plans[0].calls[0]).toMatchObject({ api: 'demo', name: 'createTask', method: 'POST' });

    const rejection = await local.app.request('/v1/sessions/review/rejections', json({ plan: rejected }));
    expect(rejection.status).toBe(200);
    expect(((await rejection.json()) as any).plan).toMatchObject({ id: rejected, status: 'rejected' });
    const refused = (await (
      await local.app.request('/v1/sessions/review/approvals', json({ plan: rejected }))
    ).json()) as any;
    expect(refused).toMatchObject({ ok: false, error: { kind: 'policy', rule: 'approval' } });
    expect(refused.calls).toEqual([]);

    const applied = (await (
      await local.app.request('/v1/sessions/review/approvals', json({ plan: approved }))
    ).json()) as any;
    expect(applied.ok).toBe(true);
    const again = await local.app.request('/v1/sessions/review/rejections', json({ plan: approved }));
    expect(again.status).toBe(409);

    const after = (await (await local.app.request('/v1/sessions/review/summary')).json()) as any;
    expect(after.pendingApprovals).toBe(0);
    const byId = Object.fromEntries(after.plans.map((p: any) => [p.id, p]));
    expect(byId[rejected].status).toBe('rejected');
    expect(byId[approved].status).toBe('applied');
    expect(byId[approved].calls[0]).toMatchObject({ outcome: 'applied', status: 201 });
    expect(byId[approved].response).toMatchObject({ ok: true, result: { title: 'yes' } });
    // Only the approved task exists upstream.
    const tasks = (await local.execute('return demo.listTasks({})')).result as { title: string }[];
    expect(tasks.map((t) => t.title)).toEqual(['yes']);

    expect((await local.app.request('/v1/sessions/nobody/summary')).status).toBe(404);
    expect((await local.app.request('/v1/sessions/review/rejections', json({ plan: 'nope' }))).status).toBe(
      404,
    );
  });
});
