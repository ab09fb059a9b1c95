/** `duet mcp`: the two tools, search and execute, over MCP on standard input/output. */
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpServer } from '../../../src/http/mcp.ts';
import { VERSION } from '../package-info.ts';
import { loadPolicy, makeDuet } from './load.ts';
import {
  type Command,
  HELP_FLAG,
  POLICY_HELP,
  policyOptions,
  SOURCES_HELP,
  sourceOptions,
} from './options.ts';

const help = `Usage: duet mcp [options]

Serve duet's two MCP tools, search and execute, over standard input/output.

  --data DIR                  where sessions persist (default ./.duet)${POLICY_HELP}${SOURCES_HELP}${HELP_FLAG}`;

async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...sourceOptions, ...policyOptions, data: { type: 'string', default: './.duet' } },
  });
  if (values.help) {
    console.log(help);
    return 0;
  }
  const { duet, close } = await makeDuet(values, await loadPolicy(values));
  const server = createMcpServer({ ...duet, search: duet.index, version: VERSION });
  const transport = new StdioServerTransport();
  await server.connect(transport);
  return new Promise((resolve) => {
    // The client closing stdin ends the session.
    transport.onclose = () => close().then(() => resolve(0));
    process.stdin.on('end', () => void server.close());
  });
}

export const mcp: Command = {
  name: 'mcp',
  summary: 'serve the two tools over MCP on standard input/output (for desktop MCP clients)',
  help,
  run,
};
