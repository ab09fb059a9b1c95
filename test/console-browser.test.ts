/**
 * GET /console in a real browser (Debian's Chromium through playwright-core) against a real `duet serve`
 * with the demo API: sessions, a session's runs, state and approvals, the playground's search, type-check
 * and runs, tokens, and the agent's chat when the server has one. Screenshots of every page, light and
 * dark, wide and narrow, go to test/artifacts/console/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type WatchedPage, watchedPage } from './support/browser.ts';
import { assertBuilt, bin, type ServerProcess, startServer } from './support/cli.ts';

const artifacts = fileURLToPath(new URL('./artifacts/console/', import.meta.url));
const WIDE = { width: 1280, height: 860 };
const NARROW = { width: 390, height: 844 };

let browser: Browser;
const dirs: string[] = [];

beforeAll(async () => {
  assertBuilt();
  mkdirSync(artifacts, { recursive: true });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function scratch(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `duet-console-${name}-`));
  dirs.push(dir);
  return dir;
}

/** `duet serve` as a user starts it, with its own data directory. */
async function serve(runtime: string, flags: string[] = []): Promise<ServerProcess> {
  return startServer(['--runtime', runtime, '--data', scratch(runtime), ...flags]);
}

async function api(server: ServerProcess, path: string, body?: unknown, token?: string): Promise<any> {
  const response = await fetch(`${server.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}

/** Every state of a page, four times: light and dark, wide and narrow; the page is left wide and light. */
async function shoot(page: Page, name: string): Promise<void> {
  // From the top: a full-page capture of a scrolled page draws the sticky bar mid-page.
  await page.evaluate('window.scrollTo(0, 0)');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [size, viewport] of [
      ['wide', WIDE],
      ['narrow', NARROW],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: join(artifacts, `${name}-${scheme}-${size}.png`), fullPage: true });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(WIDE);
}

/** Nothing the page asked for left the server: one host, 127.0.0.1. */
function expectLocalOnly(watched: WatchedPage, server: ServerProcess): void {
  const host = new URL(server.url).host;
  expect(host.startsWith('127.0.0.1:')).toBe(true);
  expect([...watched.hosts()]).toEqual([host]);
}

/** Replaces the editor's text as typing would (the textarea's input event). */
async function writeSnippet(page: Page, code: string): Promise<void> {
  const editor = page.getByLabel('TypeScript, the body of an async function');
  await editor.fill(code);
}

const POLICY = `apis:
  demo:
    requireApproval:
      - { id: tasks-need-approval, operation: createTask }
`;

describe('the console on duet serve (node, demo API, createTask needs approval)', () => {
  let server: ServerProcess;
  let watched: WatchedPage;
  let page: Page;

  beforeAll(async () => {
    const dir = scratch('policy');
    writeFileSync(join(dir, 'policy.yaml'), POLICY);
    server = await serve('node', ['--policy', join(dir, 'policy.yaml')]);
    // Sessions with history, made through the HTTP API as an agent would.
    for (let i = 1; i <= 25; i++) {
      await api(server, '/v1/execute', {
        code: `const n = (await state.get('n')) ?? 0;\nawait state.put('n', n + 1);\nconsole.log('run', n + 1);\nreturn demo.listTasks({});`,
        session: 'long-session',
      });
    }
    await api(server, '/v1/execute', {
      code: "await state.put('profile', { name: 'Ada', tags: ['ops', 'billing'], limits: { daily: 20 } });\nreturn 'saved';",
      session: 'profile-setup',
    });
    await api(server, '/v1/execute', {
      code: 'return demo.getTask({ id: "missing" });',
      session: 'failing-lookups',
    });
    watched = await watchedPage(browser);
    page = watched.page;
  });
  afterAll(async () => {
    await watched?.close();
    await server?.stop();
  });

  it('lists sessions newest first with their runs, filters them, and opens one', async () => {
    // The startup line tells a person where the console is.
    expect(server.stderr()).toContain(`duet listening on ${server.url}: open ${server.url}/console`);
    await page.goto(`${server.url}/console`);
    const rows = page.locator('.sessions-table tbody tr');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(3);
    expect(await rows.locator('th').allTextContents()).toEqual([
      'failing-lookups',
      'profile-setup',
      'long-session',
    ]);
    await expect
      .poll(() => page.locator('tr[data-session="long-session"] td[data-label="Runs"]').textContent())
      .toBe('25');
    await shoot(page, 'sessions');

    await page.getByLabel('Filter by id').fill('PROFILE');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.locator('th').textContent()).toBe('profile-setup');
    await page.getByRole('link', { name: 'profile-setup' }).click();
    await page.getByRole('heading', { name: 'profile-setup' }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/sessions/profile-setup');
  });

  it("shows a session's state as a tree", async () => {
    await page.goto(`${server.url}/console#/sessions/profile-setup/state`);
    const tree = page.locator('[data-label="session state"]');
    await tree.waitFor();
    await expect.poll(() => tree.textContent()).toContain('Ada');
    // Short values inline as JSON, longer ones as branches.
    expect(await tree.textContent()).toContain('limits: {"daily":20}');
    await shoot(page, 'session-state');
  });

  it('pages through the audit trail, newest first, each run expandable to its code and calls', async () => {
    await page.goto(`${server.url}/console#/sessions/long-session`);
    const entries = page.locator('.timeline-entry');
    await expect.poll(() => entries.count(), { timeout: 20_000 }).toBe(20);
    expect(await entries.first().getAttribute('data-seq')).toBe('25');
    expect(await entries.last().getAttribute('data-seq')).toBe('6');
    await page.getByRole('button', { name: /Earlier runs \(5 more\)/ }).click();
    await expect.poll(() => entries.count()).toBe(25);
    expect(await entries.last().getAttribute('data-seq')).toBe('1');
    expect(await page.getByRole('button', { name: /Earlier runs/ }).count()).toBe(0);

    const first = page.locator('.timeline-entry[data-seq="25"]');
    await first.locator('.timeline-toggle').click();
    expect(await first.locator('.timeline-toggle').getAttribute('aria-expanded')).toBe('true');
    expect(await first.locator('.code').textContent()).toContain("await state.put('n', n + 1);");
    // Highlighted: keywords and strings are their own spans.
    expect(await first.locator('.code .tok-keyword').first().textContent()).toBe('const');
    expect(await first.locator('table.calls tbody tr').textContent()).toContain('demo.listTasks');
    expect(await first.locator('table.calls tbody tr').textContent()).toContain('200');
    await shoot(page, 'session-runs');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download audit (JSONL)' }).click();
    const file = await (await download).path();
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((entry) => entry.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('searches the catalog and shows declarations and the types they use', async () => {
    await page.goto(`${server.url}/console#/playground`);
    await page.getByLabel('What should the snippet do?').fill('add a new task');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const cards = page.locator('.result-card');
    await cards.first().waitFor();
    expect(await cards.first().locator('.result-name').textContent()).toBe('demo.createTask');
    expect(await cards.first().locator('.code').textContent()).toContain(
      'createTask(args: { body: demo.NewTask }): Promise<demo.Task>',
    );
    await page.getByText('Types the results use').click();
    expect(await page.locator('.types .code').textContent()).toMatch(/NewTask/);
    await shoot(page, 'playground-search');
  });

  it('shows a type-check diagnostic on its line before anything runs', async () => {
    await page.goto(`${server.url}/console#/playground`);
    await writeSnippet(
      page,
      "const tasks = await demo.listTasks({});\nconst first = tasks[0];\nreturn demo.createTsk({ body: { title: 'typo' } });\n",
    );
    const marked = page.locator('.editor-gutter .gutter-line.has-error');
    await expect.poll(() => marked.count(), { timeout: 20_000 }).toBe(1);
    expect(await marked.getAttribute('data-line')).toBe('3');
    expect(await page.locator('.editor-highlight .code-line[data-line="3"]').getAttribute('class')).toContain(
      'line-error',
    );
    const problem = page.locator('.problem');
    expect(await problem.getAttribute('data-line')).toBe('3');
    expect(await problem.textContent()).toContain('createTask');
    expect(
      await page.getByLabel('TypeScript, the body of an async function').getAttribute('aria-invalid'),
    ).toBe('true');
    await shoot(page, 'playground-diagnostic');
    // The problem's button puts the caret on that line.
    await problem.getByRole('button').click();
    const caretLine = await page.getByLabel('TypeScript, the body of an async function').evaluate((el) => {
      const area = el as unknown as { value: string; selectionStart: number };
      return area.value.slice(0, area.selectionStart).split('\n').length;
    });
    expect(caretLine).toBe(3);
  });

  it('runs a snippet and shows its result, logs and calls', async () => {
    await page.goto(`${server.url}/console#/playground`);
    await writeSnippet(
      page,
      "const open = await demo.listTasks({ done: 'false' });\nconsole.log('open tasks', open.length);\nreturn { open: open.length, checkedAt: 'now' };\n",
    );
    await expect
      .poll(() => page.locator('.check-status').textContent(), { timeout: 20_000 })
      .toContain('No problems');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const result = page.locator('.run-result');
    await result.locator('.badge-ok').waitFor();
    expect(await result.locator('[data-label="result"]').textContent()).toContain('checkedAt: "now"');
    expect(await result.locator('.logs').textContent()).toBe('open tasks 0');
    expect(await result.locator('table.calls').textContent()).toContain('demo.listTasks');
    await shoot(page, 'playground-run');
  });

  it('plans writes in a dry run, approves the plan and shows each write applied; rejects another', async () => {
    await page.goto(`${server.url}/console#/playground`);
    const code =
      "const task = await demo.createTask({ body: { title: 'Ship the console', tags: ['ui'] } });\nreturn task;\n";
    await writeSnippet(page, code);
    await page.getByLabel('Session (optional)').fill('approve-me');
    // Without a dry run the policy refuses the write.
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.locator('.run-result .badge-error').waitFor();
    expect(await page.locator('.run-result .badge-error').textContent()).toContain('tasks-need-approval');

    await page.getByLabel('Dry run: plan the writes for approval').check();
    await page.getByRole('button', { name: 'Plan', exact: true }).click();
    await page.locator('.run-result .planned-call').waitFor();
    expect(await page.locator('.run-result .planned-call').textContent()).toContain('Ship the console');
    await shoot(page, 'playground-plan');
    // A second plan, to be rejected.
    await writeSnippet(page, "return demo.createTask({ body: { title: 'Not this one' } });\n");
    await page.getByRole('button', { name: 'Plan', exact: true }).click();
    await expect
      .poll(() => page.locator('.run-result .planned-call').textContent())
      .toContain('Not this one');

    await page.getByRole('button', { name: 'Review and approve in the session' }).click();
    await page.getByRole('tab', { name: /Approvals \(2\)/, selected: true }).waitFor();
    const pending = page.locator('article.plan-pending');
    await expect.poll(() => pending.count()).toBe(2);
    await shoot(page, 'session-approvals');

    const reject = pending.filter({ hasText: 'Not this one' });
    await reject.getByRole('button', { name: 'Reject' }).click();
    const approve = page.locator('article.plan-pending').filter({ hasText: 'Ship the console' });
    await approve.getByRole('button', { name: /Approve and apply 1 write/ }).click();
    const applied = page.locator('article.plan-applied');
    await applied.waitFor();
    expect(await applied.locator('.outcome').textContent()).toBe('applied · 201');
    expect(await applied.locator('.plan-outcome').textContent()).toContain('Ship the console');
    expect(await page.locator('article.plan-rejected .plan-status').textContent()).toBe('rejected');
    expect(await page.locator('article.plan-pending').count()).toBe(0);
    await shoot(page, 'session-approved');

    // The API agrees: one task, made by the approved plan only.
    const tasks = await api(server, '/v1/execute', { code: 'return demo.listTasks({})' });
    expect(tasks.result.map((t: { title: string }) => t.title)).toEqual(['Ship the console']);
  });

  it('moves between pages by keyboard, and requested nothing but the server', async () => {
    await page.goto(`${server.url}/console#/sessions/long-session`);
    const runs = page.getByRole('tab', { name: /Runs/ });
    await runs.focus();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('tab', { name: 'State', selected: true }).waitFor();
    await expect.poll(() => page.evaluate('document.activeElement?.textContent')).toBe('State');
    expect(new URL(page.url()).hash).toBe('#/sessions/long-session/state');
    expect(watched.errors).toEqual([]);
    expectLocalOnly(watched, server);
  });
});

describe('the console with tokens (node)', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await serve('node', ['--token', 'acme=acme-console-secret']);
    await api(server, '/v1/execute', { code: 'return 1', session: 'acme-work' }, 'acme-console-secret');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('asks for a token, refuses a wrong one, keeps the right one in sessionStorage only', async () => {
    const watched = await watchedPage(browser);
    const { page } = watched;
    try {
      await page.goto(`${server.url}/console`);
      await page.getByLabel('Token').fill('wrong');
      await page.getByRole('button', { name: 'Open the console' }).click();
      await page.locator('.signin .error-message').waitFor();
      await shoot(page, 'signin');
      await page.getByLabel('Token').fill('acme-console-secret');
      await page.getByRole('button', { name: 'Open the console' }).click();
      await page.getByRole('link', { name: 'acme-work' }).waitFor();
      expect(await page.evaluate('({ session: { ...sessionStorage }, local: { ...localStorage } })')).toEqual(
        {
          session: { 'duet.console.token': 'acme-console-secret' },
          local: {},
        },
      );
      expect(await page.context().cookies()).toEqual([]);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Token').waitFor();
      expect(await page.evaluate('sessionStorage.length')).toBe(0);
      // The one error is the refused token, which Chromium reports as a failed load.
      expect(watched.errors.filter((error) => !/status of 401/.test(error))).toEqual([]);
      expectLocalOnly(watched, server);
    } finally {
      await watched.close();
    }
  });
});

