/** Requests to duet's HTTP API from the console: relative to the page (so a path prefix works), with the tenant's token. */

export interface Bootstrap {
  /** Where the API is, relative to the page: '' at /console, '../' at /console/. */
  root: string;
  /** Tokens are configured: every API request needs one. */
  auth: boolean;
  version: string;
}

export interface Info {
  version: string;
  apis: { name: string; operations: number }[];
  typecheck: 'types' | 'syntax';
  sessionsList: boolean;
  agent: boolean;
  tenant: string;
}

export interface Diagnostic {
  message: string;
  line?: number;
  column?: number;
}

export interface CallRecord {
  api: string;
  name: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  outcome?: 'applied' | 'refused' | 'not-sent' | 'unknown';
  rule?: string;
}

export interface PlannedCall {
  index: number;
  api: string;
  name: string;
  method: string;
  path: string;
  args: unknown;
  outcome?: 'applied' | 'not-sent' | 'unknown';
  status?: number;
}

export interface RunError {
  kind: string;
  message: string;
  diagnostics?: Diagnostic[];
  rule?: string;
}

export interface ExecuteResponse {
  ok: boolean;
  result?: unknown;
  error?: RunError;
  logs: string[];
  calls: CallRecord[];
  durationMs: number;
  plan?: { id: string; status: string; calls: PlannedCall[] };
  replayed?: boolean;
}

export interface SearchResult {
  api: string;
  name: string;
  method: string;
  path: string;
  summary: string;
  declaration: string;
}

export interface SessionRow {
  session: string;
  runs: number;
  lastActivity?: string;
  pendingApprovals: number;
}

export interface Plan {
  id: string;
  created: string;
  status: 'pending' | 'applying' | 'applied' | 'rejected';
  code: string;
  calls: PlannedCall[];
  rejected?: string;
  response?: { ok: boolean; result?: unknown; error?: RunError };
}

export interface SessionSummary extends SessionRow {
  plans: Plan[];
}

export interface AuditEntry {
  seq: number;
  time: string;
  mode: 'run' | 'dry-run' | 'approval';
  plan?: string;
  code: string;
  typecheck: string;
  calls: CallRecord[];
  ok: boolean;
  errorKind?: string;
  error?: string;
  rule?: string;
  durationMs: number;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'duet.console.token';
let bootstrap: Bootstrap = { root: '', auth: false, version: '' };
let onUnauthorized: (message: string) => void = () => {};

export function configure(boot: Bootstrap): void {
  bootstrap = boot;
}

/** Called when the server refuses the token (a 401), so the page can ask for another. */
export function whenUnauthorized(handler: (message: string) => void): void {
  onUnauthorized = handler;
}

/** The token lives in sessionStorage only: it leaves with the tab, and never reaches localStorage or a cookie. */
export function token(): string {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function setToken(value: string): void {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export function apiUrl(path: string): URL {
  return new URL(bootstrap.root + path, location.href);
}

/** A request to the API with the token; non-2xx answers throw an ApiError with the server's message. */
export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.body !== undefined && !headers.has('content-type'))
    headers.set('content-type', 'application/json');
  if (token()) headers.set('authorization', `Bearer ${token()}`);
  const response = await fetch(apiUrl(path), { ...init, headers });
  if (response.ok) return response;
  let kind = 'http';
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as { error?: { kind?: string; message?: string } };
    kind = body.error?.kind ?? kind;
    message = body.error?.message ?? message;
  } catch {
    // Not JSON: the status line says enough.
  }
  if (response.status === 401) onUnauthorized(message);
  throw new ApiError(response.status, kind, message);
}

export async function getJson<T>(path: string, init?: RequestInit): Promise<T> {
  return (await request(path, init)).json() as Promise<T>;
}

export async function postJson<T>(path: string, body: unknown, init: RequestInit = {}): Promise<T> {
  return getJson<T>(path, { ...init, method: 'POST', body: JSON.stringify(body) });
}

/** Execute answers 200 for a run that failed, but also 429/503 with the same body: both are outcomes to show. */
export async function execute(body: {
  code: string;
  session?: string;
  dryRun?: boolean;
}): Promise<ExecuteResponse> {
  try {
    return await postJson<ExecuteResponse>('v1/execute', body);
  } catch (error) {
    if (error instanceof ApiError && error.status !== 401) {
      return {
        ok: false,
        error: { kind: error.kind, message: error.message },
        logs: [],
        calls: [],
        durationMs: 0,
      };
    }
    throw error;
  }
}

export const sessionPath = (id: string, rest: string): string =>
  `v1/sessions/${encodeURIComponent(id)}/${rest}`;
