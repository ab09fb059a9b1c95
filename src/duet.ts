/** Composition root: catalog + search + executor + HTTP app from one config, on any runtime. */

import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { type Agent, createAgent } from './agent/agent.ts';
import { createModel } from './agent/model/index.ts';
import type { ModelClient, ModelConfig } from './agent/model/types.ts';
import { secretsOf } from './audit/log.ts';
import { inSpanSync, type Logger } from './audit/telemetry.ts';
import { buildApi, Catalog } from './catalog/index.ts';
import type { Api } from './catalog/types.ts';
import { createDemoApi, demoDocument } from './demo/tasks-api.ts';
import { createExecutor, type Executor, type UpstreamConfig } from './execute/executor.ts';
import { memorySessions, type SessionStore } from './execute/state.ts';
import type { ExecuteContext, ExecuteRequest, ExecuteResponse, TypeChecker } from './execute/types.ts';
import { createApp } from './http/app.ts';
import type { DocsAssets } from './http/docs.ts';
import { runSearch, type SearchArgs, type SearchOutcome } from './http/tools.ts';
import { parseEgressRule } from './policy/egress.ts';
import { compilePolicy, type PolicyEngine } from './policy/engine.ts';
import { policyLimits } from './policy/limits.ts';
import { PolicyError, validatePolicy } from './policy/load.ts';
import { memoryRateLimiter, type RateLimiter } from './policy/rate-limit.ts';
import type { PolicyInput } from './policy/schema.ts';
import type { Sandbox, SandboxLimits } from './sandbox/types.ts';
import {
  type EmbeddingProvider,
  type EmbeddingsConfig,
  openAiEmbeddings,
  type VectorCache,
} from './search/embeddings.ts';
import { createSearchIndex } from './search/index.ts';
import { createFusedSearch } from './search/semantic.ts';
import type { SearchIndex } from './search/types.ts';
import { type Authenticator, createAuthenticator } from './tenant/auth.ts';

export const DEMO_API = 'demo';

export interface DuetConfig {
  /** APIs already built from their specs (see `loadSpec`); none means the bundled demo API. */
  apis?: Api[];
  /** Serve the bundled demo API under /demo and put it in the catalog (default: when `apis` is empty). */
  demo?: boolean;
  sandbox: Sandbox;
  /** Per-API base URL overrides and host-side headers (credentials), keyed by catalog name. */
  upstreams?: Record<string, UpstreamConfig>;
  /** Hosts guest `fetch` may reach, `HOST` or `HOST:PORT`. */
  allowFetch?: string[];
  limits?: Partial<SandboxLimits>;
  sessions?: SessionStore;
  /**
   * Type-checks snippets before they run, e.g. `createNodeTypeChecker` from the Node adapter (a factory
   * gets the catalog with the demo API in it). Without one only syntax is checked: the TypeScript compiler
   * is too large for some runtimes' bundles.
   */
  typeChecker?: TypeChecker | ((catalog: Catalog) => TypeChecker);
  maxBodyBytes?: number;
  version?: string;
  /**
   * Tenants and their tokens, per-API rules, rate limits, sandbox limits and egress (see `parsePolicy`
   * for the file form). Any token configured: every request needs `Authorization: Bearer TOKEN`.
   */
  policy?: PolicyInput;
  /** Where rate-limit buckets live (default: in memory); the actor layer provides a durable one. */
  rateLimiter?: RateLimiter;
  /** Structured log records (one per execution), e.g. `jsonLogger()`; default: none. */
  log?: Logger;
  /**
   * Reads the swagger-ui-dist files of the /docs explorer (each runtime's entry passes its own, e.g.
   * `nodeDocsAssets` from `duet/node`); without it /docs is a page linking /openapi.json.
   */
  docsAssets?: DocsAssets;
  /**
   * Ranks by meaning too: an OpenAI-compatible embeddings endpoint (`{ url, model, key? }`, e.g. Ollama or
   * llama.cpp) or any `EmbeddingProvider`, fused with the lexical ranking. Without it search is lexical.
   */
  embeddings?: EmbeddingsConfig | EmbeddingProvider;
  /** Where operation vectors are kept (default: in memory); the Node adapter keeps them under --data. */
  embeddingCache?: VectorCache;
  /**
   * The agent's model: an OpenAI-compatible or Anthropic endpoint (`{ url, model, provider?, key? }`) or any
   * `ModelClient` (e.g. Workers AI). With one, `duet.agent` runs search + execute turns per session and the
   * HTTP app serves /v1/sessions/{id}/messages, /stream and /stop.
   */
  model?: ModelConfig | ModelClient;
  /** Model round trips per agent turn (default 20). */
  maxSteps?: number;
  /** How long a running turn may go unseen before its session's wake picks it up (default 30 s). */
  agentWatchdogMs?: number;
}

export interface Duet {
  catalog: Catalog;
  /**
   * Searches by words (`duet.search('create an issue')`) or by code (`{ code }`): ranked operations with
   * their TypeScript declarations, and the declarations of the named types they use.
   */
  search(query: string | SearchArgs, options?: { limit?: number; tenant?: string }): Promise<SearchOutcome>;
  /** Runs a snippet (or `{ code, session, ... }`): type-check, policy, sandbox, audit. */
  execute(request: string | ExecuteRequest, context?: ExecuteContext): Promise<ExecuteResponse>;
  /**
   * Builds what the first search and execute would otherwise wait for (the search ranking, and the
   * type-checker unless `typeChecker: false`); servers call it once started. A search also warms the
   * type-checker: snippets follow searches, and a checker that ended when idle starts again then.
   */
  warm(options?: { typeChecker?: boolean }): Promise<void>;
  /** The ranking itself, synchronous (what `search` uses for words). */
  index: SearchIndex;
  executor: Executor;
  sessions: SessionStore;
  app: OpenAPIHono;
  /** The policy as validated and compiled against the catalog. */
  policy: PolicyEngine;
  auth: Authenticator;
  /** The search + execute agent, when a model is configured. */
  agent?: Agent;
}