describe('the console on duet serve --runtime workerd', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await serve('workerd');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('runs a snippet, opens its session by id (Durable Objects are not listed) and stays on localhost', async () => {
    const watched = await watchedPage(browser);
    const { page } = watched;
    try {
      await page.goto(`${server.url}/console#/playground`);
      await writeSnippet(page, "await state.put('where', 'workerd');\nreturn demo.listTasks({});\n");
      await page.getByLabel('Session (optional)').fill('edge-1');
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      await page.locator('.run-result .badge-ok').waitFor({ timeout: 30_000 });
      await page.getByRole('link', { name: 'Sessions' }).click();
      await page.locator('.notice').waitFor();
      expect(await page.locator('.notice').textContent()).toContain('cannot list');
      await page.getByLabel('Open by id').fill('edge-1');
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      await page.locator('.timeline-entry[data-seq="1"]').waitFor();
      await page.getByRole('tab', { name: 'State' }).click();
      await expect
        .poll(() => page.locator('[data-label="session state"]').textContent())
        .toContain('workerd');
      await shoot(page, 'workerd-session');
      expect(watched.errors.filter((error) => !/status of 501/.test(error))).toEqual([]);
      expectLocalOnly(watched, server);
    } finally {
      await watched.close();
    }
  });
});

describe.each(['deno', 'bun'])('the console on duet serve --runtime %s', (runtime) => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await serve(runtime);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('runs a snippet in a session and lists it with its run', async () => {
    const watched = await watchedPage(browser);
    const { page } = watched;
    try {
      await page.goto(`${server.url}/console#/playground`);
      await writeSnippet(page, `await state.put('runtime', '${runtime}');\nreturn demo.listTasks({});\n`);
      await page.getByLabel('Session (optional)').fill(`${runtime}-1`);
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      await page.locator('.run-result .badge-ok').waitFor({ timeout: 30_000 });
      await page.getByRole('link', { name: 'Sessions' }).click();
      await page.getByRole('link', { name: `${runtime}-1` }).click();
      await page.locator('.timeline-entry[data-seq="1"]').waitFor();
      expect(watched.errors).toEqual([]);
      expectLocalOnly(watched, server);
    } finally {
      await watched.close();
    }
  });
});

