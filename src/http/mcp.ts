/** The MCP endpoint: exactly two tools, search and execute, over Streamable HTTP (a fresh server per request). */
// Deno: the SDK's `./*` export maps types to `*.js.d.ts`, which does not exist; name the .d.ts.
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
// @ts-types="@modelcontextprotocol/sdk/server/webStandardStreamableHttp"
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Logger } from '../audit/telemetry.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Executor } from '../execute/executor.ts';
import type { Sandbox } from '../sandbox/types.ts';
import type { SearchIndex } from '../search/types.ts';
import {
  executeInput,
  executeToolDescription,
  runSearch,
  searchInput,
  searchToolDescription,
} from './tools.ts';

export interface McpOptions {
  catalog: Catalog;
  search: SearchIndex;
  executor: Executor;
  sandbox?: Sandbox;
  version?: string;
  /** The tenant the request authenticated as: its executes run in its sessions. */
  tenant?: string;
  log?: Logger;
}

const text = (value: unknown) => [{ type: 'text' as const, text: JSON.stringify(value) }];

export function createMcpServer(options: McpOptions): McpServer {
  const { catalog, search, executor } = options;
  const server = new McpServer({ name: 'duet', version: options.version ?? '0.0.0' });
  server.registerTool(
    'search',
    {
      description: searchToolDescription(catalog),
      inputSchema: searchInput,
      annotations: { readOnlyHint: true },
    },
    async (args) => {
      const outcome = await runSearch(
        { catalog, search, sandbox: options.sandbox, log: options.log, tenant: options.tenant },
        args,
      );
      return outcome.ok
        ? { content: text({ results: outcome.results, types: outcome.types }) }
        : { content: text({ error: outcome.error }), isError: true };
    },
  );
  server.registerTool(
    'execute',
    {
      description: executeToolDescription,
      inputSchema: executeInput,
    },
    async (args) => {
      const response = await executor.execute(args, { tenant: options.tenant });
      return { content: text(response), isError: !response.ok };
    },
  );
  return server;
}

/** Serves one MCP request statelessly: several clients at once need no shared transport state. */
export async function handleMcpRequest(request: Request, options: McpOptions): Promise<Response> {
  const server = createMcpServer(options);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  try {
    return await transport.handleRequest(request);
  } finally {
    void server.close();
  }
}
