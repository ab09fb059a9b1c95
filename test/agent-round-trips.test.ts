/**
 * Round trips and tokens of one multi-step task, done by duet's agent (search + execute) and by a classic
 * agent with one tool per operation, against the same GitHub stand-in, each played by a scripted model
 * that makes the calls the task needs. The task: triage the open issues of octo/triage: label each one
 * that reports a crash `bug` and comment on it, then say which were labelled.
 *
 * Tokens are counted as characters / 4 of what each round trip sends (system prompt, conversation, tool
 * definitions), the rule `duet tokens` uses. Printed as a table; the assertions hold the comparison.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel } from '../src/agent/model/index.ts';
import type { ModelMessage, ModelTool } from '../src/agent/model/types.ts';
import type { Api } from '../src/catalog/types.ts';
import { createDuet } from '../src/duet.ts';
import { classicTool } from '../src/http/tool-sizes.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';
import { resultsThisTurn } from './support/agent-scenario.ts';
import { githubApi } from './support/github.ts';
import {
  lastToolResult,
  type ScriptedModel,
  type ScriptRequest,
  startScriptedModel,
} from './support/scripted-model.ts';

const TASK =
  'Triage the open issues of octo/triage: label the ones that report a crash as bug, comment on each of them, and tell me which you labelled.';
const COMMENT = 'Thanks for the report: labelled as a bug, we are looking into it.';

/** GitHub-sized issues: the fields a real list response carries, so what flows through a classic agent's context is realistic. */
function issue(number: number, title: string, body: string) {
  const url = `https://api.github.com/repos/octo/triage/issues/${number}`;
  return {
    url,
    repository_url: 'https://api.github.com/repos/octo/triage',
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `https://github.com/octo/triage/issues/${number}`,
    id: 2_000_000_000 + number,
    node_id: `I_kwDOABCDEF${number}`,
    number,
    title,
    user: {
      login: 'reporter',
      id: 42,
      node_id: 'MDQ6VXNlcjQy',
      avatar_url: 'https://avatars.githubusercontent.com/u/42?v=4',
      type: 'User',
      site_admin: false,
    },
    labels: [] as unknown[],
    state: 'open',
    locked: false,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: 0,
    created_at: '2026-11-30T10:00:00Z',
    updated_at: '2026-11-30T10:00:00Z',
    closed_at: null,
    author_association: 'NONE',
    body,
    reactions: {
      url: `${url}/reactions`,
      total_count: 0,
      '+1': 0,
      '-1': 0,
      laugh: 0,
      hooray: 0,
      confused: 0,
      heart: 0,
      rocket: 0,
      eyes: 0,
    },
    timeline_url: `${url}/timeline`,
    state_reason: null,
  };
}

const TITLES = [
  [
    'App crashes when saving a file with an emoji in its name',
    'Steps: create a file named 🎉.txt, press save. The app crashes with a segfault. ',
  ],
  ['Add a dark theme', 'It would be nice to have a dark theme for night work. '],
  ['Typo in the settings page', 'The settings page says "Prefrences". '],
  [
    'Crash on startup after the 2.3 update',
    'Since updating to 2.3 the app crashes right after the splash screen on macOS 15. ',
  ],
  ['Export to PDF keeps the wrong margins', 'Exported PDFs have 2 cm margins whatever the page setup says. '],
  ['Allow more than 10 tabs', 'The tab bar stops at ten tabs; I often need more. '],
];

/** `count` open issues, a third of them crash reports. */
function issuesOf(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const [title, body] = TITLES[i % TITLES.length];
    return issue(i + 1, i < TITLES.length ? title : `${title} (${i + 1})`, body.repeat(3));
  });
}

let ISSUES = issuesOf(4);
const crashes = () => ISSUES.filter((i) => isCrash(i.title)).map((i) => i.number);
const answerFor = (numbers: number[]) =>
  `Labelled ${numbers.map((n) => `#${n}`).join(', ')} as bug and commented on them.`;

