/** `duet execute [FILE|-]`: run a TypeScript snippet against the catalog and print the result. */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { UsageError } from '../../../src/config/options.ts';
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

const help = `Usage: duet execute [FILE|-] [options]

Run a TypeScript snippet (the body of an async function; 'return' gives the result) against the catalog.
Reads FILE, or standard input when FILE is '-' or absent.

  --session ID                run in session ID (its 'state' persists in --data between runs)
${dataHelp('where sessions persist; created only when a session runs').slice(1)}
  --timeout MS                time limit for the run (default 10000)
  --json                      print the full response ({ok, result, error, logs, calls, durationMs})${POLICY_HELP}${SOURCES_HELP}${HELP_FLAG}`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...sourceOptions,
      session: { type: 'string' },
      timeout: { type: 'string' },
      ...dataOptions,
      json: { type: 'boolean' },
      ...policyOptions,
    },
  });
  if (positionals.length > 1)
    throw new UsageError('duet execute: give at most one FILE (or - for standard input)');
  const file = positionals[0] ?? '-';
  const code =
    file === '-'
      ? await readStdin()
      : await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
          // Code given as the argument itself ("duet execute 'return 1'") is the likeliest mistake here.
          const hint = /\s|[;(){}=]/.test(file)
            ? " (code goes on standard input: echo '...' | duet execute)"
            : '';
          throw new UsageError(
            `duet execute: cannot read the file ${file} (${error.code ?? error.message})${hint}`,
          );
        });
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
  const { duet, close } = await makeDuet(values, await loadPolicy(values), undefined, lazyDataDir(values));
  try {
    const response = await duet.executor.execute({ code, session: values.session, timeoutMs });
    if (values.json) console.log(JSON.stringify(response, null, 2));
    else {
      for (const line of response.logs) console.error(line);
      if (response.ok)
        console.log(response.result === undefined ? 'undefined' : JSON.stringify(response.result, null, 2));
      else {
        console.error(`error (${response.error!.kind}): ${response.error!.message}`);
        for (const d of response.error!.diagnostics ?? [])
          console.error(`  line ${d.line ?? '?'}:${d.column ?? '?'} ${d.message}`);
      }
    }
    return response.ok ? 0 : 1;
  } finally {
    await close();
  }
}

export const command: Command = { help, run };
