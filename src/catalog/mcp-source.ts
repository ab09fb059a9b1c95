/** Imports a remote MCP server's tools into the catalog as typed, function-style operations. */
// Deno: the SDK's `./*` export maps types to `*.js.d.ts`, which does not exist; name the .d.ts.
// @ts-types="@modelcontextprotocol/sdk/client/index"
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { checkApiName } from './api-name.ts';
import { toLowerCamel } from './naming.ts';
import { type Api, type JsonSchema, type Operation, SpecError } from './types.ts';

export interface McpSourceOptions {
  /** Extra request headers for the MCP server (e.g. credentials); they stay in the host. */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

interface ToolInfo {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
}

/** Connects, lists every tool (following pagination) and keeps the connection for calls. */
export async function loadMcpApi(name: string, url: string, options: McpSourceOptions = {}): Promise<Api> {
  const source = `MCP server ${url}`;
  checkApiName(name, source);
  let client: Client | undefined;
  const connect = async () => {
    // The SDK (with ajv and zod 3) loads only when an MCP source is configured: a server without one
    // starts without it (profiled: ~25% of the modules a server loads before it listens).
    const [{ Client }, { StreamableHTTPClientTransport }] = await Promise.all([
      import('@modelcontextprotocol/sdk/client/index.js'),
      // @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
      import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    ]);
    const next = new Client({ name: 'duet', version: '1.0.0' });
    await next.connect(
      new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: options.headers },
        fetch: options.fetch,
      }),
    );
    return next;
  };
  const tools: ToolInfo[] = [];
  try {
    client = await connect();
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined);
      tools.push(...(page.tools as ToolInfo[]));
      cursor = page.nextCursor;
    } while (cursor);
  } catch (error) {
    throw new SpecError(source, `cannot list its tools: ${(error as Error).message}`);
  }
  const toolByMethod = new Map<string, string>();
  const operations: Operation[] = [];
  for (const tool of tools) {
    let method = toLowerCamel(tool.name) || 'tool';
    while (toolByMethod.has(method)) method += '_';
    toolByMethod.set(method, tool.name);
    operations.push({
      api: name,
      name: method,
      operationId: tool.name,
      method: 'post',
      path: `/tools/${tool.name}`,
      summary: tool.title ?? tool.description?.split('\n')[0] ?? tool.name,
      description: tool.description ?? '',
      tags: [],
      deprecated: false,
      parameters: [],
      input: (tool.inputSchema ?? { type: 'object' }) as JsonSchema,
      response: tool.outputSchema ? { status: '200', schema: tool.outputSchema as JsonSchema } : undefined,
    });
  }
  return {
    name,
    title: name,
    version: '1.0.0',
    description: `Tools of the MCP server at ${url}`,
    source,
    operations,
    schemas: {},
    async invoke(method, args, signal) {
      const toolName = toolByMethod.get(method)!;
      const call = async () => {
        client ??= await connect();
        return client.callTool({ name: toolName, arguments: args as Record<string, unknown> }, undefined, {
          signal,
        });
      };
      let result: Awaited<ReturnType<Client['callTool']>>;
      try {
        result = await call();
      } catch (error) {
        // One reconnect: a restarted MCP server loses its sessions.
        client = undefined;
        if (signal?.aborted) throw error;
        result = await call();
      }
      const value = toolValue(result as { structuredContent?: unknown; content?: unknown });
      if (result.isError)
        throw {
          status: 500,
          message: typeof value === 'string' ? value : 'tool reported an error',
          body: value,
        };
      return value;
    },
  };
}

/** structuredContent when given; else a single text part parsed as JSON when it is JSON; else the parts. */
function toolValue(result: { structuredContent?: unknown; content?: unknown }): unknown {
  if (result.structuredContent !== undefined) return result.structuredContent;
  const content = (result.content ?? []) as { type: string; text?: string }[];
  if (content.length === 1 && content[0].type === 'text') {
    const text = content[0].text ?? '';
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return content;
}
