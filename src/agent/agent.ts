/**
 * The agent: one conversation per session, kept in the session's actor beside its state, audit and plans.
 * A turn runs in this process as segments (see turn-loop.ts); it is picked up again after a crash or an
 * evicted Durable Object (the session's persisted wake, or any request for the session), after a person
 * decides on a plan it waits for, and can be followed by any number of clients and stopped by any.
 */
import type { Logger } from '../audit/telemetry.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Executor } from '../execute/executor.ts';
import { readPlan } from '../execute/plan.ts';
import type { SessionScope, SessionStore } from '../execute/state.ts';
import type { PolicyEngine } from '../policy/engine.ts';
import type { Sandbox } from '../sandbox/types.ts';
import type { SearchIndex } from '../search/types.ts';
import { approvalScan } from './approval-scan.ts';
import { finalToolEntries, type UIMessage, uiMessages } from './history.ts';
import type { ModelClient } from './model/types.ts';
import { systemPrompt } from './prompt.ts';
import {
  type LogEntry,
  readChunks,
  readLog,
  readTurn,
  StepCommit,
  type ToolEntry,
  type TurnRecord,
} from './records.ts';
import type { UIChunk } from './stream/chunks.ts';
import { LiveTurn, LiveTurns } from './stream/live-turn.ts';
import { agentTools } from './tools.ts';
import { type LoopDeps, TurnSegment } from './turn-loop.ts';

export interface AgentOptions {
  catalog: Catalog;
  search: SearchIndex;
  sandbox?: Sandbox;
  executor: Executor;
  sessions: SessionStore;
  policy?: PolicyEngine;
  model: ModelClient;
  /** Model round trips per turn before it ends (default 20; `--llm-max-steps`). */
  maxSteps?: number;
  /** Times a cut-off turn is picked up again before it fails (default 3): a failing model is not called forever. */
  maxRecoveries?: number;
  /** How long a running turn may go unseen before its session's wake looks for it (default 30 s). */
  watchdogMs?: number;
  log?: Logger;
}

export interface TurnSummary {
  id: string;
  status: TurnRecord['status'];
  steps: number;
  usage: TurnRecord['usage'];
  error?: string;
}

export type SendOutcome =
  | { ok: true; turn: string; live: LiveTurn }
  | { ok: false; message: string; turn: TurnSummary };

export interface Agent {
  readonly model: ModelClient;
  /** Starts a turn with the user's message; refused while a turn runs or waits for an approval. */
  send(session: string, message: { text: string; id?: string }, scope?: SessionScope): Promise<SendOutcome>;
  /**
   * The running turn's stream from after `lastEventId` (from its start without one), picking up a turn
   * that was cut off; undefined when no turn runs.
   */
  stream(
    session: string,
    scope?: SessionScope,
    lastEventId?: string,
  ): Promise<ReadableStream<Uint8Array> | undefined>;
  /** The conversation as UI messages; undefined for a session that never ran. */
  messages(
    session: string,
    scope?: SessionScope,
  ): Promise<{ messages: UIMessage[]; turn?: TurnSummary } | undefined>;
  /** Ends a running or waiting turn. */
  stop(session: string, scope?: SessionScope): Promise<{ stopped: boolean; turn?: TurnSummary }>;
  /** Picks up a turn cut off or waiting for a plan a person has decided on; nothing otherwise. */
  resume(session: string, scope?: SessionScope): Promise<void>;
  /** Resolves once the turn's current segment has ended (finished, paused or stopped), with the turn then. */
  settled(session: string, scope?: SessionScope): Promise<TurnSummary | undefined>;
  /** Resolves when no turn runs in this process (a Durable Object's alarm waits for this). */
  idle(): Promise<void>;
}

export const DEFAULT_MAX_STEPS = 20;

