/** The duet Worker: the HTTP app in the Worker; each session's runs in that session's Durable Object. */
import { createDuet, type Duet } from '../../src/duet.ts';
import type { SessionStore } from '../../src/execute/state.ts';
import type { DuetEnv } from './env.ts';
import { objectRateLimiter } from './rate-limit.ts';
import { MixedSessionsError, type Routed, routeRequest, sessionObjectName } from './route-session.ts';
import { setupFailure } from './setup-failure.ts';
import { type WorkerSetup, workerSetup } from './worker-setup.ts';

export { DuetSession } from './session-object.ts';

const duets = new WeakMap<WorkerSetup, Duet>();

/**
 * Runs naming a session are routed to its object before they reach the Worker's app; one that got
 * here anyway fails loudly rather than run on state that would vanish.
 */
const noSessions: SessionStore = {
  withSession: (session) =>
    Promise.reject(new Error(`duet worker: session '${session}' reached the Worker instead of its object`)),
  snapshot: async () => undefined,
  inspect: async () => undefined,
};

/** Runs without a session get a fresh in-memory state from the Worker's own app. */
function workerDuet(setup: WorkerSetup, env: DuetEnv): Duet {
  let duet = duets.get(setup);
  if (!duet) {
    duet = createDuet({
      ...setup.duet,
      sessions: noSessions,
      rateLimiter: objectRateLimiter(env.DUET_SESSIONS),
    });
    duets.set(setup, duet);
  }
  return duet;
}

export default {
  async fetch(request: Request, env: DuetEnv): Promise<Response> {
    let setup: WorkerSetup;
    try {
      setup = await workerSetup(env.DUET_CONFIG, env.LOADER, env.TYPECHECK);
    } catch (error) {
      return setupFailure(error);
    }
    let routed: Routed;
    try {
      routed = await routeRequest(request, setup.maxBodyBytes);
    } catch (error) {
      if (!(error instanceof MixedSessionsError)) throw error;
      return Response.json(
        { ok: false, error: { kind: 'bad_request', message: error.message } },
        { status: 400 },
      );
    }
    const duet = workerDuet(setup, env);
    if (routed.session === undefined) return duet.app.fetch(routed.request);
    // The tenant picks the object; without a valid token the Worker's own app answers 401.
    const tenant = await duet.auth.authenticate(request.headers.get('authorization'));
    if (tenant === undefined) return duet.app.fetch(routed.request);
    const sessions = env.DUET_SESSIONS;
    const stub = sessions.get(sessions.idFromName(sessionObjectName(tenant, routed.session)));
    try {
      return await stub.fetch(routed.request);
    } catch (error) {
      console.error(JSON.stringify({ level: 'error', msg: 'session object failed', error: String(error) }));
      return Response.json(
        {
          ok: false,
          error: { kind: 'internal', message: `session '${routed.session}' is unavailable; retry` },
        },
        { status: 503, headers: { 'retry-after': '1' } },
      );
    }
  },
};
