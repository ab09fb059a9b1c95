import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineApi, defineFunction, loadMcpApi, operationSignature } from '../src/catalog/index.ts';
import { createDuet } from '../src/duet.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';
import { assertBuilt, runCli } from './support/cli.ts';

const sandbox = createQuickJSSandbox();
afterAll(() => sandbox.close());

describe('typed functions as an API (defineApi)', () => {
  const Tree: z.ZodType<{ label: string; children: unknown[] }> = z.lazy(() =>
    z.object({ label: z.string(), children: z.array(Tree) }),
  );
  const math = defineApi({
    name: 'math',
    title: 'Arithmetic',
    operations: {
      add: defineFunction({
        summary: 'Add two numbers',
        input: z.object({ a: z.number(), b: z.number() }),
        output: z.number(),
        run: ({ a, b }) => a + b,
      }),
      countNodes: defineFunction({
        summary: 'Count the nodes of a tree',
        input: z.object({ tree: Tree }),
        output: z.object({ count: z.number().int() }),
        run: ({ tree }) => {
          const count = (t: { children: unknown[] }): number =>
            1 + t.children.reduce<number>((n, c) => n + count(c as { children: unknown[] }), 0);
          return { count: count(tree) };
        },
      }),
      broken: defineFunction({ input: z.object({}), output: z.string(), run: () => 42 as unknown as string }),
    },
  });
  const duet = createDuet({ apis: [math], sandbox });

  it('declares typed signatures and is searchable', () => {
    expect(operationSignature(math, math.operations[0])).toBe(
      '/** Add two numbers */\nadd(args: { a: number; b: number }): Promise<number>',
    );
    expect(operationSignature(math, math.operations[1])).toMatch(/countNodes\(args: \{ tree: math\.\w+ \}\)/);
    expect(duet.index.search('sum two numbers', { limit: 1 })[0].operation.name).toBe('add');
  });

  it('runs in the host with validated input and output, recorded as calls', async () => {
    const response = await duet.executor.execute({
      code: `
        const sum = await math.add({ a: 2, b: 40 });
        const { count } = await math.countNodes({ tree: { label: 'a', children: [{ label: 'b', children: [] }] } });
        let bad, broken;
        try { await math.add({ a: 'two', b: 1 }); } catch (e) { bad = [e.status, e.message]; }
        try { await math.broken({}); } catch (e) { broken = [e.status, e.message]; }
        return { sum, count, bad, broken };
      `,
    });
    expect(response.error).toBeUndefined();
    const result = response.result as {
      sum: number;
      count: number;
      bad: [number, string];
      broken: [number, string];
    };
    expect(result.sum).toBe(42);
    expect(result.count).toBe(2);
    expect(result.bad[0]).toBe(400);
    expect(result.bad[1]).toMatch(/invalid input.*a/s);
    expect(result.broken).toEqual([
      500,
      'math.broken: returned a value that does not match its output schema',
    ]);
    expect(response.calls.map((c) => [c.name, c.method, c.status])).toEqual([
      ['add', 'CALL', 200],
      ['countNodes', 'CALL', 200],
      ['add', 'CALL', 400],
      ['broken', 'CALL', 500],
    ]);
  });

  it('refuses a name that is not an identifier or is reserved', () => {
    expect(() => defineApi({ name: 'console', operations: {} })).toThrow(/console/);
    expect(() =>
      defineApi({
        name: 'ok',
        operations: { 'not-ident': defineFunction({ input: z.object({}), run: () => 1 }) },
      }),
    ).toThrow(/not-ident/);
  });
});

describe('an MCP server as a source (--mcp NAME=URL)', () => {
  let url: string;
  let close: () => void;
  const seenHeaders: string[] = [];

  beforeAll(async () => {
    const build = () => {
      const server = new McpServer({ name: 'weather', version: '1.0.0' });
      server.registerTool(
        'get_forecast',
        {
          title: 'Weather forecast for a city',
          description: 'Forecast for the next days',
          inputSchema: { city: z.string(), days: z.number().int().min(1).max(7).optional() },
          outputSchema: { city: z.string(), temperatures: z.array(z.number()) },
        },
        async ({ city, days }) => {
          const value = { city, temperatures: Array.from({ length: days ?? 3 }, (_, i) => 20 + i) };
          return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
        },
      );
      server.registerTool(
        'alerts',
        { description: 'Active weather alerts', inputSchema: { region: z.string() } },
        async ({ region }) =>
          region === 'nowhere'
            ? { content: [{ type: 'text', text: 'unknown region' }], isError: true }
            : { content: [{ type: 'text', text: `no alerts in ${region}` }] },
      );
      return server;
    };
    const http = serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch: async (request) => {
        seenHeaders.push(request.headers.get('x-weather-key') ?? '');
        const transport = new WebStandardStreamableHTTPServerTransport({
          sessionIdGenerator: undefined,
          enableJsonResponse: true,
        });
        await build().connect(transport);
        return transport.handleRequest(request);
      },
    });
    await new Promise((resolve) => http.once('listening', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
    close = () => http.close();
  });
  afterAll(() => close());

  it('imports tools as typed operations and calls them through the pipeline', async () => {
    const weather = await loadMcpApi('weather', url, { headers: { 'x-weather-key': 'k-123' } });
    expect(weather.operations.map((op) => op.name).sort()).toEqual(['alerts', 'getForecast']);
    const forecast = weather.operations.find((op) => op.name === 'getForecast')!;
    expect(operationSignature(weather, forecast)).toContain(
      'getForecast(args: { city: string; days?: number }): Promise<{ city: string; temperatures: number[] }>',
    );
    const duet = createDuet({ apis: [weather], sandbox });
    expect(duet.index.search('what is the weather forecast in Paris', { limit: 1 })[0].operation.name).toBe(
      'getForecast',
    );
    const response = await duet.executor.execute({
      code: `
        const f = await weather.getForecast({ city: 'Paris', days: 2 });
        const text = await weather.alerts({ region: 'north' });
        let failure; try { await weather.alerts({ region: 'nowhere' }); } catch (e) { failure = e.message; }
        return { f, text, failure };
      `,
    });
    expect(response.error).toBeUndefined();
    expect(response.result).toEqual({
      f: { city: 'Paris', temperatures: [20, 21] },
      text: 'no alerts in north',
      failure: 'weather.alerts: unknown region',
    });
    expect(seenHeaders.at(-1)).toBe('k-123');
    expect(JSON.stringify(response)).not.toContain('k-123');
  });

  it('works from the CLI: duet search --mcp', async () => {
    assertBuilt();
    const out = await runCli(['search', 'forecast', '--mcp', `weather=${url}`, '--json']);
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout).results[0]).toMatchObject({ api: 'weather', name: 'getForecast' });
    const bad = await runCli(['search', 'x', '--mcp', 'weather=http://127.0.0.1:1/mcp']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('MCP server http://127.0.0.1:1/mcp');
  });
});
