/**
 * What the agent keeps in its session's records (beside the audit trail and plans, under `agent/`): the
 * conversation as a log of completed steps, the current turn, and the current turn's stream chunks.
 * Every completed step is one atomic commit of its log entry, the turn's new counters and the chunks
 * that showed it, so a restart finds the turn exactly at its last completed step.
 */
import type { SessionRecords, TurnChanges } from '../execute/state.ts';
import type { PlannedCall } from '../execute/types.ts';
import type { ModelToolCall, ModelUsage } from './model/types.ts';
import type { UIChunk } from './stream/chunks.ts';

/** One completed step of the conversation. */
export type LogEntry =
  | { kind: 'user'; turn: string; id: string; text: string; time: string }
  | {
      kind: 'model';
      turn: string;
      step: number;
      text: string;
      toolCalls: ModelToolCall[];
      usage: ModelUsage;
      finish: string;
    }
  | ToolEntry;

/** A tool call's outcome; an execute waiting for approval has `awaiting` and no outcome yet. */
export interface ToolEntry {
  kind: 'tool';
  turn: string;
  step: number;
  toolCallId: string;
  name: string;
  output?: unknown;
  error?: string;
  /** The dry run's plan, waiting for a person: POST /v1/sessions/{id}/approvals or /rejections. */
  awaiting?: { plan: string; calls: PlannedCall[] };
  /** What a person decided about the plan this call waited for. */
  decision?: { plan: string; status: 'approved' | 'rejected' };
}

export type TurnStatus = 'running' | 'awaiting-approval' | 'done' | 'stopped' | 'failed';

export interface TurnUsage extends ModelUsage {
  /** Model round trips this turn. */
  modelCalls: number;
}

export interface TurnRecord {
  id: string;
  /** The assistant message's id in the UI message stream. */
  messageId: string;
  status: TurnStatus;
  started: string;
  ended?: string;
  /** Model steps completed. */
  steps: number;
  /** Times the turn was picked up again after being cut off (crash, eviction); bounded. */
  recoveries: number;
  /** Runs of the loop so far (first run, continuations after approvals, recoveries); names SSE ids. */
  segment: number;
  /** The chunk the current segment started from (chunks past it from an earlier segment were lost). */
  resumedAt: number;
  /** Chunks kept so far. */
  chunks: number;
  /** An execute started and not recorded as finished: a restart finds it cut off and never runs it again. */
  inFlight?: { toolCallId: string; since: string };
  usage: TurnUsage;
  /** Why the turn failed. */
  error?: string;
}

const LOG = 'agent/log/';
const LOG_SEQ = 'agent/log-seq';
const TURN = 'agent/turn';
const CHUNKS = 'agent/chunks/';

const pad = (n: number) => String(n).padStart(12, '0');

export async function readTurn(records: SessionRecords): Promise<TurnRecord | undefined> {
  return (await records.get(TURN)) as TurnRecord | undefined;
}

/** The whole log, oldest first. */
export async function readLog(records: SessionRecords): Promise<LogEntry[]> {
  return (await records.list({ prefix: LOG })).map(([, value]) => value as LogEntry);
}

/** The current turn's kept chunks, in order. */
export async function readChunks(records: SessionRecords): Promise<UIChunk[]> {
  const batches = await records.list({ prefix: CHUNKS });
  return batches.flatMap(([, value]) => value as UIChunk[]);
}

/** Builds one step's commit: log entries, the turn's new record, chunks since the last commit. */
export class StepCommit {
  readonly records: Record<string, unknown> = {};
  readonly recordDeletes: string[] = [];
  #seq: number | undefined;
  readonly #records: SessionRecords;

  constructor(records: SessionRecords) {
    this.#records = records;
  }

  async log(entry: LogEntry): Promise<this> {
    this.#seq ??= ((await this.#records.get(LOG_SEQ)) as number | undefined) ?? 0;
    this.#seq += 1;
    this.records[LOG + pad(this.#seq)] = entry;
    this.records[LOG_SEQ] = this.#seq;
    return this;
  }

  turn(turn: TurnRecord): this {
    this.records[TURN] = turn;
    return this;
  }

  /** Chunks `from`, `from + 1`, ... kept as one record. */
  chunks(from: number, chunks: UIChunk[]): this {
    if (chunks.length > 0) this.records[CHUNKS + pad(from)] = chunks;
    return this;
  }

  /** A new turn drops the previous turn's chunks: GET /stream only serves the current turn. */
  async dropChunks(): Promise<this> {
    for (const [key] of await this.#records.list({ prefix: CHUNKS })) this.recordDeletes.push(key);
    return this;
  }

  changes(): TurnChanges {
    // A commit applies its puts before its deletes: a key written again here must not be dropped.
    const deletes = this.recordDeletes.filter((key) => !Object.hasOwn(this.records, key));
    return { records: this.records, recordDeletes: deletes };
  }
}
