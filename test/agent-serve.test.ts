/**
 * The agent through the real `duet serve` on every runtime: a turn streamed from POST
 * /v1/sessions/a1/messages {content} (search, one execute against the GitHub stand-in, the answer), the
 * server killed with SIGKILL mid-turn and restarted on the same --data, the turn finished from its last
 * completed step without running the execute again (upstream requests counted), the history whole.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chatTransport,
  issueScript,
  postContent,
  readAll,
  readUntil,
  TASK,
  untilExecuteOutput,
} from './support/agent-scenario.ts';
import { assertBuilt, startServer } from './support/cli.ts';
import { githubSpecPath } from './support/github.ts';
import { gate, startScriptedModel } from './support/scripted-model.ts';
import { startUpstream, type Upstream } from './support/upstream.ts';

let upstream: Upstream;
const dirs: string[] = [];
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  assertBuilt();
  upstream = await startUpstream();
});
afterAll(async () => {
  for (const close of closers) await close();
  await upstream.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const posts = (repo: string) =>
  upstream.received.filter((r) => r.method === 'POST' && r.url === `/repos/octo/${repo}/issues`).length;
const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 25));
};

describe.each(['node', 'bun', 'deno', 'workerd'])('the agent on duet serve --runtime %s', (runtime) => {
  // workerd bundles the Worker before it listens.
  const startTimeoutMs = runtime === 'workerd' ? 90_000 : 30_000;
  it('streams a turn, survives kill -9 mid-turn without running the execute again, and keeps the conversation', async () => {
    const repo = `agent-${runtime}`;
    const hold = gate();
    const model = await startScriptedModel('openai', issueScript({ repo, beforeAnswer: () => hold.promise }));
    closers.push(() => model.close());
    const data = mkdtempSync(join(tmpdir(), `duet-agent-${runtime}-`));
    dirs.push(data);
    const flags = [
      '--runtime',
      runtime,
      '--data',
      data,
      '--spec',
      `github=${githubSpecPath}`,
      '--base-url',
      `github=${upstream.url}`,
      '--llm-url',
      model.url,
      '--llm-model',
      'scripted-1',
    ];
    const first = await startServer(flags, { startTimeoutMs });
    try {
      const seen = await readUntil(await postContent(first.url, 'a1', TASK), untilExecuteOutput());
      const output = seen.at(-1) as any;
      expect(output).toMatchObject({
        type: 'tool-output-available',
        output: { ok: true, result: { title: 'Hello from duet' } },
      });
      // The snippet's console line came as a data part while it ran (each runtime's sandbox streams it).
      const log = seen.find((c) => c.type === 'data-log') as any;
      expect(log).toMatchObject({ transient: true, data: { line: `filing the issue in ${repo}` } });
      expect(seen.indexOf(log)).toBeLessThan(seen.indexOf(output));
      // The execute's outcome is kept; the model is now asked for the answer, which the script holds.
      await until(() => model.requests.length >= 3);
    } finally {
      await first.stop('SIGKILL');
    }
    expect(posts(repo)).toBe(1);
    hold.open();

    const second = await startServer(flags, { startTimeoutMs });
    try {
      // The turn was cut off; a client resumes its stream and the turn carries on from its last step.
      const stream = await chatTransport(second.url, 'a1').reconnectToStream({ chatId: 'a1' });
      expect(stream).not.toBeNull();
      const { chunks, message } = await readAll(stream!);
      expect(chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
      const parts = message!.parts as any[];
      expect(parts.find((p) => p.type === 'tool-execute')).toMatchObject({
        state: 'output-available',
        output: { ok: true },
      });
      expect(parts.filter((p) => p.type === 'text').at(-1).text).toBe('Created issue #1.');
      expect(posts(repo)).toBe(1);
      // Asked again for the answer only: search and execute were not redone.
      expect(model.requests).toHaveLength(4);
      expect(model.requests[3].messages.filter((m) => m.role === 'tool')).toHaveLength(2);

      const history = (await (await fetch(`${second.url}/v1/sessions/a1/messages`)).json()) as any;
      expect(history.turn).toMatchObject({ status: 'done', steps: 3 });
      expect(history.messages.map((m: any) => m.role)).toEqual(['user', 'assistant']);
      expect(history.messages[0].parts[0].text).toBe(TASK);
      const kinds = history.messages[1].parts.map((p: any) => p.type);
      expect(kinds.filter((k: string) => k === 'step-start')).toHaveLength(3);
      expect(kinds).toEqual(expect.arrayContaining(['text', 'tool-search', 'tool-execute']));
      expect(history.messages[1].parts.at(-1)).toMatchObject({ type: 'text', text: 'Created issue #1.' });
      expect((await fetch(`${second.url}/v1/sessions/a1/stream`)).status).toBe(204);
    } finally {
      expect(await second.stop('SIGTERM')).toBe(0);
    }
  }, 300_000);

  it('picks a cut-off turn up on its own after a restart (the session wake), with no client asking', async () => {
    const repo = `wake-${runtime}`;
    const hold = gate();
    const model = await startScriptedModel(
      'anthropic',
      issueScript({ repo, beforeAnswer: () => hold.promise }),
    );
    closers.push(() => model.close());
    const data = mkdtempSync(join(tmpdir(), `duet-wake-${runtime}-`));
    dirs.push(data);
    const flags = [
      '--runtime',
      runtime,
      '--data',
      data,
      '--spec',
      `github=${githubSpecPath}`,
      '--base-url',
      `github=${upstream.url}`,
      '--llm-url',
      model.url,
      '--llm-model',
      'scripted-1',
      '--llm-provider',
      'anthropic',
    ];
    const env = { ...process.env, DUET_AGENT_WATCHDOG_MS: '300' };
    const first = await startServer(flags, { env, startTimeoutMs });
    try {
      await readUntil(await postContent(first.url, 'w1', TASK), untilExecuteOutput());
      await until(() => model.requests.length >= 3);
    } finally {
      await first.stop('SIGKILL');
    }
    hold.open();
    const second = await startServer(flags, { env, startTimeoutMs });
    try {
      // Only the model server is watched: the restarted server asks it for the answer by itself.
      await until(() => model.requests.length >= 4);
      let history: any;
      do history = await (await fetch(`${second.url}/v1/sessions/w1/messages`)).json();
      while (history.turn.status !== 'done');
      expect(history.messages[1].parts.at(-1)).toMatchObject({ type: 'text', text: 'Created issue #1.' });
      expect(posts(repo)).toBe(1);
    } finally {
      expect(await second.stop('SIGTERM')).toBe(0);
    }
  }, 300_000);
});

describe('an execute cut off by kill -9', () => {
  it('is not run again after the restart: the model hears that it may have taken effect', async () => {
    // An upstream that takes the write and never answers: the server is killed while the call is out.
    const { createServer } = await import('node:http');
    let received = 0;
    const held = new Set<import('node:http').ServerResponse>();
    const slow = createServer((req, res) => {
      received++;
      held.add(res);
      req.resume();
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          for (const res of held) res.destroy();
          slow.close(() => resolve());
        }),
    );
    const slowUrl = `http://127.0.0.1:${(slow.address() as import('node:net').AddressInfo).port}`;
    const model = await startScriptedModel('openai', issueScript({ repo: 'slow' }));
    closers.push(() => model.close());
    const data = mkdtempSync(join(tmpdir(), 'duet-cut-'));
    dirs.push(data);
    const flags = [
      '--data',
      data,
      '--spec',
      `github=${githubSpecPath}`,
      '--base-url',
      `github=${slowUrl}`,
      '--llm-url',
      model.url,
      '--llm-model',
      'scripted-1',
      '--sandbox-limit',
      'timeoutMs=60000',
    ];
    const first = await startServer(flags);
    try {
      const response = await fetch(`${first.url}/v1/sessions/cut-1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ content: TASK }),
      });
      expect(response.status).toBe(200);
      await until(() => received >= 1);
      await first.stop('SIGKILL');
      await response.body?.cancel().catch(() => {});
    } finally {
      await first.stop('SIGKILL');
    }
    const second = await startServer(flags);
    try {
      const stream = await chatTransport(second.url, 'cut-1').reconnectToStream({ chatId: 'cut-1' });
      const { message } = await readAll(stream!);
      const execute = (message!.parts as any[]).find((p) => p.type === 'tool-execute');
      expect(execute).toMatchObject({ state: 'output-error' });
      expect(execute.errorText).toContain('cut off before it finished');
      // The journal names the call as it was about to be sent (the path template).
      expect(execute.errorText).toContain('github.issuesCreate POST /repos/{owner}/{repo}/issues (unknown)');
      // The model was told, and the write was sent once: before the kill, never after.
      expect(model.requests.at(-1)!.messages.at(-1)).toMatchObject({
        role: 'tool',
        content: expect.stringContaining('may have taken effect'),
      });
      expect(received).toBe(1);
      const audit = (await (await fetch(`${second.url}/v1/sessions/cut-1/audit`)).json()) as any;
      expect(audit.entries.at(-1)).toMatchObject({
        errorKind: 'interrupted',
        calls: [{ name: 'issuesCreate', outcome: 'unknown' }],
      });
    } finally {
      expect(await second.stop('SIGTERM')).toBe(0);
    }
  }, 120_000);
});
