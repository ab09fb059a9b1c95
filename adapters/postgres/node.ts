/** A duet node on PostgreSQL: durable sessions and rate limits shared by every node, routing, registration. */
import { Hono } from 'hono';
import { type ActorSystem, createActorSystem } from '../../src/actor/actor-system.ts';
import type { SessionStore } from '../../src/execute/state.ts';
import type { RateLimiter } from '../../src/policy/rate-limit.ts';
import { actorRateLimiter, RATE_LIMITS } from '../../src/policy/rate-limit-actor.ts';
import { actorSessions, DUET_ACTORS, SESSIONS } from '../../src/session/index.ts';
import { type PostgresDriver, type PostgresDriverOptions, postgresDriver } from './driver.ts';
import { type NodeRegistry, nodeRegistry } from './nodes.ts';
import { clusterRateLimiter, rateLimitEndpoint } from './rate-limit.ts';
import { clusterRouter } from './router.ts';

export interface PostgresNodeOptions extends PostgresDriverOptions {
  url: string;
}

export interface PostgresNode {
  sessions: SessionStore;
  /** Per-tenant buckets, each owned by one node; other nodes ask it. */
  rateLimiter: RateLimiter;
  system: ActorSystem<typeof DUET_ACTORS>;
  driver: PostgresDriver;
  nodes: NodeRegistry;
  /**
   * The app behind this node's router: session requests go to the node that owns the session, and
   * other nodes' rate-limit calls are answered. `authenticate` is the app's (`duet.auth.authenticate`).
   */
  route(
    app: { fetch(request: Request, env?: unknown): Response | Promise<Response> },
    authenticate: (authorization: string | null | undefined) => Promise<string | undefined>,
  ): Hono;
  /** Tells the other nodes where this one serves (call once it listens). */
  register(url: string): Promise<void>;
  /** Waits for running turns, gives every lease back, leaves the registry, closes the connection pool. */
  close(): Promise<void>;
}

export async function openPostgresNode(options: PostgresNodeOptions): Promise<PostgresNode> {
  const driver = await postgresDriver(options);
  const leases = driver.leases;
  if (!leases) {
    await driver.close();
    throw new Error('duet postgres node: leases are required for several nodes; do not pass leases: false');
  }
  const system = createActorSystem({ driver, actors: DUET_ACTORS });
  const local = actorRateLimiter((tenant) => system.namespace(RATE_LIMITS, { tenant }));
  const nodes = nodeRegistry(driver);
  return {
    sessions: actorSessions((tenant) => system.namespace(SESSIONS, { tenant })),
    rateLimiter: clusterRateLimiter({ local, leases, leaseMs: driver.leaseMs, secret: driver.secret }),
    system,
    driver,
    nodes,
    route(app, authenticate) {
      const outer = new Hono();
      outer.use(rateLimitEndpoint(local, driver.secret));
      outer.use(clusterRouter({ leases, node: driver.node, leaseMs: driver.leaseMs, authenticate }));
      outer.all('*', (c) => app.fetch(c.req.raw, c.env));
      return outer;
    },
    register: (url) => nodes.register(url),
    async close() {
      await system.close();
      await nodes.unregister().catch(() => undefined);
      await driver.close();
    },
  };
}
