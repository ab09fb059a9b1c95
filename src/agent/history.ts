/**
 * The conversation log read two ways: as messages for the model, and as AI SDK UI messages (parts) for
 * clients (`GET /v1/sessions/{id}/messages`), the same parts a client builds from the turn's stream.
 */
import type { ModelMessage } from './model/types.ts';
import type { LogEntry, ToolEntry, TurnRecord } from './records.ts';
import { toolText } from './tools.ts';

/** The model's view: every tool call answered (a call a stopped turn left open is said to be unfinished). */
export function modelMessages(log: LogEntry[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  const results = finalToolEntries(log);
  for (const entry of log) {
    if (entry.kind === 'user') out.push({ role: 'user', text: entry.text });
    else if (entry.kind === 'model') {
      out.push({ role: 'assistant', text: entry.text, toolCalls: entry.toolCalls });
      for (const call of entry.toolCalls) {
        const result = results.get(call.id);
        if (!result || (result.output === undefined && result.error === undefined)) {
          out.push({
            role: 'tool',
            toolCallId: call.id,
            name: call.name,
            content: 'this call did not finish: the turn was stopped or cut off before it was done',
            isError: true,
          });
        } else if (result.error !== undefined) {
          out.push({
            role: 'tool',
            toolCallId: call.id,
            name: call.name,
            content: result.error,
            isError: true,
          });
        } else
          out.push({ role: 'tool', toolCallId: call.id, name: call.name, content: toolText(result.output) });
      }
    }
  }
  return out;
}

/** The latest entry of each tool call (an approval's decision comes after the entry that waited for it). */
export function finalToolEntries(log: LogEntry[]): Map<string, ToolEntry> {
  const results = new Map<string, ToolEntry>();
  for (const entry of log) if (entry.kind === 'tool') results.set(entry.toolCallId, entry);
  return results;
}

export interface UIMessage {
  id: string;
  role: 'user' | 'assistant';
  metadata?: Record<string, unknown>;
  parts: Record<string, unknown>[];
}

/** Parts of one tool call as the stream leaves them. */
export function toolPart(
  toolCallId: string,
  name: string,
  input: unknown,
  result?: ToolEntry,
): Record<string, unknown> {
  const base = { type: `tool-${name}`, toolCallId };
  if (!result || (result.output === undefined && result.error === undefined))
    return { ...base, state: 'input-available', input };
  if (result.error !== undefined) return { ...base, state: 'output-error', input, errorText: result.error };
  return { ...base, state: 'output-available', input, output: result.output };
}

/** The approval data part of a call that waited for a plan's decision. */
export function approvalPart(entry: ToolEntry, decided?: ToolEntry): Record<string, unknown> | undefined {
  if (!entry.awaiting) return undefined;
  return {
    type: 'data-approval',
    id: entry.awaiting.plan,
    data: approvalData(
      entry.toolCallId,
      entry.awaiting.plan,
      entry.awaiting.calls,
      decided?.decision?.status ?? 'pending',
    ),
  };
}

export function approvalData(
  toolCallId: string,
  plan: string,
  calls: unknown[],
  status: 'pending' | 'approved' | 'rejected',
): Record<string, unknown> {
  return { toolCallId, plan, status, calls };
}

/** Every turn as a user message and an assistant message; `current` adds the turn's status and usage. */
export function uiMessages(log: LogEntry[], current?: TurnRecord): UIMessage[] {
  const out: UIMessage[] = [];
  const results = finalToolEntries(log);
  let assistant: UIMessage | undefined;
  for (const entry of log) {
    if (entry.kind === 'user') {
      out.push({ id: entry.id, role: 'user', parts: [{ type: 'text', text: entry.text }] });
      assistant = { id: entry.turn, role: 'assistant', metadata: { turn: entry.turn }, parts: [] };
      out.push(assistant);
      continue;
    }
    if (!assistant) continue;
    if (entry.kind === 'model') {
      assistant.parts.push({ type: 'step-start' });
      if (entry.text) assistant.parts.push({ type: 'text', text: entry.text, state: 'done' });
      for (const call of entry.toolCalls)
        assistant.parts.push(toolPart(call.id, call.name, call.input, results.get(call.id)));
      const usage = (assistant.metadata!.usage ?? { inputTokens: 0, outputTokens: 0, modelCalls: 0 }) as {
        inputTokens: number;
        outputTokens: number;
        modelCalls: number;
        estimated?: boolean;
      };
      assistant.metadata!.usage = {
        inputTokens: usage.inputTokens + entry.usage.inputTokens,
        outputTokens: usage.outputTokens + entry.usage.outputTokens,
        modelCalls: usage.modelCalls + 1,
        ...((usage.estimated || entry.usage.estimated) && { estimated: true }),
      };
    } else if (entry.awaiting) {
      const decided = results.get(entry.toolCallId);
      const part = approvalPart(entry, decided !== entry ? decided : undefined);
      if (part) assistant.parts.push(part);
    }
  }
  if (current) {
    const last = out.findLast((message) => message.role === 'assistant' && message.id === current.messageId);
    if (last) {
      last.metadata = {
        ...last.metadata,
        status: current.status,
        ...(current.error && { error: current.error }),
      };
    }
  }
  // A turn that produced nothing yet has no assistant message to show.
  return out.filter((message) => message.role === 'user' || message.parts.length > 0);
}
