/**
 * One segment of a turn: the loop from where the session's log stands to the turn's end, its pause for an
 * approval, or a stop. What to do next is read from the log every time (the last model step and which of
 * its tool calls have results), so a segment started after a crash simply carries on from the last
 * completed step. Every completed step is committed to the session before the next one begins.
 */
import { auditSummary } from '../audit/log.ts';
import { settleInterrupted } from '../audit/run-journal.ts';
import type { Logger } from '../audit/telemetry.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Executor } from '../execute/executor.ts';
import type { SessionStore, SessionTurn } from '../execute/state.ts';
import type { ExecuteResponse, PlannedCall } from '../execute/types.ts';
import { runSearch } from '../http/tools.ts';
import type { PolicyEngine } from '../policy/engine.ts';
import type { Sandbox } from '../sandbox/types.ts';
import type { SearchIndex } from '../search/types.ts';
import type { ApprovalScan } from './approval-scan.ts';
import { approvalData, finalToolEntries, modelMessages } from './history.ts';
import {
  type ModelClient,
  ModelError,
  type ModelTool,
  type ModelToolCall,
  type ModelUsage,
} from './model/types.ts';
import { type LogEntry, StepCommit, type ToolEntry, type TurnRecord } from './records.ts';
import type { FinishReason, UIChunk } from './stream/chunks.ts';
import type { LiveTurn } from './stream/live-turn.ts';
import { inputProblem, SEARCH_TOOL, toolText } from './tools.ts';

export interface LoopDeps {
  catalog: Catalog;
  search: SearchIndex;
  sandbox?: Sandbox;
  executor: Executor;
  sessions: SessionStore;
  policy?: PolicyEngine;
  model: ModelClient;
  system: string;
  tools: ModelTool[];
  maxSteps: number;
  scan: ApprovalScan;
  log?: Logger;
}

/** Thrown inside the loop when a client stopped the turn. */
class Stopped extends Error {}

/** Model answers cut off mid-stream are asked again this many times (HTTP-level retries are the client's). */
const STEP_RETRIES = 2;

type Next =
  | { kind: 'model' }
  | { kind: 'tool'; call: ModelToolCall; last: boolean }
  | { kind: 'interrupted'; call: ModelToolCall; last: boolean }
  | { kind: 'awaiting' }
  | { kind: 'done' }
  | { kind: 'max-steps' };

export class TurnSegment {
  readonly #deps: LoopDeps;
  readonly #tenant: string;
  readonly #session: string;
  readonly #live: LiveTurn;
  readonly #turn: TurnRecord;
  readonly #log: LogEntry[];

  constructor(
    deps: LoopDeps,
    tenant: string,
    session: string,
    live: LiveTurn,
    turn: TurnRecord,
    log: LogEntry[],
  ) {
    this.#deps = deps;
    this.#tenant = tenant;
    this.#session = session;
    this.#live = live;
    this.#turn = turn;
    this.#log = log;
  }