/** The stand-in: list, add labels, comment; every request recorded. */
async function startTriageUpstream() {
  const received: string[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const path = new URL(req.url!, 'http://x').pathname;
      received.push(`${req.method} ${path}`);
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const item = /^\/repos\/octo\/triage\/issues\/(\d+)\/(labels|comments)$/.exec(path);
      if (req.method === 'GET' && path === '/repos/octo/triage/issues') return send(200, ISSUES);
      if (req.method === 'POST' && item?.[2] === 'labels')
        return send(
          200,
          JSON.parse(text).labels.map((name: string) => ({ id: 7, name, color: 'd73a4a', default: true })),
        );
      if (req.method === 'POST' && item?.[2] === 'comments')
        return send(201, { id: 99, body: JSON.parse(text).body, issue_url: `x/${item[1]}` });
      send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const isCrash = (title: string) => /crash/i.test(title);

/** duet's agent: search the three operations, one snippet that does the triage, the answer. */
function duetScript(request: ScriptRequest) {
  const done = resultsThisTurn(request.messages);
  if (done === 0) {
    return {
      toolCalls: [
        { name: 'search', input: { query: 'list issues of a repository', limit: 3 } },
        { name: 'search', input: { query: 'add labels to an issue', limit: 3 } },
        { name: 'search', input: { query: 'comment on an issue', limit: 3 } },
      ],
    };
  }
  if (done === 3) {
    const code = [
      "const issues = await github.issuesListForRepo({ owner: 'octo', repo: 'triage', state: 'open' });",
      'const crashes = issues.filter((i) => /crash/i.test(i.title));',
      'for (const i of crashes) {',
      "  await github.issuesAddLabels({ owner: 'octo', repo: 'triage', issue_number: i.number, body: { labels: ['bug'] } });",
      `  await github.issuesCreateComment({ owner: 'octo', repo: 'triage', issue_number: i.number, body: { body: ${JSON.stringify(COMMENT)} } });`,
      '}',
      'return crashes.map((i) => ({ number: i.number, title: i.title }));',
    ].join('\n');
    return { toolCalls: [{ name: 'execute', input: { code } }] };
  }
  const labelled = (lastToolResult(request)?.json?.result ?? []) as { number: number }[];
  return {
    text: answerFor(labelled.map((i) => i.number)),
  };
}

/**
 * A classic agent: list the issues, then label and comment on each crash report, then answer. `parallel`:
 * all those calls in one round trip (the best case); otherwise one call per round trip, as many models do.
 */
function classicScript(parallel: boolean) {
  return (request: ScriptRequest) => {
    const done = resultsThisTurn(request.messages);
    if (done === 0)
      return {
        toolCalls: [
          { name: 'github_issuesListForRepo', input: { owner: 'octo', repo: 'triage', state: 'open' } },
        ],
      };
    // The list is the first tool result of the turn.
    const list = request.messages.find((m) => m.role === 'tool') as { content: string };
    const issues = (JSON.parse(list.content) as { number: number; title: string }[]).filter((i) =>
      isCrash(i.title),
    );
    const calls = issues.flatMap((i) => [
      {
        name: 'github_issuesAddLabels',
        input: { owner: 'octo', repo: 'triage', issue_number: i.number, body: { labels: ['bug'] } },
      },
      {
        name: 'github_issuesCreateComment',
        input: { owner: 'octo', repo: 'triage', issue_number: i.number, body: { body: COMMENT } },
      },
    ]);
    const left = calls.slice(done - 1);
    if (left.length > 0) return { toolCalls: parallel ? left : left.slice(0, 1) };
    return { text: answerFor(issues.map((i) => i.number)) };
  };
}

interface Measure {
  name: string;
  roundTrips: number;
  toolCalls: number;
  /** Tool definition tokens sent per round trip. */
  toolTokens: number;
  /** Everything sent over all round trips. */
  inputTokens: number;
  upstreamCalls: number;
}

const tokens = (value: unknown) => Math.ceil(JSON.stringify(value).length / 4);

function measure(name: string, model: ScriptedModel, upstreamCalls: number): Measure {
  const requests = model.requests;
  return {
    name,
    roundTrips: requests.length,
    // The last round trip carries every tool result of the task.
    toolCalls: requests.at(-1)!.messages.filter((m) => m.role === 'tool').length,
    toolTokens: tokens(requests[0].toolDefinitions),
    inputTokens: requests.reduce((sum, r) => sum + tokens(r.body.messages) + tokens(r.body.tools ?? []), 0),
    upstreamCalls,
  };
}

/**
 * The classic agent loop: every operation of `apis` a tool (`classicTool`, as `duet tokens` sizes them),
 * each tool call one API call made through duet's executor, its whole response the tool result.
 */
async function runClassic(model: ScriptedModel, apis: Api[], only: string[] | undefined, upstream: string) {
  const sandbox = createQuickJSSandbox();
  try {
    const duet = createDuet({ apis, sandbox, upstreams: { github: { baseUrl: upstream } } });
    const tools: ModelTool[] = apis.flatMap((api) =>
      api.operations
        .filter((op) => !only || only.includes(op.name))
        .map((op) => {
          const tool = classicTool(op, api.schemas);
          return { name: tool.name, description: tool.description, inputSchema: tool.inputSchema };
        }),
    );
    const client = createModel({ url: model.url, model: 'scripted-classic' });
    const messages: ModelMessage[] = [{ role: 'user', text: TASK }];
    for (let step = 0; step < 100; step++) {
      let text = '';
      const calls: { id: string; name: string; input: unknown }[] = [];
      for await (const event of client.stream({
        system: 'You are an agent with tools for the GitHub API.',
        messages,
        tools,
      })) {
        if (event.type === 'text-delta') text += event.delta;
        if (event.type === 'tool-call') calls.push(event);
      }
      messages.push({ role: 'assistant', text, toolCalls: calls });
      if (calls.length === 0) return text;
      for (const call of calls) {
        const name = call.name.replace(/^github_/, '');
        const response = await duet.execute(`return await github.${name}(${JSON.stringify(call.input)});`);
        messages.push({
          role: 'tool',
          toolCallId: call.id,
          name: call.name,
          content: JSON.stringify(response.ok ? response.result : response.error),
        });
      }
    }
    throw new Error('the classic agent did not finish');
  } finally {
    await sandbox.close();
  }
}

let upstream: Awaited<ReturnType<typeof startTriageUpstream>>;
const measures: Measure[] = [];
const closers: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  upstream = await startTriageUpstream();
});
afterAll(async () => {
  for (const close of closers) await close();
  await upstream.close();
  const rows = measures.map(
    (m) =>
      `| ${m.name} | ${m.roundTrips} | ${m.toolCalls} | ${m.toolTokens.toLocaleString('en')} | ${m.inputTokens.toLocaleString('en')} | ${m.upstreamCalls} |`,
  );
  console.log(
    [
      '| agent | model round trips | tool calls | tool-definition tokens per round trip | input tokens, all round trips | upstream calls |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
    ].join('\n'),
  );
});

