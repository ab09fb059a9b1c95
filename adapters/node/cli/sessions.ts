/** `duet sessions`: the sessions kept in a data directory, with how many runs each had and when the last was. */
import { parseArgs } from 'node:util';
import { auditSummary } from '../../../src/audit/log.ts';
import { UsageError } from '../../../src/config/options.ts';
import { readActorSessions } from '../actor-sessions.ts';
import { dataDir } from './load.ts';
import { type Command, dataHelp, dataOptions, HELP_FLAG } from './options.ts';

const help = `Usage: duet sessions [options]

List the sessions in --data (those duet serve or duet execute --session ran there): tenant, id, number
of runs and the time of the last run, oldest id first. Safe while a server runs on the same --data.
${dataHelp('the data directory to read').slice(1)}
  --tenant NAME               only this tenant's sessions ('' is the tenant of servers without tokens)
  --json                      print {sessions: [{tenant, session, runs, lastActivity}]}${HELP_FLAG}`;

export interface SessionRow {
  tenant: string;
  session: string;
  runs: number;
  /** ISO time the latest run started; absent for a session with no audited run. */
  lastActivity?: string;
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...dataOptions, tenant: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (positionals.length) throw new UsageError(`duet sessions takes no arguments (got ${positionals[0]})`);
  const store = await readActorSessions(dataDir(values));
  const rows: SessionRow[] = [];
  try {
    for (const { tenant, session } of await store.sessions.list!({ tenant: values.tenant })) {
      const summary = await store.sessions.inspect!(session, (turn) => auditSummary(turn.records), {
        tenant,
      });
      rows.push({ tenant, session, runs: summary?.runs ?? 0, lastActivity: summary?.last?.time });
    }
  } finally {
    await store.close();
  }
  if (values.json) {
    console.log(JSON.stringify({ sessions: rows }, null, 2));
    return 0;
  }
  if (!rows.length) {
    console.log(`no sessions in ${dataDir(values)}`);
    return 0;
  }
  const tenants = rows.some((row) => row.tenant !== '');
  const table = [
    [...(tenants ? ['TENANT'] : []), 'SESSION', 'RUNS', 'LAST RUN'],
    ...rows.map((r) => [
      ...(tenants ? [r.tenant || "''"] : []),
      r.session,
      String(r.runs),
      r.lastActivity ?? '-',
    ]),
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table)
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    );
  return 0;
}

export const command: Command = { help, run };
