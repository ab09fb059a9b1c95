/** The execute contract (POST /v1/execute), shared by HTTP, MCP and the CLI. */

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
}

export interface TypeCheckOptions {
  /** Whether the run has a `fetch` global; without it `fetch` is an unknown name. */
  fetch?: boolean;
}

/** Checks a snippet against the catalog's types before it runs; no diagnostics means it may run. */
export interface TypeChecker {
  check(code: string, options?: TypeCheckOptions): Diagnostic[] | Promise<Diagnostic[]>;
}

export interface CallRecord {
  api: string;
  name: string;
  method: string;
  path: string;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  durationMs: number;
}

export interface ExecuteResponse {
  ok: boolean;
  result?: unknown;
  error?: { kind: ErrorKind; message: string; diagnostics?: Diagnostic[]; retryAfterSeconds?: number };
  logs: string[];
  calls: CallRecord[];
  durationMs: number;
}
