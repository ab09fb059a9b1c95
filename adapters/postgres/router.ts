/**
 * Routing between nodes: a request for a session another live node owns is forwarded to that node (one
 * hop, marked by a header); a session nobody holds, or whose owner's lease ran out, is taken over here.
 */
import type { MiddlewareHandler } from 'hono';
import { actorKey } from '../../src/actor/keyspace.ts';
import { type ActorLease, isOwnershipError, type LeaseHolder } from '../../src/actor/ownership.ts';
import type { LeaseManager } from './leases.ts';

/** Marks a request one node sent to another; such a request is never forwarded again. */
export const FORWARDED_HEADER = 'x-duet-forwarded-by';
/** On every routed response: the node that ran it. */
export const NODE_HEADER = 'x-duet-node';

export interface RouterOptions {
  leases: LeaseManager;
  /** This node's id. */
  node: string;
  leaseMs: number;
  /** The tenant of a request, as the app authenticates it (undefined: the app answers 401). */
  authenticate(authorization: string | null | undefined): Promise<string | undefined>;
  /** Largest body read to find a session (default 1 MiB; larger ones are left to the app's 413). */
  maxBodyBytes?: number;
  /** The namespace of session actors (default `sessions`). */
  namespace?: string;
  fetch?: typeof fetch;
}

const SESSION_PATH = /^\/v1\/sessions\/([^/]+)\/.+$/;
// Hop-by-hop headers, and those the forwarding fetch sets itself.
const DROP = [
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'te',
  'trailer',
];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The session a request is about, if it is one the owner must serve. */
export function sessionOf(path: string, method: string, body: unknown): string | undefined {
  const match = SESSION_PATH.exec(path);
  if (match) return decodeURIComponent(match[1]);
  if (method !== 'POST' || typeof body !== 'object' || body === null) return undefined;
  const value = body as Record<string, any>;
  if (path === '/v1/execute') return typeof value.session === 'string' ? value.session : undefined;
  if (path === '/mcp' && value.method === 'tools/call' && value.params?.name === 'execute') {
    const session = value.params?.arguments?.session;
    return typeof session === 'string' ? session : undefined;
  }
  return undefined;
}

async function readBounded(request: Request, max: number): Promise<Uint8Array | undefined> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > max || !request.body) return undefined;
  const reader = request.clone().body!.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function parseJson(bytes: Uint8Array | undefined): unknown {
  if (!bytes || bytes.length === 0) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

export function clusterRouter(options: RouterOptions): MiddlewareHandler {
  const { leases, node, leaseMs } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const namespace = options.namespace ?? 'sessions';
  const send = options.fetch ?? fetch;

  function unavailable(path: string, message: string): Response {
    const body =
      path === '/v1/execute'
        ? {
            ok: false,
            error: { kind: 'overloaded', message, retryAfterSeconds: 1 },
            logs: [],
            calls: [],
            durationMs: 0,
          }
        : { ok: false, error: { kind: 'overloaded', message } };
    return new Response(JSON.stringify(body), {
      status: 503,
      headers: { 'content-type': 'application/json', 'retry-after': '1', [NODE_HEADER]: node },
    });
  }

  /**
   * Sends the request to the holder and waits for its answer for as long as the holder keeps its lease.
   * Undefined: the holder stopped renewing (dead, paused, partitioned) and its lease ran out, or another
   * node took over: the caller tries to acquire again.
   */
  async function forward(
    request: Request,
    body: Uint8Array | undefined,
    actor: string,
    holder: LeaseHolder,
  ): Promise<Response | undefined> {
    const controller = new AbortController();
    let answer: Promise<{ response?: Response; error?: unknown }> = new Promise(() => undefined);
    if (holder.url) {
      const url = new URL(request.url);
      const headers = new Headers(request.headers);
      for (const name of DROP) headers.delete(name);
      headers.set(FORWARDED_HEADER, node);
      answer = send(new URL(url.pathname + url.search, holder.url), {
        method: request.method,
        headers,
        body: body && request.method !== 'GET' && request.method !== 'HEAD' ? body : undefined,
        redirect: 'manual',
        signal: controller.signal,
      }).then(
        (response) => ({ response }),
        (error) => ({ error }),
      );
    }
    let current = holder;
    let unreachable: unknown;
    const started = performance.now();
    for (;;) {
      const outcome = await Promise.race([
        answer,
        sleep(Math.max(0, current.expiresInMs) + 50).then(() => undefined),
      ]);
      if (outcome?.response) return relay(outcome.response);
      if (outcome?.error) {
        // Refused or reset: the holder is likely gone; its lease runs out soon. Keep waiting for that only.
        unreachable = outcome.error;
        answer = new Promise(() => undefined);
        continue;
      }
      const now = await leases.holder(actor);
      if (!now || now.node !== holder.node || now.epoch !== holder.epoch) {
        controller.abort();
        return undefined;
      }
      current = now;
      // The holder renews its lease but does not answer its URL: misconfigured --advertise, or a firewall.
      if (unreachable !== undefined && performance.now() - started > 3 * leaseMs) {
        const reason = (unreachable as Error)?.message ?? String(unreachable);
        return unavailable(
          new URL(request.url).pathname,
          `duet cluster: the session is owned by node ${holder.node} at ${holder.url}, which holds its lease but does not answer (${reason}); check that node's --advertise URL is reachable from node ${node}`,
        );
      }
    }
  }

  function relay(response: Response): Response {
    const headers = new Headers(response.headers);
    // fetch decoded the body already; a length or encoding header would no longer match it.
    headers.delete('content-encoding');
    headers.delete('content-length');
    for (const name of DROP) headers.delete(name);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }

  return async (c, next) => {
    const request = c.req.raw;
    const path = c.req.path;
    const routed = SESSION_PATH.test(path) || path === '/v1/execute' || path === '/mcp';
    if (!routed) return next();
    const body = request.method === 'POST' ? await readBounded(request, maxBodyBytes) : undefined;
    const session = sessionOf(path, request.method, parseJson(body));
    if (session === undefined) return next();
    const tenant = await options.authenticate(c.req.header('authorization'));
    if (tenant === undefined) return next();
    const actor = actorKey({ tenant, namespace, name: session });
    const forwarded = c.req.header(FORWARDED_HEADER) !== undefined;
    let lease: ActorLease | undefined;
    for (let attempt = 0; !lease; attempt++) {
      try {
        lease = await leases.acquire(actor);
      } catch (error) {
        if (!isOwnershipError(error) || !error.holder) throw error;
        // One hop only: a forwarded request is served here or refused, never sent on.
        if (forwarded || attempt >= 3) {
          return unavailable(
            path,
            `duet cluster: session '${session}' is owned by node ${error.holder.node}${forwarded ? `, not this node (${node}), which ${c.req.header(FORWARDED_HEADER)} forwarded it to` : ''}; retry`,
          );
        }
        const response = await forward(request, body, actor, error.holder);
        if (response) return response;
      }
    }
    try {
      await next();
      // The lease lapsed while the request ran (this node paused or cut off): its last write was refused.
      if (c.res.status === 500 && !lease.held) {
        c.res = unavailable(
          path,
          `duet cluster: node ${node} lost session '${session}' to another node while running this request (its lease lapsed) and the session refused its write; retry (the retry goes to the new owner; what the request did before the refused write, such as upstream calls, is not undone)`,
        );
      }
      c.header(NODE_HEADER, node);
    } finally {
      await lease.release();
    }
  };
}
