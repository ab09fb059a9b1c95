/** `duet mcp`: the two tools, search and execute, over MCP on standard input/output. */
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpServer } from '../../../src/http/mcp.ts';
import { VERSION } from '../package-info.ts';
import { EMBEDDINGS_HELP, embeddingsOptions } from './embeddings.ts';
import { lazyDataDir, loadPolicy, makeDuet } from './load.ts';
import {
  type Command,
  dataHelp,
  dataOptions,
  HELP_FLAG,
  POLICY_HELP,
  policyOptions,
  SOURCES_HELP,
  sourceOptions,
} from './options.ts';

const help = `Usage: duet mcp [options]

Serve duet's two MCP tools, search and execute, over standard input/output.

${dataHelp('where sessions persist; created only when a session runs').slice(1)}${POLICY_HELP}${SOURCES_HELP}${EMBEDDINGS_HELP}${HELP_FLAG}`;

async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...sourceOptions, ...policyOptions, ...dataOptions, ...embeddingsOptions },
  });
  // Sessions open on the first execute that names one: a search-only client never touches --data.
  const { duet, close } = await makeDuet(values, await loadPolicy(values), undefined, lazyDataDir(values));
  const server = createMcpServer({ ...duet, search: duet.index, version: VERSION });
  const transport = new StdioServerTransport();
  await server.connect(transport);
  return new Promise((resolve) => {
    // The client closing stdin ends the session.
    transport.onclose = () => close().then(() => resolve(0));
    process.stdin.on('end', () => void server.close());
  });
}

export const command: Command = { help, run };