/** Whether this build's `duet serve` takes a model (the agent routes): the chat test needs it. */
function agentBuilt(): boolean {
  try {
    return execFileSync(process.execPath, [bin, 'serve', '--help'], { encoding: 'utf8' }).includes(
      '--llm-url',
    );
  } catch {
    return false;
  }
}

/**
 * An OpenAI-compatible model server that follows a script, streamed as Chat Completions SSE: a request
 * whose last message is a tool result gets a short answer; "slow" gets a few words and then nothing until
 * the client goes away (a turn to stop); "create" gets an `execute` that creates a task (which needs
 * approval); anything else gets an `execute` that lists tasks.
 */
function scriptedModel(): { server: Server; url: () => string; requests: number } {
  const state = { requests: 0 };
  const send = (res: ServerResponse, chunks: unknown[], end = true) => {
    for (const chunk of chunks) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    if (end) res.end('data: [DONE]\n\n');
  };
  const delta = (d: unknown, finish: string | null = null) => ({
    choices: [{ index: 0, delta: d, finish_reason: finish }],
  });
  const server = createServer(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    state.requests++;
    const body = JSON.parse(text) as { messages: { role: string; content?: unknown }[] };
    const last = body.messages[body.messages.length - 1];
    const asked = JSON.stringify(body.messages.findLast((m) => m.role === 'user')?.content ?? '');
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    if (last.role === 'tool') {
      const answer = asked.includes('create') ? 'Done: the task is created.' : 'There are no open tasks yet.';
      send(res, [delta({ role: 'assistant', content: answer }), delta({}, 'stop')]);
    } else if (asked.includes('slow')) {
      send(res, [delta({ role: 'assistant', content: 'Let me think about this for a long while' })], false);
    } else {
      const args = JSON.stringify({
        code: asked.includes('create')
          ? "const task = await demo.createTask({ body: { title: 'Ship it' } });\nreturn task.id;"
          : "const open = await demo.listTasks({ done: 'false' });\nreturn open.length;",
      });
      send(res, [
        delta({
          role: 'assistant',
          tool_calls: [
            { index: 0, id: 'call_1', type: 'function', function: { name: 'execute', arguments: '' } },
          ],
        }),
        delta({ tool_calls: [{ index: 0, function: { arguments: args.slice(0, 20) } }] }),
        delta({ tool_calls: [{ index: 0, function: { arguments: args.slice(20) } }] }),
        delta({}, 'tool_calls'),
      ]);
    }
  });
  return {
    server,
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    get requests() {
      return state.requests;
    },
  };
}