export function createAgent(options: AgentOptions): Agent {
  const { sessions, model } = options;
  const maxRecoveries = options.maxRecoveries ?? 3;
  const watchdogMs = options.watchdogMs ?? 30_000;
  const deps: LoopDeps = {
    catalog: options.catalog,
    search: options.search,
    sandbox: options.sandbox,
    executor: options.executor,
    sessions,
    policy: options.policy,
    model,
    system: systemPrompt(options.catalog),
    tools: agentTools(options.catalog),
    maxSteps: options.maxSteps ?? DEFAULT_MAX_STEPS,
    scan: approvalScan(options.catalog, options.policy),
    log: options.log,
  };
  const lives = new LiveTurns();
  const starting = new Map<string, Promise<LiveTurn | undefined>>();
  const tenantOf = (scope?: SessionScope) => scope?.tenant ?? '';

  function launch(
    tenant: string,
    session: string,
    live: LiveTurn,
    turn: TurnRecord,
    log: LogEntry[],
    decision?: Decision,
  ) {
    lives.set(tenant, session, live);
    live.settled = (async () => {
      try {
        await new TurnSegment(deps, tenant, session, live, turn, log).run(decision);
      } finally {
        lives.delete(tenant, session, live);
        live.end();
      }
    })();
  }

  /**
   * Picks up the session's turn in this process when it is running without a loop here (cut off) or waits
   * for a plan that has been decided; the live turn, or undefined when there is nothing to pick up.
   */
  function pickUp(tenant: string, session: string): Promise<LiveTurn | undefined> {
    const existing = lives.get(tenant, session);
    if (existing) return Promise.resolve(existing);
    const key = LiveTurns.key(tenant, session);
    let pending = starting.get(key);
    if (!pending) {
      pending = load(tenant, session).finally(() => starting.delete(key));
      starting.set(key, pending);
    }
    return pending;
  }

  async function load(tenant: string, session: string): Promise<LiveTurn | undefined> {
    const found = await sessions.inspect?.(
      session,
      async (turn) => {
        const record = await readTurn(turn.records);
        if (!record) return undefined;
        let decision: Decision | undefined;
        const chunks: UIChunk[] = [];
        if (record.status === 'running') {
          record.recoveries += 1;
          if (record.recoveries > maxRecoveries) {
            // Cut off again and again (a crash it causes, a model that keeps failing): it ends here.
            record.status = 'failed';
            record.ended = new Date().toISOString();
            record.inFlight = undefined;
            record.error = `duet agent: the turn was cut off ${record.recoveries - 1} times and picked up again each time; it is ended. Send the message again.`;
            chunks.push(
              { type: 'error', errorText: record.error },
              {
                type: 'finish',
                finishReason: 'error',
                messageMetadata: { turn: record.id, status: 'failed' },
              },
            );
          }
        } else if (record.status === 'awaiting-approval') {
          const log = await readLog(turn.records);
          const waiting = [...finalToolEntries(log.filter((e) => e.turn === record.id)).values()].find(
            (e) => e.awaiting,
          );
          const plan = waiting && (await readPlan(turn.records, waiting.awaiting!.plan));
          if (!waiting || !plan || plan.status === 'pending') return undefined;
          decision = { entry: waiting, status: plan.status === 'rejected' ? 'rejected' : 'approved' };
          record.status = 'running';
        } else return undefined;
        record.segment += 1;
        record.resumedAt = record.chunks;
        const commit = new StepCommit(turn.records).chunks(record.chunks, chunks);
        record.chunks += chunks.length;
        commit.turn(record);
        await turn.commit(commit.changes());
        if (record.status === 'failed') {
          await turn.setWake?.(undefined);
          return undefined;
        }
        await turn.setWake?.(watchdogMs);
        return { record, decision, log: await readLog(turn.records), kept: await readChunks(turn.records) };
      },
      { tenant },
    );
    if (!found) return undefined;
    const existing = lives.get(tenant, session);
    if (existing) return existing;
    const live = new LiveTurn(found.record.id, found.record.segment, found.kept);
    live.push({ type: 'start', messageId: found.record.messageId });
    launch(tenant, session, live, found.record, found.log, found.decision);
    return live;
  }

  // A session's wake comes due: its turn is looked at, and picked up if it was cut off.
  sessions.onWake?.((session, scope) => {
    const tenant = tenantOf(scope);
    if (lives.get(tenant, session)) return;
    void pickUp(tenant, session)
      .then(async (live) => {
        if (live) return;
        // Nothing to watch any more: the wake stops coming.
        await sessions.inspect?.(session, async (turn) => turn.setWake?.(undefined), scope);
      })
      .catch((error) => options.log?.({ level: 'error', msg: 'agent wake', session, error: String(error) }));
  });

  const summary = (record: TurnRecord): TurnSummary => ({
    id: record.id,
    status: record.status,
    steps: record.steps,
    usage: record.usage,
    ...(record.error && { error: record.error }),
  });

  return {
    model,
    async send(session, message, scope) {
      const tenant = tenantOf(scope);
      const started = await sessions.withSession(
        session,
        async (_state, turn) => {
          const current = await readTurn(turn.records);
          if (current && (current.status === 'running' || current.status === 'awaiting-approval'))
            return { conflict: current as TurnRecord };
          const id = crypto.randomUUID();
          const now = new Date().toISOString();
          const record: TurnRecord = {
            id,
            messageId: id,
            status: 'running',
            started: now,
            steps: 0,
            recoveries: 0,
            segment: 1,
            resumedAt: 0,
            chunks: 1,
            usage: { inputTokens: 0, outputTokens: 0, modelCalls: 0 },
          };
          const start: UIChunk = { type: 'start', messageId: id, messageMetadata: { turn: id } };
          const commit = await new StepCommit(turn.records).dropChunks();
          await commit.log({
            kind: 'user',
            turn: id,
            id: message.id ?? `user-${id}`,
            text: message.text,
            time: now,
          });
          commit.chunks(0, [start]).turn(record);
          await turn.commit(commit.changes());
          await turn.setWake?.(watchdogMs);
          return { record, start, log: await readLog(turn.records) };
        },
        { tenant },
      );
      if ('conflict' in started) {
        const current = started.conflict as TurnRecord;
        if (current.status === 'running') {
          // Running but not here: cut off by a crash. It is picked up; the new message waits its turn.
          if (!lives.get(tenant, session)) void pickUp(tenant, session).catch(() => {});
          return {
            ok: false,
            message: `a turn is running in session '${session}': follow it with GET /v1/sessions/${session}/stream, or stop it with POST /v1/sessions/${session}/stop`,
            turn: summary(current),
          };
        }
        void pickUp(tenant, session).catch(() => {});
        return {
          ok: false,
          message: `the turn in session '${session}' waits for a person to decide on a plan: POST /v1/sessions/${session}/approvals {"plan": ...} or /rejections, or POST /v1/sessions/${session}/stop`,
          turn: summary(current),
        };
      }
      const live = new LiveTurn(started.record.id, 1, [started.start]);
      launch(tenant, session, live, started.record, started.log);
      return { ok: true, turn: started.record.id, live };
    },

    async stream(session, scope, lastEventId) {
      const live = lives.get(tenantOf(scope), session) ?? (await pickUp(tenantOf(scope), session));
      return live?.readable(live.resumeFrom(lastEventId));
    },

    async messages(session, scope) {
      const tenant = tenantOf(scope);
      const found = await sessions.inspect?.(
        session,
        async (turn) => ({ log: await readLog(turn.records), record: await readTurn(turn.records) }),
        { tenant },
      );
      if (!found) return undefined;
      const { log, record } = found;
      if (
        record &&
        (record.status === 'running' || record.status === 'awaiting-approval') &&
        !lives.get(tenant, session)
      )
        void pickUp(tenant, session).catch(() => {});
      return { messages: uiMessages(log, record), ...(record && { turn: summary(record) }) };
    },

    async stop(session, scope) {
      const tenant = tenantOf(scope);
      const live = lives.get(tenant, session);
      if (live) {
        live.abort.abort(new Error('stopped'));
        await live.settled;
      }
      const record = await sessions.inspect?.(
        session,
        async (turn) => {
          const current = await readTurn(turn.records);
          if (!current || live || (current.status !== 'running' && current.status !== 'awaiting-approval'))
            return current;
          // Cut off or waiting, with no loop here: it ends now.
          current.status = 'stopped';
          current.ended = new Date().toISOString();
          current.inFlight = undefined;
          const chunks: UIChunk[] = [
            { type: 'abort', reason: 'the turn was stopped (POST /v1/sessions/{id}/stop)' },
          ];
          const commit = new StepCommit(turn.records).chunks(current.chunks, chunks);
          current.chunks += chunks.length;
          await turn.commit(commit.turn(current).changes());
          await turn.setWake?.(undefined);
          return { ...current, stoppedHere: true };
        },
        { tenant },
      );
      const stopped = !!live || (record !== undefined && 'stoppedHere' in record);
      return { stopped, ...(record && { turn: summary(record) }) };
    },

    async resume(session, scope) {
      await pickUp(tenantOf(scope), session);
    },

    async settled(session, scope) {
      const tenant = tenantOf(scope);
      await lives.get(tenant, session)?.settled;
      const record = await sessions.inspect?.(session, (turn) => readTurn(turn.records), { tenant });
      return record && summary(record);
    },

    idle: () => lives.idle(),
  };
}

type Decision = { entry: ToolEntry; status: 'approved' | 'rejected' };