/** A policy's `limits` split like `--sandbox-limit` flags into run limits and pool settings. */
export { policyLimits };

export function createDuet(config: DuetConfig): Duet {
  const catalog = new Catalog();
  for (const api of config.apis ?? []) catalog.add(api);
  const upstreams: Record<string, UpstreamConfig> = { ...config.upstreams };
  const mounts: Record<string, Hono<any, any, any>> = {};
  if (config.demo ?? catalog.apis.length === 0) {
    const demo = createDemoApi();
    catalog.add(buildApi(demoDocument(demo), { source: 'duet demo API', name: DEMO_API }));
    mounts[`/${DEMO_API}`] = demo;
    // The demo answers in-process: no socket, and it works the same on every runtime.
    upstreams[DEMO_API] = {
      baseUrl: 'http://demo.duet.internal',
      fetch: async (request) => demo.fetch(request),
      ...upstreams[DEMO_API],
    };
  }
  for (const name of Object.keys(upstreams)) {
    if (!catalog.get(name)) {
      const known = catalog.apis.map((api) => api.name).join(', ');
      throw new Error(
        `duet: upstream settings for '${name}', but the catalog has no API of that name (it has: ${known})`,
      );
    }
  }
  const sessions = config.sessions ?? memorySessions();
  // Built by warm() or by the first search, whichever comes first, not before the server can listen:
  // ranking GitHub's 1,200 operations takes longer than the rest of createDuet together (profiled).
  let built: SearchIndex | undefined;
  const lexical = (): SearchIndex => (built ??= createSearchIndex(catalog.operations));
  const ranking: SearchIndex = {
    get size() {
      return lexical().size;
    },
    search: (query, options) => lexical().search(query, options),
  };
  const fused = config.embeddings
    ? createFusedSearch(catalog.operations, ranking, {
        provider: 'embed' in config.embeddings ? config.embeddings : openAiEmbeddings(config.embeddings),
        cache: config.embeddingCache,
        onError: (error) => config.log?.({ level: 'warn', msg: 'embeddings', error: error.message }),
      })
    : undefined;
  const document = validatePolicy(config.policy ?? {});
  const policy = compilePolicy(document, catalog);
  const auth = createAuthenticator(document);
  const allowFetch = [
    ...(config.allowFetch ?? []).map(parseEgressRule),
    ...(document.egress?.allowFetch ?? []).map((rule) => {
      try {
        return parseEgressRule(rule);
      } catch (error) {
        throw new PolicyError(`policy: egress.allowFetch: ${(error as Error).message}`);
      }
    }),
  ];
  const secrets = secretsOf([
    ...Object.values(upstreams).flatMap((upstream) => Object.values(upstream.headers ?? {})),
    ...Object.values(document.tenants ?? {}).flatMap((tenant) => tenant.tokens ?? []),
  ]);
  const typeChecker =
    typeof config.typeChecker === 'function' ? config.typeChecker(catalog) : config.typeChecker;
  const executor = createExecutor({
    catalog,
    sandbox: config.sandbox,
    upstreams,
    sessions,
    limits: { ...policyLimits(document).limits, ...config.limits },
    allowFetch,
    typeChecker,
    policy,
    rateLimiter: config.rateLimiter ?? memoryRateLimiter(),
    secrets,
    log: config.log,
  });
  /**
   * Snippets follow searches: the checker loads (or starts again after idling) while the agent writes
   * one. After this turn, so starting it does not delay the search's own answer.
   */
  const warmCheckerSoon = () => {
    if (typeChecker?.warm) setTimeout(() => typeChecker.warm?.().catch(() => {}), 0);
  };
  const index: SearchIndex = {
    get size() {
      return ranking.size;
    },
    search: (query, options) =>
      inSpanSync('duet.search', { 'duet.query.length': query.length, 'duet.api': options?.api }, (span) => {
        const hits = ranking.search(query, options);
        span.setAttribute('duet.results', hits.length);
        warmCheckerSoon();
        return hits;
      }),
    ...(fused && { searchAsync: fused.search }),
  };
  const model = config.model && ('stream' in config.model ? config.model : createModel(config.model));
  const agent =
    model &&
    createAgent({
      catalog,
      search: index,
      sandbox: config.sandbox,
      executor,
      sessions,
      policy,
      model,
      maxSteps: config.maxSteps,
      watchdogMs: config.agentWatchdogMs,
      log: config.log,
    });
  const app = createApp({
    catalog,
    search: index,
    executor,
    log: config.log,
    sandbox: config.sandbox,
    sessions,
    mounts,
    maxBodyBytes: config.maxBodyBytes,
    version: config.version,
    auth,
    docsAssets: config.docsAssets,
    agent,
  });
  return {
    catalog,
    search: (query, options = {}) =>
      runSearch(
        { catalog, search: index, sandbox: config.sandbox, log: config.log, tenant: options.tenant },
        typeof query === 'string' ? { query, limit: options.limit } : { limit: options.limit, ...query },
      ),
    execute: (request, context) =>
      executor.execute(typeof request === 'string' ? { code: request } : request, context),
    warm: async (options = {}) => {
      lexical();
      // Operation vectors load (or are computed) in the background; a failure is logged, search stays lexical.
      void fused?.warm().catch(() => {});
      if (options.typeChecker !== false) await typeChecker?.warm?.();
    },
    index,
    executor,
    sessions,
    app,
    policy,
    auth,
    ...(agent && { agent }),
  };
}
