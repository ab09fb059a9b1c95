/** One operation call leaving the host: an HTTP request to the API's upstream, or a typed function run in the host. */
import { injectTraceContext } from '../audit/telemetry.ts';
import type { Api, Operation } from '../catalog/types.ts';
import type { HostCallError } from '../sandbox/types.ts';
import { ArgumentError, buildRequest } from './build-request.ts';
import type { ExecutorSettings } from './pipeline.ts';
import { ResponseTooLargeError, readBody } from './read-response.ts';
import type { CallRecord } from './types.ts';

/** What an upstream call needs of its run. */
export interface CallRun {
  calls: CallRecord[];
  signal: AbortSignal;
}

export async function sendHttp(
  settings: ExecutorSettings,
  op: Operation,
  args: unknown,
  record: CallRecord,
  run: CallRun,
  idempotencyKey: string | undefined,
): Promise<unknown> {
  const apiName = op.api;
  const upstream = settings.upstreams?.[apiName];
  const baseUrl = upstream?.baseUrl ?? settings.catalog.get(apiName)?.baseUrl;
  if (!baseUrl || !/^https?:\/\//i.test(baseUrl)) {
    throw {
      message: `${apiName} has no absolute base URL (spec says '${baseUrl ?? 'nothing'}'): start duet with --base-url ${apiName}=https://...`,
    } satisfies HostCallError;
  }
  let headers = upstream?.headers;
  if (idempotencyKey && settings.policy) {
    const header = settings.policy.idempotencyHeader(op);
    const declared = header && op.parameters.some((p) => p.in === 'header' && p.name === header);
    const given = args as Record<string, unknown> | undefined;
    if (header && declared && given && typeof given === 'object' && given[header] === undefined)
      args = { ...given, [header]: idempotencyKey };
    else if (header && !declared) headers = { ...headers, [header]: idempotencyKey };
  }
  let request: Request;
  try {
    request = buildRequest(op, args, { baseUrl, headers }, run.signal);
  } catch (error) {
    if (error instanceof ArgumentError) throw { message: error.message } satisfies HostCallError;
    throw error;
  }
  injectTraceContext(request.headers);
  record.method = request.method;
  record.path = new URL(request.url).pathname;
  run.calls.push(record);
  const started = performance.now();
  try {
    const response = await (upstream?.fetch ? upstream.fetch(request) : settings.send(request));
    record.status = response.status;
    const body = await readBody(response, settings.maxResponseBytes);
    record.durationMs = performance.now() - started;
    if (response.ok) return body;
    throw {
      // The body's start is in the message too: an uncaught rejection shows only the message, and the
      // upstream's reason (GitHub's 422 field errors) is what the agent needs to fix its call.
      message: `${`${op.api}.${op.name}: ${request.method} ${record.path} answered ${response.status} ${response.statusText}`.trim()}${bodyExcerpt(body)}`,
      status: response.status,
      body: body ?? locationOf(response),
    } satisfies HostCallError;
  } catch (error) {
    record.durationMs = performance.now() - started;
    if (isHostCallError(error)) throw error;
    throw { message: describeFailure(op, request, error) } satisfies HostCallError;
  }
}

/** Function-style operations (typed functions, MCP tools) run in the host through their API's `invoke`. */
export async function invokeFunction(
  invoke: NonNullable<Api['invoke']>,
  op: Operation,
  args: unknown,
  record: CallRecord,
  run: CallRun,
): Promise<unknown> {
  record.method = 'CALL';
  run.calls.push(record);
  const started = performance.now();
  try {
    const result = await invoke(op.name, args ?? {}, run.signal);
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

const MAX_BODY_EXCERPT = 500;

/** `: {"message":"Validation Failed",...}`, cut to a few hundred characters; '' for an empty body. */
function bodyExcerpt(body: unknown): string {
  if (body === undefined || body === null || body === '') return '';
  let text: string;
  try {
    text = typeof body === 'string' ? body : (JSON.stringify(body) ?? '');
  } catch {
    return '';
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text ? `: ${text.length > MAX_BODY_EXCERPT ? `${text.slice(0, MAX_BODY_EXCERPT)}…` : text}` : '';
}
