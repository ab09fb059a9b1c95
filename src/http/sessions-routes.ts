/** The sessions a tenant has (GET /v1/sessions), one session's summary with its plans, and rejecting a plan. */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { auditSummary } from '../audit/log.ts';
import { settleInterrupted } from '../audit/run-journal.ts';
import {
  listPlans,
  readPlan,
  readProgress,
  type StoredPlan,
  withOutcomes,
  writePlan,
} from '../execute/plan.ts';
import type { SessionRef, SessionStore, SessionTurn } from '../execute/state.ts';
import { jsonError } from './errors.ts';
import {
  ErrorBody,
  RejectionRequest,
  SESSION_PATTERN,
  SessionList,
  SessionListQuery,
  SessionSummary,
  StoredPlanBody,
} from './schemas.ts';

export interface SessionRoutesDeps {
  sessions?: SessionStore;
  tenantOf(c: Context): string;
}

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/sessions',
  tags: ['sessions'],
  summary: "The tenant's sessions, most recently active first",
  description:
    'Each with its number of runs, the time of its latest run and its pending approvals. `q` keeps the ' +
    'sessions whose id contains it (any case); `cursor` is the `next` of the previous page. Every listed ' +
    "session's summary is read to order them, so this suits hundreds to a few thousand sessions. A server " +
    'whose sessions cannot be enumerated (Cloudflare Durable Objects) answers 501.',
  request: { query: SessionListQuery },
  responses: {
    200: json(SessionList, 'A page of sessions'),
    400: json(ErrorBody, 'Bad query'),
    501: json(ErrorBody, 'This session store cannot list its sessions'),
  },
});

const summaryRoute = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/summary',
  tags: ['sessions'],
  summary: "A session's runs, latest activity and dry-run plans (newest first)",
  request: { params: z.object({ id: z.string().regex(SESSION_PATTERN) }) },
  responses: {
    200: json(SessionSummary, 'The summary'),
    400: json(ErrorBody, 'Bad session id'),
    404: json(ErrorBody, 'Unknown session'),
  },
});

const rejectionRoute = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/rejections',
  tags: ['sessions'],
  summary: "Reject a dry run's pending plan: it is never applied",
  description: 'An approval of a rejected plan answers a `policy` error (rule `approval`).',
  request: {
    params: z.object({ id: z.string().regex(SESSION_PATTERN) }),
    body: { content: { 'application/json': { schema: RejectionRequest } }, required: true },
  },
  responses: {
    200: json(z.object({ session: z.string(), plan: StoredPlanBody }), 'The rejected plan'),
    400: json(ErrorBody, 'Bad request'),
    404: json(ErrorBody, 'Unknown session or plan'),
    409: json(ErrorBody, 'The plan was applied (or is being applied) already'),
  },
});

/** How many sessions are summarised at once: each is a turn of its own actor. */
const CONCURRENCY = 8;
/** Plans a summary returns; older ones stay in the session. */
const MAX_PLANS = 50;

interface Row {
  session: string;
  runs: number;
  lastActivity?: string;
  pendingApprovals: number;
}

async function summarise(turn: SessionTurn): Promise<Omit<Row, 'session'> & { plans: StoredPlan[] }> {
  // A run cut off by a crash counts (and shows in the trail) before the session runs again.
  await settleInterrupted(turn);
  const { runs, last } = await auditSummary(turn.records);
  const plans = await listPlans(turn.records);
  return {
    runs,
    ...(last && { lastActivity: last.time }),
    pendingApprovals: plans.filter((plan) => plan.status === 'pending').length,
    plans,
  };
}

/** A plan as the API shows it: each planned call with its outcome once an approval ran. */
async function planBody(turn: SessionTurn, plan: StoredPlan) {
  const applied = plan.status === 'applied' || plan.status === 'applying';
  const calls = applied ? withOutcomes(plan.calls, await readProgress(turn.records, plan.id)) : plan.calls;
  const response = plan.response && {
    ok: plan.response.ok,
    ...(plan.response.error && { error: plan.response.error }),
    ...('result' in plan.response && { result: plan.response.result }),
  };
  return {
    id: plan.id,
    created: plan.created,
    status: plan.status,
    code: plan.code,
    calls,
    ...(plan.rejected && { rejected: plan.rejected }),
    ...(response && { response }),
  };
}

