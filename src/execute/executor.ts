/** The execute pipeline: validate -> strip types -> sandbox (API calls proxied by the host) -> result. */
import type { Catalog } from '../catalog/index.ts';
import type { Api, Operation } from '../catalog/types.ts';
import type { EgressRule } from '../policy/egress.ts';
import { isSandboxOverloaded } from '../sandbox/overloaded.ts';
import {
  defaultLimits,
  type HostCall,
  type HostCallError,
  type HostFunction,
  type RunResult,
  type Sandbox,
  type SandboxLimits,
} from '../sandbox/types.ts';
import { ArgumentError, buildRequest } from './build-request.ts';
import { guestFetch } from './guest-fetch.ts';
import { ResponseTooLargeError, readBody } from './read-response.ts';
import { memoryState, type SessionStore, type StateStore } from './state.ts';
import { stripTypes } from './strip-types.ts';
import type { CallRecord, Diagnostic, ExecuteRequest, ExecuteResponse, TypeChecker } from './types.ts';

export interface UpstreamConfig {
  /** Overrides the spec's server URL. */
  baseUrl?: string;
  /** Added by the host to every request to this API; never visible to the guest. */
  headers?: Record<string, string>;
  /** Sends the request (defaults to the executor's fetch); lets an in-process API answer without a socket. */
  fetch?: (request: Request) => Promise<Response>;
}

export interface ExecutorOptions {
  catalog: Catalog;
  sandbox: Sandbox;
  upstreams?: Record<string, UpstreamConfig>;
  sessions?: SessionStore;
  limits?: Partial<SandboxLimits>;
  /** Upper bound for a request's `timeoutMs`. */
  maxTimeoutMs?: number;
  maxCodeBytes?: number;
  /** Bound on each upstream response body. */
  maxResponseBytes?: number;
  /** Hosts guest `fetch` may reach; no rules, no `fetch` global. */
  allowFetch?: EgressRule[];
  fetch?: typeof fetch;
  /** Checks snippets against the catalog's types before they run; without one only syntax is checked. */
  typeChecker?: TypeChecker;
}

export interface Executor {
  execute(request: ExecuteRequest): Promise<ExecuteResponse>;
}

const SESSION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function createExecutor(options: ExecutorOptions): Executor {
  const limits: SandboxLimits = { ...defaultLimits, ...options.limits };
  const maxTimeoutMs = options.maxTimeoutMs ?? Math.max(limits.timeoutMs, 60_000);
  const maxCodeBytes = options.maxCodeBytes ?? 100 * 1024;
  const maxResponseBytes = options.maxResponseBytes ?? 8 * 1024 * 1024;
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  const allowFetch = options.allowFetch ?? [];
  const apis = Object.fromEntries(
    options.catalog.apis.map((api) => [api.name, api.operations.map((op) => op.name)]),
  );

  function badRequest(message: string): ExecuteResponse {
    return { ok: false, error: { kind: 'bad_request', message }, logs: [], calls: [], durationMs: 0 };
  }

  async function execute(request: ExecuteRequest): Promise<ExecuteResponse> {
    const started = performance.now();
    const { code, session, timeoutMs } = request;
    if (typeof code !== 'string' || code.trim() === '')
      return badRequest("'code' must be a non-empty string");
    if (new TextEncoder().encode(code).byteLength > maxCodeBytes) {
      return badRequest(`'code' is larger than the ${maxCodeBytes} byte limit`);
    }
    if (session !== undefined && (typeof session !== 'string' || !SESSION_ID.test(session))) {
      return badRequest("'session' must be 1-128 characters of letters, digits, '.', '_', ':' or '-'");
    }
    if (
      timeoutMs !== undefined &&
      (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > maxTimeoutMs)
    ) {
      return badRequest(`'timeoutMs' must be an integer from 1 to ${maxTimeoutMs}`);
    }
    if (request.typecheck !== undefined && typeof request.typecheck !== 'boolean') {
      return badRequest("'typecheck' must be a boolean");
    }
    const rejected = (diagnostics: Diagnostic[]): ExecuteResponse => ({
      ok: false,
      error: { kind: 'typecheck', message: diagnostics[0].message, diagnostics },
      logs: [],
      calls: [],
      durationMs: performance.now() - started,
    });
    const stripped = stripTypes(code);
    if (!stripped.ok) return rejected(stripped.diagnostics);
    if (options.typeChecker && request.typecheck !== false) {
      const diagnostics = await options.typeChecker.check(code, { fetch: allowFetch.length > 0 });
      if (diagnostics.length > 0) return rejected(diagnostics);
    }
    const runLimits = { ...limits, timeoutMs: timeoutMs ?? limits.timeoutMs };
    const run = (state: StateStore) => runSnippet(stripped.code, runLimits, state);
    const outcome =
      session === undefined || !options.sessions
        ? await run(memoryState())
        : await options.sessions.withSession(session, run);
    return { ...outcome, durationMs: performance.now() - started };
  }

  async function runSnippet(
    code: string,
    runLimits: SandboxLimits,
    state: StateStore,
  ): Promise<Omit<ExecuteResponse, 'durationMs'>> {
    const calls: CallRecord[] = [];
    // Aborted when the run ends, however it ends: the sandbox enforces the time limit (a timer here would
    // also count time spent waiting for a worker and cut off calls of a run that started late).
    const abort = new AbortController();
    const host: HostFunction = (call) => dispatch(call, calls, state, abort.signal);
    let result: RunResult;
    try {
      result = await options.sandbox.run(
        { code, bindings: { apis, state: true, fetch: allowFetch.length > 0 }, limits: runLimits },
        host,
      );
    } catch (error) {
      if (!isSandboxOverloaded(error)) throw error;
      const { message, retryAfterSeconds } = error;
      return { ok: false, error: { kind: 'overloaded', message, retryAfterSeconds }, logs: [], calls };
    } finally {
      abort.abort(new Error('run finished'));
    }
    if (result.ok) return { ok: true, result: result.result, logs: result.logs, calls };
    return { ok: false, error: result.error, logs: result.logs, calls };
  }

  function dispatch(
    call: HostCall,
    calls: CallRecord[],
    state: StateStore,
    signal: AbortSignal,
  ): Promise<unknown> {
    switch (call.kind) {
      case 'api':
        return callApi(call.api, call.method, call.args, calls, signal);
      case 'state':
        return callState(state, call.op, call.args);
      case 'fetch':
        return guestFetch(call.url, call.init as never, allowFetch, {
          fetch: send,
          maxBytes: maxResponseBytes,
          signal,
        });
    }
  }

  async function callApi(
    apiName: string,
    method: string,
    args: unknown,
    calls: CallRecord[],
    signal: AbortSignal,
  ): Promise<unknown> {
    const op = options.catalog.operation(apiName, method);
    if (!op) {
      throw { message: `${apiName}.${method} is not an operation of the catalog` } satisfies HostCallError;
    }
    const api = options.catalog.get(apiName);
    if (op.input !== undefined && api?.invoke) return invokeFunction(api.invoke, op, args, calls, signal);
    const upstream = options.upstreams?.[apiName];
    const baseUrl = upstream?.baseUrl ?? options.catalog.get(apiName)?.baseUrl;
    if (!baseUrl || !/^https?:\/\//i.test(baseUrl)) {
      throw {
        message: `${apiName} has no absolute base URL (spec says '${baseUrl ?? 'nothing'}'): start duet with --base-url ${apiName}=https://...`,
      } satisfies HostCallError;
    }
    let request: Request;
    try {
      request = buildRequest(op, args, { baseUrl, headers: upstream?.headers }, signal);
    } catch (error) {
      if (error instanceof ArgumentError) throw { message: error.message } satisfies HostCallError;
      throw error;
    }
    const record: CallRecord = {
      api: apiName,
      name: op.name,
      method: request.method,
      path: new URL(request.url).pathname,
      status: 0,
      durationMs: 0,
    };
    calls.push(record);
    const started = performance.now();
    try {
      const response = await (upstream?.fetch ? upstream.fetch(request) : send(request));
      record.status = response.status;
      const body = await readBody(response, maxResponseBytes);
      record.durationMs = performance.now() - started;
      if (response.ok) return body;
      throw {
        message:
          `${op.api}.${op.name}: ${request.method} ${record.path} answered ${response.status} ${response.statusText}`.trim(),
        status: response.status,
        body: body ?? locationOf(response),
      } satisfies HostCallError;
    } catch (error) {
      record.durationMs = performance.now() - started;
      if (isHostCallError(error)) throw error;
      throw { message: describeFailure(op, request, error) } satisfies HostCallError;
    }
  }

  return { execute };
}

