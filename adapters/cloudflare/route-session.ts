/** Which requests belong to a session's Durable Object: executes that name a session (REST or MCP), reads of its state, audit and summary, approvals and rejections, and the agent's messages, stream and stop. */
import { SESSION_PATTERN } from '../../src/http/schemas.ts';

export interface Routed {
  /** The session whose object must answer; absent: the Worker answers (including every 4xx). */
  session?: string;
  /** The request to pass on: its body already read when the session had to be found in it. */
  request: Request;
}

export class MixedSessionsError extends Error {
  override name = 'MixedSessionsError';
}

const SESSION_READ = /^\/v1\/sessions\/([^/]+)\/(?:state|audit|summary|messages|stream)$/;
// The agent's turn runs in the session's object too: messages, stop, and the decisions that resume it.
const SESSION_APPROVAL = /^\/v1\/sessions\/([^/]+)\/(?:approvals|rejections|messages|stop)$/;

/** The Durable Object name of a session; a tenant's sessions never share an object with another's. */
export function sessionObjectName(tenant: string, session: string): string {
  return JSON.stringify([tenant, session]);
}

export async function routeRequest(request: Request, maxBodyBytes: number): Promise<Routed> {
  const url = new URL(request.url);
  const read =
    (request.method === 'GET' && SESSION_READ.exec(url.pathname)) ||
    (request.method === 'POST' && SESSION_APPROVAL.exec(url.pathname));
  if (read) {
    const session = decode(read[1]);
    return session !== undefined && SESSION_PATTERN.test(session) ? { session, request } : { request };
  }
  const find = request.method !== 'POST' ? undefined : ROUTES[url.pathname];
  if (!find) return { request };
  if (Number(request.headers.get('content-length')) > maxBodyBytes) return { request };
  const text = await request.text();
  const rebuilt = new Request(request.url, { method: 'POST', headers: request.headers, body: text });
  // Anything the object could not run (bad JSON, a bad field, too large) gets its 4xx from the Worker.
  if (text.length > maxBodyBytes) return { request: rebuilt };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { request: rebuilt };
  }
  const sessions = new Set(find(body).filter((s) => typeof s === 'string' && SESSION_PATTERN.test(s)));
  if (sessions.size > 1) {
    throw new MixedSessionsError(
      `one request may run in one session only; this one names ${[...sessions].join(', ')}: send them separately`,
    );
  }
  return { session: [...sessions][0] as string | undefined, request: rebuilt };
}

type SessionFinder = (body: unknown) => unknown[];

const ROUTES: Record<string, SessionFinder> = {
  '/v1/execute': (body) => [(body as { session?: unknown } | null)?.session],
  // MCP: the `execute` tool calls of a JSON-RPC message (or of a batch).
  '/mcp': (body) =>
    (Array.isArray(body) ? body : [body]).map((message) => {
      const { method, params } = (message ?? {}) as { method?: unknown; params?: any };
      return method === 'tools/call' && params?.name === 'execute' ? params?.arguments?.session : undefined;
    }),
};

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
