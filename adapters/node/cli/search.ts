/** `duet search QUERY`: rank the catalog's operations and print their TypeScript declarations. */
import { parseArgs } from 'node:util';
import { UsageError } from '../../../src/config/options.ts';
import { createDuet } from '../../../src/duet.ts';
import { EMBEDDINGS_HELP, embeddingsOptions, embeddingsSettings } from './embeddings.ts';
import { dataDir, loadSources, noSandbox } from './load.ts';
import { type Command, HELP_FLAG, SOURCES_HELP, sourceOptions } from './options.ts';

const help = `Usage: duet search QUERY [options]

Rank the catalog's operations for QUERY (e.g. "create an issue") and print their TypeScript declarations.

  --limit N                   how many results (default 5)
  --json                      print {results: [...]} as the HTTP API does${SOURCES_HELP}${EMBEDDINGS_HELP}${HELP_FLAG}`;

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...sourceOptions,
      ...embeddingsOptions,
      limit: { type: 'string', default: '5' },
      json: { type: 'boolean' },
    },
  });
  const query = positionals.join(' ').trim();
  if (!query) throw new UsageError('duet search: give a QUERY, e.g. duet search "create an issue"');
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new UsageError(`--limit ${values.limit}: 1 to 100`);
  const semantic = embeddingsSettings(values, dataDir(values));
  const { apis } = await loadSources(values);
  const duet = createDuet({ apis, sandbox: noSandbox, ...semantic });
  // The same results (summaries, declarations, types) as POST /v1/search and MCP.
  const outcome = await duet.search(query, { limit });
  if (!outcome.ok) throw new UsageError(outcome.error.message);
  const { results, types } = outcome;
  if (values.json) {
    console.log(JSON.stringify({ results, types }, null, 2));
    return 0;
  }
  if (!results.length) console.log(`no operation matches "${query}"`);
  results.forEach((r, i) => {
    console.log(`${i + 1}. ${r.api}.${r.name}  ${r.method} ${r.path}\n   ${r.summary}\n`);
    console.log(`${r.declaration.replace(/^/gm, '   ')}\n`);
  });
  if (types) console.log(`Types the results use:\n\n${types}\n`);
  return 0;
}

export const command: Command = { help, run };
