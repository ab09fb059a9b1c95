/** `duet audit ID`: a session's audit trail, one entry per execution, oldest first. */
import { parseArgs } from 'node:util';
import { type AuditEntry, auditSummary, readAudit } from '../../../src/audit/log.ts';
import { pendingInterrupted } from '../../../src/audit/run-journal.ts';
import { UsageError } from '../../../src/config/options.ts';
import { readActorSessions } from '../actor-sessions.ts';
import { dataDir } from './load.ts';
import { type Command, dataHelp, dataOptions, HELP_FLAG } from './options.ts';

const help = `Usage: duet audit ID [options]

Print the audit trail of session ID in --data: one entry per execution (time, outcome, calls, code), as
GET /v1/sessions/ID/audit gives it. Safe while a server runs on the same --data.
${dataHelp('the data directory to read').slice(1)}
  --tenant NAME               the session of this tenant (default '': servers without tokens)
  --json                      print {session, entries: [...]}
  --jsonl                     print one JSON entry per line${HELP_FLAG}`;

/** Entries read per turn: a long trail is read in pages, not all at once. */
const PAGE = 500;

function describe(entry: AuditEntry): string {
  const outcome = entry.ok ? 'ok' : `${entry.errorKind ?? 'error'}: ${entry.error ?? ''}`.trim();
  const calls = entry.calls.map(
    (call) => `    ${call.method} ${call.api}.${call.name} ${call.path} -> ${call.status} (${call.outcome})`,
  );
  const code = entry.code.trim().split('\n');
  return [
    `#${entry.seq}  ${entry.time}  ${entry.mode}  ${Math.round(entry.durationMs)} ms  ${outcome}`,
    ...calls,
    ...code.slice(0, 5).map((line) => `    | ${line}`),
    ...(code.length > 5 ? [`    | ... (${code.length - 5} more lines)`] : []),
  ].join('\n');
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...dataOptions,
      tenant: { type: 'string', default: '' },
      json: { type: 'boolean' },
      jsonl: { type: 'boolean' },
    },
  });
  const [id, ...extra] = positionals;
  if (!id || extra.length)
    throw new UsageError('duet audit: give one session ID, e.g. duet audit my-session');
  if (values.json && values.jsonl) throw new UsageError('duet audit: --json or --jsonl, not both');
  const store = await readActorSessions(dataDir(values));
  const entries: AuditEntry[] = [];
  try {
    let after: number | undefined = 0;
    while (after !== undefined) {
      const from: number = after;
      const page = await store.sessions.inspect!(
        id,
        async (turn) => {
          const read = await readAudit(turn.records, { after: from, limit: PAGE });
          if (read.next !== undefined) return read;
          // A run cut off by a crash is recorded when the session next runs; until then it shows here as
          // the entry it will be (read only: a server may hold this data directory).
          const cut = await pendingInterrupted(turn.records);
          if (!cut) return read;
          const { runs } = await auditSummary(turn.records);
          return { ...read, entries: [...read.entries, { ...cut, seq: runs + 1 }] };
        },
        { tenant: values.tenant },
      );
      if (!page) {
        const whose = values.tenant ? ` of tenant '${values.tenant}'` : '';
        throw new UsageError(`no session '${id}'${whose} in ${dataDir(values)} (duet sessions lists them)`);
      }
      // JSON lines go out page by page: a long trail is never held whole.
      if (values.jsonl) for (const entry of page.entries) console.log(JSON.stringify(entry));
      else entries.push(...page.entries);
      after = page.next;
    }
  } finally {
    await store.close();
  }
  if (values.json) console.log(JSON.stringify({ session: id, entries }, null, 2));
  else if (values.jsonl) return 0;
  else if (!entries.length) console.log(`session '${id}' has no audited runs`);
  else console.log(entries.map(describe).join('\n\n'));
  return 0;
}

export const command: Command = { help, run };
