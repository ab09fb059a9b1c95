/** The `duet` command line (Node entry; `bin.js` loads the built copy): one module per command in `cli/`. */
import { UsageError } from '../../src/config/options.ts';
import { bench } from './cli/bench.ts';
import { execute } from './cli/execute.ts';
import { mcp } from './cli/mcp.ts';
import type { Command } from './cli/options.ts';
import { search } from './cli/search.ts';
import { serve } from './cli/serve.ts';
import { tokens } from './cli/tokens.ts';
import { VERSION } from './package-info.ts';

const commands: Command[] = [serve, search, execute, mcp, tokens, bench];

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return `duet ${VERSION}: search + execute over real APIs for AI agents

Usage: duet <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)} ${c.summary}`).join('\n')}

Run 'duet <command> --help' for a command's options. 'duet --version' prints the version.`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    switch (name) {
      case '--version':
      case '-v':
        console.log(VERSION);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        console.log(mainHelp());
        return 0;
    }
    const command = commands.find((c) => c.name === name);
    if (!command)
      throw new UsageError(`unknown command '${name}'. Commands: serve, search, execute (see duet --help)`);
    return await command.run(rest);
  } catch (error) {
    const err = error as Error & { code?: string };
    // parseArgs errors (unknown flag, missing value) are usage errors too.
    const usage =
      error instanceof UsageError || err.name === 'PolicyError' || err.code?.startsWith('ERR_PARSE_ARGS');
    console.error(`duet: ${err.message}`);
    return usage ? 2 : 1;
  }
}