  get #stopped(): boolean {
    return this.#live.abort.signal.aborted;
  }

  /** Runs until the turn ends, pauses for an approval or is stopped; never throws. */
  async run(decision?: { entry: ToolEntry; status: 'approved' | 'rejected' }): Promise<void> {
    try {
      if (decision) await this.#decide(decision.entry, decision.status);
      for (;;) {
        if (this.#stopped) throw new Stopped();
        const next = this.#next();
        if (next.kind === 'model') await this.#modelStep();
        else if (next.kind === 'tool') {
          if (!(await this.#tool(next.call, next.last))) return;
        } else if (next.kind === 'interrupted') await this.#interrupted(next.call, next.last);
        else if (next.kind === 'awaiting') return;
        else return await this.#end('done', next.kind === 'max-steps' ? 'length' : 'stop');
      }
    } catch (error) {
      if (error instanceof Stopped || this.#stopped) await this.#end('stopped');
      else await this.#end('failed', 'error', error);
    }
  }

  /** What the log says comes next in this turn. */
  #next(): Next {
    const entries = this.#log.filter((entry) => entry.turn === this.#turn.id);
    const lastModel = entries.findLast((entry) => entry.kind === 'model');
    if (!lastModel) return { kind: 'model' };
    const results = finalToolEntries(entries);
    const calls = lastModel.toolCalls;
    for (const [index, call] of calls.entries()) {
      const result = results.get(call.id);
      const last = index === calls.length - 1;
      if (!result) {
        return this.#turn.inFlight?.toolCallId === call.id
          ? { kind: 'interrupted', call, last }
          : { kind: 'tool', call, last };
      }
      if (result.output === undefined && result.error === undefined) return { kind: 'awaiting' };
    }
    if (calls.length === 0) return { kind: 'done' };
    return this.#turn.steps >= this.#deps.maxSteps ? { kind: 'max-steps' } : { kind: 'model' };
  }

  /** Commits log entries, the turn record and the chunks not kept yet, in one atomic write. */
  async #commit(entries: LogEntry[] = [], then?: (turn: SessionTurn) => Promise<void>): Promise<void> {
    await this.#deps.sessions.withSession(
      this.#session,
      async (_state, turn) => {
        const commit = new StepCommit(turn.records);
        for (const entry of entries) await commit.log(entry);
        const { from, chunks } = this.#live.takeUnkept();
        commit.chunks(from, chunks);
        this.#turn.chunks = this.#live.kept;
        commit.turn(this.#turn);
        await turn.commit(commit.changes());
        await then?.(turn);
      },
      { tenant: this.#tenant },
    );
    this.#log.push(...entries);
  }

  async #modelStep(): Promise<void> {
    const step = this.#turn.steps + 1;
    this.#live.push({ type: 'start-step' });
    const messages = modelMessages(this.#log);
    for (let attempt = 0; ; attempt++) {
      try {
        const answer = await this.#streamModel(step, attempt, messages);
        return await this.#recordModelStep(step, answer);
      } catch (error) {
        if (this.#stopped) throw new Stopped();
        if (!(error instanceof ModelError) || !error.retryable || attempt >= STEP_RETRIES) throw error;
        // The partial answer goes from the screen; the model is asked again.
        this.#live.push({ type: 'reset-step' });
      }
    }
  }

  async #streamModel(
    step: number,
    attempt: number,
    messages: ReturnType<typeof modelMessages>,
  ): Promise<{ text: string; calls: ModelToolCall[]; usage: ModelUsage; finish: string }> {
    const { model, system, tools } = this.#deps;
    const textId = `text-${step}-${attempt}`;
    let text = '';
    let open = false;
    const started = new Set<string>();
    const calls: ModelToolCall[] = [];
    let usage: ModelUsage = { inputTokens: 0, outputTokens: 0, estimated: true };
    let finish = 'stop';
    const closeText = () => {
      if (open) this.#live.push({ type: 'text-end', id: textId });
      open = false;
    };
    try {
      for await (const event of model.stream({ system, messages, tools, signal: this.#live.abort.signal })) {
        if (event.type === 'text-delta') {
          if (!open) this.#live.push({ type: 'text-start', id: textId });
          open = true;
          text += event.delta;
          this.#live.push({ type: 'text-delta', id: textId, delta: event.delta });
        } else if (event.type === 'tool-call-start') {
          closeText();
          started.add(event.id);
          this.#live.push({ type: 'tool-input-start', toolCallId: event.id, toolName: event.name });
        } else if (event.type === 'tool-call-delta') {
          if (started.has(event.id))
            this.#live.push({ type: 'tool-input-delta', toolCallId: event.id, inputTextDelta: event.delta });
        } else if (event.type === 'tool-call') {
          closeText();
          if (!started.has(event.id)) {
            started.add(event.id);
            this.#live.push({ type: 'tool-input-start', toolCallId: event.id, toolName: event.name });
          }
          calls.push({ id: event.id, name: event.name, input: event.input });
        } else if (event.type === 'finish') {
          finish = event.reason;
          if (event.usage) usage = event.usage;
        }
      }
    } finally {
      closeText();
    }
    return { text, calls, usage, finish };
  }

  async #recordModelStep(
    step: number,
    answer: { text: string; calls: ModelToolCall[]; usage: ModelUsage; finish: string },
  ): Promise<void> {
    const turnId = this.#turn.id;
    const entries: LogEntry[] = [
      {
        kind: 'model',
        turn: turnId,
        step,
        text: answer.text,
        toolCalls: answer.calls,
        usage: answer.usage,
        finish: answer.finish,
      },
    ];
    for (const call of answer.calls) {
      const problem = inputProblem(call.name, call.input);
      if (problem) {
        // The model's own mistake: it reads the reason as the call's result and tries again.
        this.#live.push({
          type: 'tool-input-error',
          toolCallId: call.id,
          toolName: call.name,
          input: call.input,
          errorText: problem,
        });
        entries.push({
          kind: 'tool',
          turn: turnId,
          step,
          toolCallId: call.id,
          name: call.name,
          error: problem,
        });
      } else {
        this.#live.push({
          type: 'tool-input-available',
          toolCallId: call.id,
          toolName: call.name,
          input: call.input,
        });
      }
    }
    const answered = entries.length - 1 === answer.calls.length;
    if (answered) this.#live.push({ type: 'finish-step' });
    const usage = this.#turn.usage;
    this.#turn.steps = step;
    this.#turn.usage = {
      inputTokens: usage.inputTokens + answer.usage.inputTokens,
      outputTokens: usage.outputTokens + answer.usage.outputTokens,
      modelCalls: usage.modelCalls + 1,
      ...((usage.estimated || answer.usage.estimated) && { estimated: true }),
    };
    await this.#commit(entries);
  }

  /** Runs one tool call; false when the turn now waits for an approval. */
  async #tool(call: ModelToolCall, last: boolean): Promise<boolean> {
    if (call.name === SEARCH_TOOL) {
      await this.#search(call, last);
      return true;
    }
    return this.#execute(call, last);
  }

  #toolEntry(call: ModelToolCall, fields: Partial<ToolEntry>): ToolEntry {
    return {
      kind: 'tool',
      turn: this.#turn.id,
      step: this.#turn.steps,
      toolCallId: call.id,
      name: call.name,
      ...fields,
    };
  }

  /** The chunks that show a tool call's outcome (and close its step when it was the step's last call). */
  #outcomeChunks(entry: ToolEntry, last: boolean): UIChunk[] {
    const chunks: UIChunk[] =
      entry.error !== undefined
        ? [{ type: 'tool-output-error', toolCallId: entry.toolCallId, errorText: entry.error }]
        : [{ type: 'tool-output-available', toolCallId: entry.toolCallId, output: entry.output }];
    if (last) chunks.push({ type: 'finish-step' });
    return chunks;
  }

  async #search(call: ModelToolCall, last: boolean): Promise<void> {
    const args = call.input as { query?: string; code?: string; limit?: number };
    const { catalog, search, sandbox, log } = this.#deps;
    const outcome = await runSearch(
      { catalog, search, sandbox, log, tenant: this.#tenant },
      { query: args.query, code: args.code, limit: typeof args.limit === 'number' ? args.limit : undefined },
    );
    const entry = this.#toolEntry(
      call,
      outcome.ok
        ? { output: { results: outcome.results, types: outcome.types } }
        : { error: `${outcome.error.kind}: ${outcome.error.message}` },
    );
    this.#live.push(...this.#outcomeChunks(entry, last));
    await this.#commit([entry]);
  }

  /** Whether a dry run's plan holds a call that policy sends to a person. */
  #needsApproval(calls: PlannedCall[]): boolean {
    const { policy, catalog } = this.#deps;
    return calls.some((call) => {
      const op = catalog.operation(call.api, call.name);
      return op !== undefined && policy?.approvalRule(this.#tenant, op, call.args) !== undefined;
    });
  }

  async #execute(call: ModelToolCall, last: boolean): Promise<boolean> {
    const args = call.input as { code: string; timeoutMs?: unknown };
    // Marked before it runs: a restart that finds the mark and no result knows the run was cut off.
    this.#turn.inFlight = { toolCallId: call.id, since: new Date().toISOString() };
    await this.#commit();
    const timeoutMs = typeof args.timeoutMs === 'number' ? args.timeoutMs : undefined;
    const plan = this.#deps.scan(args.code, this.#tenant);
    let response = await this.#runExecute(call, last, args.code, timeoutMs, plan);
    if (response.outcome === 'not-needed') {
      // The dry run found no call that needs approval (the operation named was not called): run for real.
      response = await this.#runExecute(call, last, args.code, timeoutMs, false);
    }
    if (this.#stopped) throw new Stopped();
    return response.outcome !== 'awaiting';
  }

  /**
   * One execute whose outcome is committed with its audit entry (never run twice, never lost); a dry run
   * whose plan needs approval is kept as the call's pending state instead.
   */
  async #runExecute(
    call: ModelToolCall,
    last: boolean,
    code: string,
    timeoutMs: number | undefined,
    dryRun: boolean,
  ): Promise<{ outcome: 'recorded' | 'awaiting' | 'not-needed' }> {
    let streamed = 0;
    let shown: UIChunk[] | undefined;
    const result: { outcome: 'recorded' | 'awaiting' | 'not-needed' } = { outcome: 'recorded' };
    let recorded: ToolEntry | undefined;
    const toolCallId = call.id;
    const logChunk = (line: string): UIChunk => ({
      type: 'data-log',
      data: { toolCallId, line },
      transient: true,
    });
    const build = (response: ExecuteResponse): { entry: ToolEntry; chunks: UIChunk[] } | undefined => {
      // Lines a sandbox could not stream come now, before the outcome.
      const chunks = response.logs.slice(streamed).map(logChunk);
      if (dryRun && response.ok && response.plan) {
        if (!this.#needsApproval(response.plan.calls)) return undefined;
        const entry = this.#toolEntry(call, {
          awaiting: { plan: response.plan.id, calls: response.plan.calls },
        });
        chunks.push(
          {
            type: 'data-approval',
            id: response.plan.id,
            data: approvalData(toolCallId, response.plan.id, response.plan.calls, 'pending'),
          },
          { type: 'finish-step' },
          { type: 'finish', finishReason: 'other', messageMetadata: this.#metadata('awaiting-approval') },
        );
        return { entry, chunks };
      }
      const entry = this.#toolEntry(call, response.ok ? { output: response } : { error: toolText(response) });
      chunks.push(...this.#outcomeChunks(entry, last));
      return { entry, chunks };
    };
    const response = await this.#deps.executor.execute(
      {
        code,
        session: this.#session,
        ...(timeoutMs !== undefined && { timeoutMs }),
        ...(dryRun && { dryRun }),
      },
      {
        tenant: this.#tenant,
        signal: this.#live.abort.signal,
        onLog: (line) => {
          streamed++;
          this.#live.push(logChunk(line));
        },
        commitWith: async (response, records) => {
          const built = build(response);
          if (!built) {
            result.outcome = 'not-needed';
            return undefined;
          }
          if (built.entry.awaiting) {
            result.outcome = 'awaiting';
            this.#turn.status = 'awaiting-approval';
          }
          this.#turn.inFlight = undefined;
          const commit = new StepCommit(records);
          await commit.log(built.entry);
          const { from, chunks } = this.#live.takeUnkept();
          commit.chunks(from, [...chunks, ...built.chunks]);
          this.#live.kept += built.chunks.length;
          this.#turn.chunks = this.#live.kept;
          commit.turn(this.#turn);
          shown = built.chunks;
          recorded = built.entry;
          return commit.changes();
        },
      },
    );
    if (shown && recorded) {
      // Committed with the run's audit entry: now it may be shown.
      this.#log.push(recorded);
      this.#live.push(...shown);
    } else if (result.outcome !== 'not-needed') {
      // Refused before it ran (bad request, rate limit): nothing happened, so it is recorded on its own.
      const built = build(response)!;
      this.#turn.inFlight = undefined;
      this.#live.push(...built.chunks);
      await this.#commit([built.entry]);
    }
    if (result.outcome === 'awaiting') {
      await this.#deps.sessions.withSession(this.#session, async (_s, turn) => turn.setWake?.(undefined), {
        tenant: this.#tenant,
      });
      this.#logTurn('awaiting-approval');
    }
    return result;
  }

  /** An execute a restart found started and unfinished: never run again; the model hears what may have happened. */
  async #interrupted(call: ModelToolCall, last: boolean): Promise<void> {
    const since = this.#turn.inFlight?.since ?? '';
    const calls = await this.#deps.sessions.withSession(
      this.#session,
      async (_state, turn) => {
        await settleInterrupted(turn);
        const { last: entry } = await auditSummary(turn.records);
        if (entry?.errorKind !== 'interrupted' || entry.time < since) return [];
        return entry.calls.map((c) => `${c.api}.${c.name} ${c.method} ${c.path} (${c.outcome})`);
      },
      { tenant: this.#tenant },
    );
    const error =
      'this execute was cut off before it finished (the server stopped) and was not run again. ' +
      (calls.length
        ? `Calls it had made, which may have taken effect: ${calls.join('; ')}. Check with a read before retrying.`
        : 'It had made no call that changes anything, so it is safe to run again.');
    const entry = this.#toolEntry(call, { error });
    this.#turn.inFlight = undefined;
    this.#live.push(...this.#outcomeChunks(entry, last));
    await this.#commit([entry]);
  }

  /** A person decided on the plan a call waited for: the approved run's outcome (or the rejection) is its result. */
  async #decide(waiting: ToolEntry, status: 'approved' | 'rejected'): Promise<void> {
    const plan = waiting.awaiting!.plan;
    let fields: Partial<ToolEntry>;
    if (status === 'rejected') {
      fields = {
        error: `a person rejected plan ${plan}: none of its calls were sent. Do not send them again as they are; tell the user, or ask how to go on.`,
      };
    } else {
      // Approval is idempotent: this answers the approved run's response, whoever ran it.
      const response = await this.#deps.executor.approve(this.#session, plan, { tenant: this.#tenant });
      fields = !response
        ? { error: `plan ${plan} is no longer in the session` }
        : response.ok
          ? { output: response }
          : { error: toolText(response) };
    }
    const entry: ToolEntry = { ...waiting, awaiting: undefined, ...fields, decision: { plan, status } };
    delete entry.awaiting;
    const lastCall = this.#log.findLast((e) => e.kind === 'model' && e.turn === this.#turn.id);
    const calls = lastCall?.kind === 'model' ? lastCall.toolCalls : [];
    const last = calls[calls.length - 1]?.id === waiting.toolCallId;
    this.#live.push(
      {
        type: 'data-approval',
        id: plan,
        data: approvalData(waiting.toolCallId, plan, waiting.awaiting!.calls, status),
      },
      ...this.#outcomeChunks(entry, last),
    );
    this.#turn.status = 'running';
    await this.#commit([entry]);
  }

  #metadata(status: TurnRecord['status']): Record<string, unknown> {
    return { turn: this.#turn.id, status, steps: this.#turn.steps, usage: this.#turn.usage };
  }

  /** Ends the turn: done, stopped or failed, with the chunks that say so. */
  async #end(status: 'done' | 'stopped' | 'failed', reason?: FinishReason, error?: unknown): Promise<void> {
    this.#turn.status = status;
    this.#turn.ended = new Date().toISOString();
    this.#turn.inFlight = undefined;
    if (status === 'stopped')
      this.#live.push({ type: 'abort', reason: 'the turn was stopped (POST /v1/sessions/{id}/stop)' });
    else {
      if (status === 'failed') {
        this.#turn.error = describe(error);
        this.#live.push({ type: 'error', errorText: this.#turn.error });
      }
      this.#live.push({ type: 'finish', finishReason: reason, messageMetadata: this.#metadata(status) });
    }
    try {
      await this.#commit([], async (turn) => turn.setWake?.(undefined));
    } catch (commitError) {
      this.#deps.log?.({
        level: 'error',
        msg: 'agent',
        session: this.#session,
        error: describe(commitError),
      });
    }
    this.#logTurn(status);
  }

  #logTurn(status: string): void {
    const { usage } = this.#turn;
    this.#deps.log?.({
      level: status === 'failed' ? 'warn' : 'info',
      msg: 'agent turn',
      tenant: this.#tenant,
      session: this.#session,
      turn: this.#turn.id,
      status,
      steps: this.#turn.steps,
      modelCalls: usage.modelCalls,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      ...(usage.estimated && { estimated: true }),
      ...(this.#turn.error && { error: this.#turn.error }),
    });
  }
}

function describe(error: unknown): string {
  if (error instanceof ModelError) return `duet agent: ${error.message}`;
  return `duet agent: ${(error as Error)?.message ?? String(error)}`;
}
