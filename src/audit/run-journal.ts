/**
 * A run in a session keeps its state writes in memory and commits them with its audit entry at the end
 * (all or none). What a crash can still leave behind is an upstream effect, so a run is journaled from
 * its first call that may change something: before such a call is sent and after it is answered. The
 * session's next turn (after a restart) turns a journal it finds into an audit entry for an interrupted
 * run. A run cut off before any such call changed nothing anywhere and leaves no trace.
 */
import type { SessionRecords, SessionTurn, TurnChanges } from '../execute/state.ts';
import { type AuditCall, type AuditEntry, auditWrites } from './log.ts';

/** One run at a time per session (turns never interleave), so one key holds the journal. */
const JOURNAL = 'running';

export type JournalStart = Pick<
  AuditEntry,
  'time' | 'tenant' | 'session' | 'mode' | 'code' | 'codeSha256' | 'typecheck'
>;

interface JournalRecord extends JournalStart {
  calls: AuditCall[];
}

export interface RunJournal {
  /** Records a call that may change something: `unknown` before it is sent, then what became of it. */
  note(call: object, record: AuditCall): Promise<void>;
  /** The keys the run's final commit removes (none when nothing was journaled). */
  readonly keys: string[];
}

export function runJournal(records: SessionRecords, start: JournalStart): RunJournal {
  const calls = new Map<object, AuditCall>();
  let tail: Promise<void> = Promise.resolve();
  return {
    get keys() {
      return calls.size > 0 ? [JOURNAL] : [];
    },
    note(call, record) {
      calls.set(call, record);
      const journal: JournalRecord = { ...start, calls: [...calls.values()] };
      // Calls of one run may overlap (Promise.all): writes go one after another, the last one whole.
      tail = tail.then(() => records.putMany({ [JOURNAL]: journal }));
      return tail;
    },
  };
}

/**
 * The audit entry a run cut off in this session will get when the session next runs, or undefined when no
 * run was cut off; reading it changes nothing (`duet audit` shows it while a server may hold the data).
 */
export async function pendingInterrupted(
  records: SessionRecords,
): Promise<Omit<AuditEntry, 'seq'> | undefined> {
  const journal = (await records.get(JOURNAL)) as JournalRecord | undefined;
  if (journal === undefined) return undefined;
  return {
    ...journal,
    calls: journal.calls.map((call) => (call.outcome === 'applied' ? call : { ...call, outcome: 'unknown' })),
    ok: false,
    errorKind: 'interrupted',
    error:
      'the run was cut off (the server stopped) before it finished: its state writes were not kept; calls ' +
      "with outcome 'unknown' were sent and may have taken effect",
    durationMs: 0,
  };
}

/** The commit that records a journaled run as interrupted, or undefined when no run was cut off. */
export async function interruptedRun(records: SessionRecords): Promise<TurnChanges | undefined> {
  const entry = await pendingInterrupted(records);
  if (entry === undefined) return undefined;
  return { records: await auditWrites(records, entry), recordDeletes: [JOURNAL] };
}

/** Records a run this session's previous owner left cut off, if any (call at the start of a turn). */
export async function settleInterrupted(turn: SessionTurn): Promise<void> {
  const changes = await interruptedRun(turn.records);
  if (changes) await turn.commit(changes);
}