describe.skipIf(!agentBuilt())(
  'the chat (node, a scripted model; skipped on a build whose duet serve has no --llm-url)',
  () => {
    let server: ServerProcess;
    const model = scriptedModel();
    beforeAll(async () => {
      await new Promise<void>((done) => model.server.listen(0, '127.0.0.1', done));
      const dir = scratch('chat-policy');
      writeFileSync(join(dir, 'policy.yaml'), POLICY);
      server = await serve('node', [
        '--llm-url',
        model.url(),
        '--llm-model',
        'scripted',
        '--policy',
        join(dir, 'policy.yaml'),
      ]);
    });
    afterAll(async () => {
      await server?.stop();
      model.server.closeAllConnections();
      await new Promise((done) => model.server.close(done));
    });

    it('chats a turn (the tool call with its code, calls and result, then the answer) and stops one', async () => {
      const watched = await watchedPage(browser);
      const { page } = watched;
      try {
        await page.goto(`${server.url}/console#/sessions/chat-1/chat`);
        const input = page.getByLabel('Message to the agent');
        await input.fill('How many open tasks do I have?');
        await input.press('Enter');
        const tool = page.locator('.message-assistant .tool-call[data-tool="execute"]');
        await tool.locator('.run-result .badge-ok').waitFor({ timeout: 30_000 });
        expect(await tool.locator('.code').textContent()).toContain("demo.listTasks({ done: 'false' })");
        expect(await tool.locator('.code .tok-keyword').first().textContent()).toBe('const');
        expect(await tool.locator('table.calls').textContent()).toContain('demo.listTasks');
        await expect
          .poll(() => page.locator('.message-assistant .message-text').last().textContent())
          .toBe('There are no open tasks yet.');
        await page.getByRole('button', { name: 'Send' }).waitFor();
        await shoot(page, 'session-chat');

        await input.fill('Take it slow, please');
        await input.press('Enter');
        await expect
          .poll(() => page.locator('.message-assistant .message-text').last().textContent(), {
            timeout: 30_000,
          })
          .toContain('Let me think');
        await page.getByRole('button', { name: 'Stop' }).click();
        await page.locator('.message-assistant .stopped').waitFor({ timeout: 30_000 });
        await page.getByRole('button', { name: 'Send' }).waitFor();
        // The history the server keeps shows the same turns after a reload.
        await page.reload();
        await expect.poll(() => page.locator('.message-user').count(), { timeout: 30_000 }).toBe(2);
        // The stopped turn stays marked so.
        await page.locator('.message-assistant .stopped').waitFor();
        expect(
          await page.locator('.message-assistant .tool-call[data-tool="execute"] .code').textContent(),
        ).toContain('demo.listTasks');
        // The only failed loads: the session's summary and history before its first turn (404: not started).
        expect(watched.errors.filter((error) => !/status of 404/.test(error))).toEqual([]);
        expect(watched.errors.length).toBeLessThanOrEqual(2);
        expectLocalOnly(watched, server);
      } finally {
        await watched.close();
      }
    });

    it('shows a write waiting for approval in the chat; approved in Approvals, the turn goes on', async () => {
      const watched = await watchedPage(browser);
      const { page } = watched;
      try {
        await page.goto(`${server.url}/console#/sessions/chat-2/chat`);
        const input = page.getByLabel('Message to the agent');
        await input.fill('Please create a task called Ship it');
        await input.press('Enter');
        const waiting = page.locator('.approval-part[data-status="pending"]');
        await waiting.waitFor({ timeout: 30_000 });
        expect(await waiting.locator('.planned-call').textContent()).toContain('demo.createTask');
        expect(await waiting.locator('.planned-call').textContent()).toContain('Ship it');
        await page.locator('.notice.waiting').waitFor();
        await shoot(page, 'session-chat-approval');
        await waiting.getByRole('link', { name: 'Review them' }).click();
        await page
          .locator('article.plan-pending')
          .getByRole('button', { name: /Approve and apply 1 write/ })
          .click();
        await page.locator('article.plan-applied .outcome').waitFor();
        await page.getByRole('tab', { name: 'Chat' }).click();
        await expect
          .poll(() => page.locator('.message-assistant .message-text').last().textContent(), {
            timeout: 30_000,
          })
          .toBe('Done: the task is created.');
        expect(await page.locator('.notice.waiting').count()).toBe(0);
        const tasks = await api(server, '/v1/execute', { code: 'return demo.listTasks({})' });
        expect(tasks.result.map((t: { title: string }) => t.title)).toEqual(['Ship it']);
        expect(watched.errors.filter((error) => !/status of 404/.test(error))).toEqual([]);
        expectLocalOnly(watched, server);
      } finally {
        await watched.close();
      }
    });
  },
);
