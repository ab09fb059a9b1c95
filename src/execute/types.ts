/** The execute contract (POST /v1/execute), shared by HTTP, MCP and the CLI. */
import type { SessionRecords, TurnChanges } from './state.ts';

export type ErrorKind =
  | 'typecheck'
  | 'policy'
  | 'timeout'
  | 'memory'
  | 'runtime'
  | 'egress'
  | 'rate_limit'
  | 'limit'
  | 'bad_request'
  /** Every sandbox worker is busy and the queue is full: HTTP answers 503 with Retry-After. */
  | 'overloaded';

export interface Diagnostic {
  message: string;
  /** 1-based line and column in the snippet as the user wrote it. */
  line?: number;
  column?: number;
}

export interface ExecuteRequest {
  code: string;
  session?: string;
  timeoutMs?: number;
  /** `false` skips the type-check (the syntax check still runs); default: check when a checker is configured. */
  typecheck?: boolean;
  /**
   * Plan instead of act: reads (GET/HEAD) are sent, every other call is recorded but not sent (it resolves
   * to a placeholder), `state` writes are discarded, and the response's `plan` can be approved.
   */
  dryRun?: boolean;
}

/** Who runs it (the tenant of the request's token, '' without tokens), and what the caller follows or adds. */
export interface ExecuteContext {
  tenant?: string;
  /** Each console line as the snippet writes it (where the sandbox streams them; all are in `logs` too). */
  onLog?: (line: string) => void;
  /** Stops the run: calls in flight are aborted, later ones refused, the sandbox ends it (kind `runtime`). */
  signal?: AbortSignal;
  /**
   * Records to commit with the run's audit entry, in the same atomic write (runs in a session only): what
   * the caller keeps of the outcome is then never lost, nor the run repeated, whatever crashes when.
   */
  commitWith?: (response: ExecuteResponse, records: SessionRecords) => Promise<TurnChanges | undefined>;
}

export interface TypeCheckOptions {
  /** Whether the run has a `fetch` global; without it `fetch` is an unknown name. */
  fetch?: boolean;
}

/** Checks a snippet against the catalog's types before it runs; no diagnostics means it may run. */
export interface TypeChecker {
  check(code: string, options?: TypeCheckOptions): Diagnostic[] | Promise<Diagnostic[]>;
  /** Loads the compiler ahead of the first check, where loading is lazy. */
  warm?(): Promise<void>;
  /**
   * True when a check would start at once and take milliseconds: the compiler is loaded, the catalog's
   * declarations have been checked against, and no check is waiting. The executor then starts a run beside
   * its check instead of after it (run-beside-check.ts). Without it every run waits for its check.
   */
  idle?(): boolean;
}

export interface CallRecord {
  api: string;
  name: string;
  method: string;
  path: string;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  durationMs: number;
  /**
   * Absent when the call went out and was answered; `refused` by policy or a rate limit before it left,
   * `not-sent` (planned in a dry run, or not reached in an approved run), `unknown` (sent, but no answer).
   */
  outcome?: 'refused' | 'not-sent' | 'unknown';
  /** The policy rule that refused it. */
  rule?: string;
}

/** A call a dry run recorded instead of sending. */
export interface PlannedCall {
  /** Position among the plan's calls, from 0. */
  index: number;
  api: string;
  name: string;
  method: string;
  path: string;
  args: unknown;
  /** After an approval: `applied` (answered, `status` says how), `not-sent` or `unknown` (sent, no answer). */
  outcome?: 'applied' | 'not-sent' | 'unknown';
  status?: number;
}

export interface PlanSummary {
  id: string;
  status: 'pending' | 'applied';
  calls: PlannedCall[];
}

export interface ExecuteResponse {
  ok: boolean;
  result?: unknown;
  error?: {
    kind: ErrorKind;
    message: string;
    diagnostics?: Diagnostic[];
    retryAfterSeconds?: number;
    /** For `policy`: the rule that refused. */
    rule?: string;
  };
  logs: string[];
  calls: CallRecord[];
  durationMs: number;
  /** A dry run's plan (approve it with POST /v1/sessions/{id}/approvals), or the plan an approval applied. */
  plan?: PlanSummary;
  /** An approval answered from its first application (a retry): nothing was sent again. */
  replayed?: boolean;
}
