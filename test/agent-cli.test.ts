/** `duet chat` and the `--llm-*` flags of `duet serve`, run as a user runs them (the built CLI). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueScript, TASK } from './support/agent-scenario.ts';
import { assertBuilt, runCli, type ServerProcess, startServer } from './support/cli.ts';
import { githubSpecPath } from './support/github.ts';
import { type ScriptedModel, startScriptedModel } from './support/scripted-model.ts';
import { startUpstream, type Upstream } from './support/upstream.ts';

let upstream: Upstream;
let model: ScriptedModel;
let server: ServerProcess;
let approvals: ServerProcess;
const dir = mkdtempSync(join(tmpdir(), 'duet-chat-'));

beforeAll(async () => {
  assertBuilt();
  upstream = await startUpstream();
  model = await startScriptedModel('openai', issueScript({ repo: 'chat' }));
  const flags = [
    '--spec',
    `github=${githubSpecPath}`,
    '--base-url',
    `github=${upstream.url}`,
    '--llm-url',
    model.url,
    '--llm-model',
    'scripted-1',
  ];
  server = await startServer(flags);
  const policy = join(dir, 'policy.yaml');
  writeFileSync(
    policy,
    'apis:\n  github:\n    requireApproval:\n      - { id: filing, operation: issuesCreate }\n',
  );
  approvals = await startServer([...flags, '--policy', policy]);
});
afterAll(async () => {
  await server?.stop();
  await approvals?.stop();
  await model?.close();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('duet chat', () => {
  it('streams one turn in the terminal: the model text, each tool call, the code, results and usage', async () => {
    const { code, stdout, stderr } = await runCli(['chat', TASK, '--url', server.url, '--session', 'c1']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('I will look for the operation first.');
    expect(stdout).toContain('› search "create an issue"');
    expect(stdout).toMatch(/✓ \d+ operations: github\.issuesCreate/);
    expect(stdout).toContain('› execute');
    expect(stdout).toContain("  │ const issue = await github.issuesCreate({ owner: 'octo', repo: 'chat'");
    expect(stdout).toMatch(/POST github\.issuesCreate \/repos\/octo\/chat\/issues -> 201/);
    expect(stdout).toMatch(/Created issue #\d+\./);
    expect(stdout).toContain('[3 model calls · 5,900 tokens in · 92 out]');
  });

  it('is an interactive chat without MESSAGE, continuing the session', async () => {
    const { code, stdout } = await runCli(
      ['chat', '--url', server.url, '--session', 'c1'],
      `${TASK}\n/exit\n`,
    );
    expect(code).toBe(0);
    expect(stdout).toContain("session 'c1'");
    expect(stdout).toMatch(/Created issue #\d+\./);
    const history = (await (await fetch(`${server.url}/v1/sessions/c1/messages`)).json()) as any;
    expect(history.messages.map((m: any) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  it('shows a plan waiting for approval and approves it with --approve', async () => {
    const paused = await runCli(['chat', TASK, '--url', approvals.url, '--session', 'c3']);
    expect(paused.code).toBe(0);
    expect(paused.stdout).toMatch(/⏸ plan \S+ waits for approval/);
    expect(paused.stdout).toMatch(
      /POST github\.issuesCreate \/repos\/\{owner\}\/\{repo\}\/issues \{"owner":"octo","repo":"chat"/,
    );
    const plan = /--approve (\S+)/.exec(paused.stdout)![1];
    const approved = await runCli(['chat', '--url', approvals.url, '--session', 'c3', '--approve', plan]);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain(`plan ${plan} approved`);
    expect(approved.stdout).toMatch(/Created issue #\d+\./);
  });

  it('says how to reach a server that is not there', async () => {
    const { code, stderr } = await runCli(['chat', 'hi', '--url', 'http://127.0.0.1:9']);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9 .*duet serve --llm-url/);
  });
});

describe('duet serve --llm-*', () => {
  it.each([
    [['--llm-url', 'http://127.0.0.1:9/v1'], '--llm-url needs --llm-model'],
    [['--llm-model', 'm'], '--llm-model needs --llm-url'],
    [['--llm-url', 'ftp://x', '--llm-model', 'm'], '--llm-url ftp://x: an http(s) URL'],
    [
      ['--llm-url', 'http://x/v1', '--llm-model', 'm', '--llm-provider', 'gemini'],
      '--llm-provider gemini: choose openai or anthropic',
    ],
    [
      ['--llm-url', 'http://x/v1', '--llm-model', 'm', '--llm-max-steps', '0'],
      '--llm-max-steps 0: a whole number from 1 to 1000',
    ],
  ])('%j is refused: %s', async (flags, message) => {
    const { code, stderr } = await runCli(['serve', '--port', '0', ...flags]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('documents the flags and the command', async () => {
    expect((await runCli(['serve', '--help'])).stdout).toContain('--llm-max-steps N');
    const chat = await runCli(['chat', '--help']);
    expect(chat.stdout).toContain('Usage: duet chat [MESSAGE]');
    expect((await runCli(['--help'])).stdout).toMatch(/chat\s+talk to the agent/);
  });
});
