/** The serve configuration every runtime's entry receives, and how it becomes a running duet. */

import { jsonLogger } from '../audit/telemetry.ts';
import { createDuet, type Duet, type DuetConfig } from '../duet.ts';
import type { SessionStore } from '../execute/state.ts';
import type { RateLimiter } from '../policy/rate-limit.ts';
import type { PolicyInput } from '../policy/schema.ts';
import { parseLimitFlags } from '../sandbox/limit-flags.ts';
import type { Sandbox } from '../sandbox/types.ts';
import { buildUpstreams, loadApis, loadMcpApis } from './options.ts';

/** What `duet serve` resolved from its flags; passed as JSON to the entry of `--runtime bun|deno|workerd`. */
export interface ServeConfig {
  port: number;
  host: string;
  /** Where durable state lives. */
  data: string;
  specs: string[];
  /** `NAME=URL` of MCP servers whose tools join the catalog. */
  mcp: string[];
  baseUrls: string[];
  headers: string[];
  allowFetch: string[];
  /** `--sandbox-limit NAME=VALUE` flags (see `parseLimitFlags`). */
  sandboxLimits?: string[];
  /** The policy file with the `--token`, `--read-only` and `--rate-limit` flags applied. */
  policy?: PolicyInput;
  version: string;
  /** `--store postgres://...`: sessions and rate limits in PostgreSQL, shared by several nodes. */
  store?: string;
  /** With `store`: how other nodes reach this one (default: the listening URL). */
  advertise?: string;
  /** With `store`: lease period in ms (`DUET_LEASE_MS`). */
  leaseMs?: number;
}

export interface RuntimePieces {
  readSource: (source: string) => Promise<string>;
  sandbox: Sandbox;
  sessions?: SessionStore;
  /** Where rate-limit buckets live (the runtime's durable actors); default: memory. */
  rateLimiter?: RateLimiter;
  typeChecker?: DuetConfig['typeChecker'];
  /** The swagger-ui-dist files for /docs, read the runtime's way. */
  docsAssets?: DuetConfig['docsAssets'];
}

export async function duetFromConfig(config: ServeConfig, pieces: RuntimePieces): Promise<Duet> {
  const upstreams = buildUpstreams(config.baseUrls, config.headers);
  const apis = [
    ...(await loadApis(config.specs, pieces.readSource)),
    ...(await loadMcpApis(config.mcp, upstreams)),
  ];
  return createDuet({
    apis,
    sandbox: pieces.sandbox,
    sessions: pieces.sessions,
    typeChecker: pieces.typeChecker,
    upstreams,
    allowFetch: config.allowFetch,
    limits: parseLimitFlags(config.sandboxLimits).limits,
    version: config.version,
    policy: config.policy,
    rateLimiter: pieces.rateLimiter,
    log: jsonLogger(),
    docsAssets: pieces.docsAssets,
  });
}

/** The one log line a server prints once it listens; tools (and tests) read the URL from it. */
export function listeningLine(url: string, duet: Duet, runtime: string): string {
  const apis = duet.catalog.apis.map((api) => `${api.name} (${api.operations.length} operations)`).join(', ');
  return JSON.stringify({ level: 'info', msg: `duet listening on ${url}`, url, runtime, apis });
}
