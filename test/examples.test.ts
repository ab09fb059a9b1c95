/**
 * The examples run as their README says: the GitHub stand-in (examples/agent-triage), `duet serve` with
 * GitHub's spec pointed at it and a model (here a scripted one standing in for Ollama), `duet chat`, the
 * approval policy, and the AI SDK client script (examples/use-chat/chat.mjs).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsThisTurn } from './support/agent-scenario.ts';
import { assertBuilt, runCli, type ServerProcess, startServer } from './support/cli.ts';
import { githubSpecPath } from './support/github.ts';
import { track } from './support/processes.ts';
import {
  lastToolResult,
  type ScriptedModel,
  type ScriptRequest,
  startScriptedModel,
} from './support/scripted-model.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const TRIAGE =
  'Triage the open issues of octo/app: label the ones that report a crash as bug, comment on them, and tell me which.';

/** What a tool-calling model does with the triage request: find the operations, one snippet, the answer. */
function triage(request: ScriptRequest) {
  const done = resultsThisTurn(request.messages);
  if (done === 0)
    return {
      toolCalls: [
        { name: 'search', input: { query: 'list issues of a repository', limit: 3 } },
        { name: 'search', input: { query: 'add labels to an issue', limit: 3 } },
        { name: 'search', input: { query: 'comment on an issue', limit: 3 } },
      ],
    };
  if (done === 3) {
    const code = [
      "const issues = await github.issuesListForRepo({ owner: 'octo', repo: 'app', state: 'open' });",
      'const crashes = issues.filter((i) => /crash/i.test(i.title));',
      'for (const i of crashes) {',
      "  console.log('labelling #' + i.number);",
      "  await github.issuesAddLabels({ owner: 'octo', repo: 'app', issue_number: i.number, body: { labels: ['bug'] } });",
      "  await github.issuesCreateComment({ owner: 'octo', repo: 'app', issue_number: i.number, body: { body: 'Thanks: labelled as a bug.' } });",
      '}',
      'return crashes.map((i) => i.number);',
    ].join('\n');
    return { toolCalls: [{ name: 'execute', input: { code } }] };
  }
  const result = lastToolResult(request)?.json;
  if (result?.ok)
    return {
      text: `Labelled ${result.result.map((n: number) => `#${n}`).join(' and ')} as bug and commented on them.`,
    };
  if (result?.plan) return { text: `The comments wait for approval (plan ${result.plan.id}).` };
  return { text: `It did not work: ${lastToolResult(request)?.content.slice(0, 200)}` };
}

let standIn: ChildProcess;
let standInUrl: string;
let standInLog = '';
let model: ScriptedModel;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  assertBuilt();
  standIn = spawn(process.execPath, [`${root}examples/agent-triage/github-stand-in.mjs`, '0'], {
    stdio: 'pipe',
  });
  track(standIn.pid!);
  standInUrl = await new Promise<string>((resolve) => {
    standIn.stdout!.on('data', (chunk) => {
      standInLog += chunk;
      const match = /on (http:\/\/\S+)/.exec(standInLog);
      if (match) resolve(match[1]);
    });
  });
  model = await startScriptedModel('openai', triage);
});
afterAll(async () => {
  for (const server of servers) await server.stop();
  await model?.close();
  standIn?.kill();
});

const serve = async (extra: string[] = []) => {
  const server = await startServer([
    '--spec',
    `github=${githubSpecPath}`,
    '--base-url',
    `github=${standInUrl}`,
    '--llm-url',
    model.url,
    '--llm-model',
    'qwen2.5:7b',
    ...extra,
  ]);
  servers.push(server);
  return server;
};

describe('examples/agent-triage', () => {
  it('triages the stand-in’s issues through duet chat', async () => {
    const server = await serve();
    const { code, stdout } = await runCli(['chat', TRIAGE, '--url', server.url, '--session', 'triage']);
    expect(code).toBe(0);
    expect(stdout).toContain('› search "comment on an issue"');
    expect(stdout).toContain('· labelling #1');
    expect(stdout).toContain('Labelled #1 and #3 as bug and commented on them.');
    expect(standInLog).toMatch(/POST \/repos\/octo\/app\/issues\/3\/comments/);
  });

  it('waits for a person before commenting, with the example policy', async () => {
    const server = await serve(['--policy', `${root}examples/agent-triage/policy.yaml`]);
    const first = await runCli(['chat', TRIAGE, '--url', server.url, '--session', 'careful']);
    expect(first.stdout).toMatch(/⏸ plan (\S+) waits for approval/);
    expect(first.stdout).toContain('POST github.issuesCreateComment');
    const plan = /--approve (\S+)/.exec(first.stdout)![1];
    const approved = await runCli(['chat', '--url', server.url, '--session', 'careful', '--approve', plan]);
    expect(approved.stdout).toContain(`plan ${plan} approved`);
    expect(approved.stdout).toContain(
      'POST github.issuesCreateComment /repos/octo/app/issues/3/comments -> 201',
    );
    expect(approved.stdout).toContain('Labelled #1 and #3 as bug');
  });
});

describe('examples/use-chat/chat.mjs', () => {
  it('talks to duet with the AI SDK’s own client', async () => {
    const server = await serve();
    const child = spawn(
      process.execPath,
      [`${root}examples/use-chat/chat.mjs`, TRIAGE, '--url', server.url, '--session', 'sdk'],
      {
        stdio: 'pipe',
        cwd: root,
      },
    );
    track(child.pid!);
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(out).toContain('[search] list issues of a repository -> 3 operations');
    expect(out).toContain('[execute] [1,3]');
    expect(out).toContain('Labelled #1 and #3 as bug');
    expect(out).toMatch(/\(done; \{"inputTokens":\d+/);
    expect(code).toBe(0);
  });
});
