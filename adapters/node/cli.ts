/** The `duet` command line (Node entry; `bin.js` loads the built copy): one module per command in `cli/`. */
import type { Command } from './cli/options.ts';
import { VERSION } from './package-info.ts';

/** Each command's module loads only when it runs: `duet --version` and `--help` stay quick. */
const commands: Record<string, { summary: string; load: () => Promise<{ command: Command }> }> = {
  serve: {
    summary: 'start the HTTP server (search, execute, docs at /docs)',
    load: () => import('./cli/serve.ts'),
  },
  search: { summary: 'search the API catalog from the command line', load: () => import('./cli/search.ts') },
  execute: {
    summary: 'run a TypeScript snippet against the catalog',
    load: () => import('./cli/execute.ts'),
  },
  chat: {
    summary: 'talk to the agent of a running duet serve (search + execute over your APIs)',
    load: () => import('./cli/chat.ts'),
  },
  mcp: {
    summary: 'serve the two tools over MCP on standard input/output (for desktop MCP clients)',
    load: () => import('./cli/mcp.ts'),
  },
  sessions: {
    summary: 'list the sessions in a data directory (runs, last activity)',
    load: () => import('./cli/sessions.ts'),
  },
  audit: { summary: "print a session's audit trail", load: () => import('./cli/audit.ts') },
  tokens: {
    summary: "compare the size of classic one-tool-per-operation definitions with duet's two tools",
    load: () => import('./cli/tokens.ts'),
  },
  bench: {
    summary: 'measure spec load, search and execute latency on this machine',
    load: () => import('./cli/bench.ts'),
  },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length)) + 2;
  return `duet ${VERSION}: search + execute over real APIs for AI agents

Usage: duet <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, { summary }]) => `  ${name.padEnd(width)} ${summary}`)
  .join('\n')}

Run 'duet <command> --help' for a command's options. 'duet --version' prints the version.`;
}

/** `--help` or `-h` anywhere before a `--`: every command answers it, whatever else is on the line. */
function asksForHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    switch (name) {
      case '--version':
      case '-v':
        console.log(VERSION);
        return 0;
      case 'help':
        // `duet help serve` is `duet serve --help`.
        if (rest[0] !== undefined && Object.hasOwn(commands, rest[0])) return main([rest[0], '--help']);
        console.log(mainHelp());
        return 0;
      case undefined:
      case '--help':
      case '-h':
        console.log(mainHelp());
        return 0;
    }
    if (!Object.hasOwn(commands, name)) {
      console.error(
        `duet: unknown command '${name}'. Commands: ${Object.keys(commands).join(', ')} (see duet --help)`,
      );
      return 2;
    }
    const { command } = await commands[name].load();
    if (asksForHelp(rest)) {
      console.log(command.help);
      return 0;
    }
    return await command.run(rest);
  } catch (error) {
    const err = error as Error & { code?: string };
    // parseArgs errors (unknown flag, missing value) are usage errors too. By name: importing UsageError
    // would load the catalog for `duet --version`.
    const usage =
      err.name === 'UsageError' || err.name === 'PolicyError' || err.code?.startsWith('ERR_PARSE_ARGS');
    console.error(`duet: ${err.message}`);
    return usage ? 2 : 1;
  }
}
