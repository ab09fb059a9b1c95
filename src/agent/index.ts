/** The search + execute agent over any model: a durable, resumable loop in the session's actor. */
export {
  type Agent,
  type AgentOptions,
  createAgent,
  DEFAULT_MAX_STEPS,
  type SendOutcome,
  type TurnSummary,
} from './agent.ts';
export type { UIMessage } from './history.ts';
export * from './model/index.ts';
export { systemPrompt } from './prompt.ts';
export type { LogEntry, ToolEntry, TurnRecord, TurnStatus } from './records.ts';
export {
  type FinishReason,
  SSE_DONE,
  sseFrame,
  UI_MESSAGE_STREAM_HEADERS,
  type UIChunk,
} from './stream/chunks.ts';
export { agentTools } from './tools.ts';
