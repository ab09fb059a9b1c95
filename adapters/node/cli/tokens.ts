/** `duet tokens`: the size of one-tool-per-operation definitions against duet's two tools. */
import { parseArgs } from 'node:util';
import { createDuet } from '../../../src/duet.ts';
import { toolSizes } from '../../../src/http/tool-sizes.ts';
import { loadSources, noSandbox } from './load.ts';
import { type Command, HELP_FLAG, SOURCES_HELP, sourceOptions } from './options.ts';

const help = `Usage: duet tokens [options]

Print the size of the tool definitions an agent must read: one tool per operation (classic MCP
wrapping of the specs) against duet's two tools, in characters and estimated tokens (characters / 4).
${SOURCES_HELP.split('\n').slice(0, 4).join('\n')}
  --json                      print the figures as JSON${HELP_FLAG}`;

async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { ...sourceOptions, json: { type: 'boolean' } } });
  const { apis } = await loadSources(values);
  const duet = createDuet({ apis, sandbox: noSandbox });
  const sizes = toolSizes(duet.catalog);
  if (values.json) {
    console.log(JSON.stringify(sizes, null, 2));
    return 0;
  }
  const row = (name: string, s: { tools: number; characters: number; tokens: number }) =>
    `| ${name} | ${s.tools} | ${s.characters.toLocaleString('en')} | ${s.tokens.toLocaleString('en')} |`;
  console.log('| tool definitions | tools | characters | estimated tokens |\n| --- | --- | --- | --- |');
  for (const [api, size] of Object.entries(sizes.perApi)) console.log(row(`classic: ${api}`, size));
  if (Object.keys(sizes.perApi).length > 1) console.log(row('classic: all APIs', sizes.classic));
  console.log(row('duet: search + execute', sizes.duet));
  console.log(
    `\nduet's definitions are ${(sizes.classic.characters / sizes.duet.characters).toFixed(0)}x smaller.`,
  );
  return 0;
}

export const command: Command = { help, run };