describe.each([4, 30])('one triage task over %i open issues: round trips and tokens', (count) => {
  it('duet (search + execute) against a classic agent with one tool per operation', async () => {
    ISSUES = issuesOf(count);
    const expected = answerFor(crashes());
    const measured: Measure[] = [];
    const github = await githubApi();
    const upstreamCalls = () => upstream.received.length;

    const duetModel = await startScriptedModel('openai', duetScript);
    closers.push(() => duetModel.close());
    const sandbox = createQuickJSSandbox();
    closers.push(() => sandbox.close());
    const duet = createDuet({
      apis: [github],
      sandbox,
      upstreams: { github: { baseUrl: upstream.url } },
      model: { url: duetModel.url, model: 'scripted-duet' },
    });
    let before = upstreamCalls();
    await duet.agent!.send('triage', { text: TASK });
    const turn = await duet.agent!.settled('triage');
    expect(turn?.status).toBe('done');
    const answer = (await duet.agent!.messages('triage'))!.messages[1].parts.at(-1) as any;
    expect(answer.text).toBe(expected);
    measured.push(measure(`duet: search + execute (${count} issues)`, duetModel, upstreamCalls() - before));

    const picked = ['issuesListForRepo', 'issuesAddLabels', 'issuesCreateComment'];
    for (const [name, only, parallel] of [
      [`classic: the 3 operations the task needs, parallel calls (${count} issues)`, picked, true],
      [
        `classic: all ${github.operations.length} GitHub operations, parallel calls (${count} issues)`,
        undefined,
        true,
      ],
      [`classic: the 3 operations, one call per round trip (${count} issues)`, picked, false],
    ] as const) {
      const model = await startScriptedModel('openai', classicScript(parallel));
      closers.push(() => model.close());
      before = upstreamCalls();
      expect(await runClassic(model, [github], only as string[] | undefined, upstream.url)).toBe(expected);
      measured.push(measure(name, model, upstreamCalls() - before));
    }
    measures.push(...measured);

    const [withDuet, classicPicked, classicAll, classicSequential] = measured;
    expect(withDuet.roundTrips).toBe(3);
    expect(classicSequential.roundTrips).toBe(2 + 2 * crashes().length);
    // Same work upstream: one list, then a label and a comment per crash report.
    for (const m of measured) expect(m.upstreamCalls).toBe(1 + 2 * crashes().length);
    // duet's two tools stay under 1,000 tokens whatever the catalog; the classic definitions grow with it.
    expect(withDuet.toolTokens).toBeLessThan(1000);
    expect(classicAll.toolTokens).toBeGreaterThan(100 * withDuet.toolTokens);
    expect(classicPicked.inputTokens).toBeLessThan(classicAll.inputTokens);
    // The issues' JSON flows through a classic agent's context; duet's snippet returns the numbers only.
    if (count >= 30) expect(withDuet.inputTokens * 2).toBeLessThan(classicPicked.inputTokens);
  });
});
