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
  | 'bad_request';

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
  error?: { kind: ErrorKind; message: string; diagnostics?: Diagnostic[] };
  logs: string[];
  calls: CallRecord[];
  durationMs: number;
}
