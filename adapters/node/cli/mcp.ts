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
  const pending = answeredRequests(transport);
  return new Promise((resolve) => {
    transport.onclose = () => close().then(() => resolve(0));
    // The client closing stdin ends the session, once what it asked before is answered ("... | duet mcp").
    process.stdin.on('end', () => void pending.drained(DRAIN_MS).then(() => server.close()));
  });
}

/** At most this long for requests in flight when stdin ends (an execute's own limit is 10 s by default). */
const DRAIN_MS = 30_000;

/** Tracks the requests the transport has received and not yet answered. */
function answeredRequests(transport: StdioServerTransport): { drained(maxMs: number): Promise<void> } {
  const open = new Set<string | number>();
  let settle: (() => void) | undefined;
  const receive = transport.onmessage;
  transport.onmessage = (message) => {
    if ('method' in message && 'id' in message) open.add(message.id);
    receive?.(message);
  };
  const send = transport.send.bind(transport);
  transport.send = async (message) => {
    await send(message);
    if (!('method' in message) && 'id' in message && message.id !== undefined) open.delete(message.id);
    if (open.size === 0) settle?.();
  };
  return {
    drained(maxMs) {
      if (open.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, maxMs);
        settle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    },
  };
}

export const command: Command = { help, run };