/** Newest first; sessions without runs last; then by id. */
function byActivity(a: Row, b: Row): number {
  const x = a.lastActivity ?? '';
  const y = b.lastActivity ?? '';
  if (x !== y) return x < y ? 1 : -1;
  return a.session < b.session ? -1 : a.session > b.session ? 1 : 0;
}

/** The cursor names the last row of a page by its place in the order, so new sessions never shift pages. */
function encodeCursor(row: Row): string {
  return btoa(JSON.stringify([row.lastActivity ?? '', row.session]))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function decodeCursor(cursor: string): Row | undefined {
  try {
    const [lastActivity, session] = JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/')));
    if (typeof lastActivity !== 'string' || typeof session !== 'string') return undefined;
    return { session, lastActivity: lastActivity || undefined, runs: 0, pendingApprovals: 0 };
  } catch {
    return undefined;
  }
}

async function mapPooled<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      out[at] = await fn(items[at]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export function registerSessionRoutes(app: OpenAPIHono, deps: SessionRoutesDeps): void {
  const { sessions } = deps;

  app.openapi(listRoute, async (c) => {
    const list = sessions?.list?.bind(sessions);
    if (!list || !sessions?.inspect) {
      return c.json(
        {
          ok: false as const,
          error: {
            kind: 'unsupported',
            message:
              "this server's session store cannot list its sessions (Durable Objects cannot be enumerated); open a session by its id",
          },
        },
        501,
      );
    }
    const { cursor, limit = 50, q } = c.req.valid('query');
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && !after)
      return jsonError(c, 400, 'bad_request', 'cursor: not a cursor of this route') as never;
    const tenant = deps.tenantOf(c);
    const needle = q?.toLowerCase();
    const refs = (await list({ tenant })).filter(
      (ref: SessionRef) => !needle || ref.session.toLowerCase().includes(needle),
    );
    const rows = await mapPooled(refs, CONCURRENCY, async ({ session }): Promise<Row> => {
      try {
        const summary = await sessions.inspect!(session, summarise, { tenant });
        return {
          session,
          runs: summary?.runs ?? 0,
          pendingApprovals: summary?.pendingApprovals ?? 0,
          ...(summary?.lastActivity && { lastActivity: summary.lastActivity }),
        };
      } catch {
        // Held by another node of a cluster, or unreadable now: listed without its numbers rather than not at all.
        return { session, runs: 0, pendingApprovals: 0 };
      }
    });
    rows.sort(byActivity);
    const start = after ? rows.findIndex((row) => byActivity(row, after) > 0) : 0;
    const page = start < 0 ? [] : rows.slice(start, start + limit);
    const more = start >= 0 && start + limit < rows.length;
    return c.json({ sessions: page, ...(more && { next: encodeCursor(page[page.length - 1]) }) }, 200);
  });

  app.openapi(summaryRoute, async (c) => {
    const { id } = c.req.valid('param');
    const summary = await sessions?.inspect?.(
      id,
      async (turn) => {
        const { plans, ...numbers } = await summarise(turn);
        return {
          ...numbers,
          plans: await Promise.all(plans.slice(0, MAX_PLANS).map((p) => planBody(turn, p))),
        };
      },
      { tenant: deps.tenantOf(c) },
    );
    if (!summary) return jsonError(c, 404, 'not_found', `no session '${id}'`) as never;
    return c.json({ session: id, ...summary }, 200);
  });

  app.openapi(rejectionRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { plan: planId } = c.req.valid('json');
    const outcome = await sessions?.inspect?.(
      id,
      async (turn) => {
        const plan = await readPlan(turn.records, planId);
        if (!plan) return undefined;
        if (plan.status === 'rejected') return { plan: await planBody(turn, plan) };
        if (plan.status !== 'pending') return { conflict: plan.status };
        const rejected: StoredPlan = { ...plan, status: 'rejected', rejected: new Date().toISOString() };
        await writePlan(turn.records, rejected);
        return { plan: await planBody(turn, rejected) };
      },
      { tenant: deps.tenantOf(c) },
    );
    if (!outcome) return jsonError(c, 404, 'not_found', `no plan '${planId}' in session '${id}'`) as never;
    if ('conflict' in outcome) {
      return c.json(
        {
          ok: false as const,
          error: {
            kind: 'conflict',
            message: `plan ${planId} is ${outcome.conflict} already: it cannot be rejected`,
          },
        },
        409,
      );
    }
    return c.json({ session: id, plan: outcome.plan }, 200);
  });
}
