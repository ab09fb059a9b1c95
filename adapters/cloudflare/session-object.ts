/** A session's Durable Object: runs that session's executes one turn at a time, `state` in its SQLite storage. */
import {
  type ActorSystem,
  actorSessions,
  createActorSystem,
  DUET_ACTORS,
  SESSIONS,
} from '../../src/actor/index.ts';
import { createDuet, type Duet } from '../../src/duet.ts';
import { actorRateLimiter, RATE_LIMITS } from '../../src/policy/rate-limit-actor.ts';
import { durableObjectDriver } from './do-driver.ts';
import type { DuetEnv } from './env.ts';
import { objectRateLimiter, RATE_LIMIT_PATH, type RateLimitRequest } from './rate-limit.ts';
import { setupFailure } from './setup-failure.ts';
import { workerSetup } from './worker-setup.ts';
import { agentConfig } from './workers-ai-model.ts';
import type { DurableObjectState } from './workers-types.ts';

type Sessions = typeof DUET_ACTORS;

/**
 * The Worker sends it the `POST /v1/execute` requests naming its session and the reads of that
 * session's state; it answers them with the same duet app as the Worker, whose session store is
 * this object's actor system.
 */
export class DuetSession {
  readonly #env: DuetEnv;
  readonly #system: ActorSystem<Sessions>;
  #duet: Promise<Duet> | undefined;

  constructor(ctx: DurableObjectState, env: DuetEnv) {
    this.#env = env;
    // The object is the unit of eviction, so its one actor stays in memory as long as the object does.
    this.#system = createActorSystem({
      driver: durableObjectDriver(ctx.storage),
      actors: DUET_ACTORS,
      idleMs: Number.POSITIVE_INFINITY,
    });
  }

  async fetch(request: Request): Promise<Response> {
    // An object named for a tenant alone holds that tenant's rate-limit buckets (see rate-limit.ts).
    if (new URL(request.url).pathname === RATE_LIMIT_PATH) {
      const { tenant, kind, perMinute } = (await request.json()) as RateLimitRequest;
      const limiter = actorRateLimiter((t) => this.#system.namespace(RATE_LIMITS, { tenant: t }));
      return Response.json(await limiter.take(tenant, kind, perMinute));
    }
    let duet: Duet;
    try {
      duet = await this.#app();
    } catch (error) {
      return setupFailure(error);
    }
    return duet.app.fetch(request);
  }

  /** The DO alarm carries every schedule of this object's actors; the actor system finds the due ones. */
  async alarm(): Promise<void> {
    // The app first: its agent handles the session's wake (a turn cut off by an eviction is picked up).
    const duet = await this.#app().catch(() => undefined);
    await this.#system.ready;
    await this.#system.runDueAlarms();
    // A turn picked up by the wake runs in this object: the alarm keeps it awake until the turn settles.
    await duet?.agent?.idle();
  }

  #app(): Promise<Duet> {
    if (!this.#duet) {
      const duet = workerSetup(this.#env.DUET_CONFIG, this.#env.LOADER, this.#env.TYPECHECK).then((setup) =>
        createDuet({
          ...setup.duet,
          ...agentConfig(setup.model, this.#env.AI),
          sessions: actorSessions((tenant) => this.#system.namespace(SESSIONS, { tenant })),
          rateLimiter: objectRateLimiter(this.#env.DUET_SESSIONS),
        }),
      );
      // A failed setup is not kept: the next request tries again (a spec URL may be back).
      duet.catch(() => {
        if (this.#duet === duet) this.#duet = undefined;
      });
      this.#duet = duet;
    }
    return this.#duet;
  }
}