/** Function-style operations (typed functions, MCP tools) run in the host through their API's `invoke`. */
async function invokeFunction(
  invoke: NonNullable<Api['invoke']>,
  op: Operation,
  args: unknown,
  calls: CallRecord[],
  signal: AbortSignal,
): Promise<unknown> {
  const record: CallRecord = {
    api: op.api,
    name: op.name,
    method: 'CALL',
    path: op.path,
    status: 0,
    durationMs: 0,
  };
  calls.push(record);
  const started = performance.now();
  try {
    const result = await invoke(op.name, args ?? {}, signal);
    record.status = 200;
    return result;
  } catch (error) {
    const failure = error as { status?: number; message?: string; body?: unknown };
    record.status = typeof failure?.status === 'number' ? failure.status : 500;
    throw {
      message: `${op.api}.${op.name}: ${failure?.message ?? String(error)}`,
      status: record.status,
      body: failure?.body,
    } satisfies HostCallError;
  } finally {
    record.durationMs = performance.now() - started;
  }
}

async function callState(state: StateStore, op: string, args: unknown[]): Promise<unknown> {
  const [key, value] = args;
  if (op === 'list') {
    const opts = (key ?? {}) as { prefix?: unknown; limit?: unknown };
    if (typeof opts !== 'object') throw { message: 'state.list takes an optional { prefix, limit } object' };
    return state.list({
      prefix: typeof opts.prefix === 'string' ? opts.prefix : undefined,
      limit: typeof opts.limit === 'number' ? opts.limit : undefined,
    });
  }
  if (typeof key !== 'string' || key === '') throw { message: `state.${op} needs a non-empty string key` };
  if (op === 'get') return state.get(key);
  if (op === 'delete') return state.delete(key);
  if (op === 'put') {
    if (value === undefined) throw { message: 'state.put needs a value (use state.delete to remove a key)' };
    await state.put(key, value);
    return undefined;
  }
  throw { message: `state.${op} is not a state operation` };
}

function locationOf(response: Response): unknown {
  const location = response.headers.get('location');
  return location ? { location } : null;
}

function isHostCallError(error: unknown): error is HostCallError {
  return typeof error === 'object' && error !== null && 'message' in error && !(error instanceof Error);
}

function describeFailure(op: Operation, request: Request, error: unknown): string {
  const where = `${op.api}.${op.name}: ${request.method} ${request.url}`;
  if (error instanceof ResponseTooLargeError) return `${where}: ${error.message}`;
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const reason = cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
  return `${where} failed: ${reason}`;
}
