/** duet: search + execute over real APIs, with a sandbox and durable sessions, on any runtime. */
export * from './actor/index.ts';
export {
  type AuditCall,
  type AuditEntry,
  type AuditPage,
  readAudit,
} from './audit/log.ts';
export { jsonLogger, type Logger, type LogRecord } from './audit/telemetry.ts';
export * from './catalog/index.ts';
export { buildUpstreams, loadApis, splitNamed, UsageError } from './config/options.ts';
export { createDuet, DEMO_API, type Duet, type DuetConfig } from './duet.ts';
export * from './execute/index.ts';
export { type AppOptions, createApp } from './http/app.ts';
export { DOCS_FILES, type DocsAssets, type DocsFile } from './http/docs.ts';
export { compilePolicy, type PolicyEngine, type Refusal } from './policy/engine.ts';
export {
  applyPolicyFlags,
  PolicyError,
  type PolicyFlags,
  parsePolicy,
  validatePolicy,
} from './policy/load.ts';
export {
  memoryRateLimiter,
  type RateDecision,
  type RateKind,
  type RateLimiter,
} from './policy/rate-limit.ts';
export { actorRateLimiter, RATE_LIMITS, RateLimitActor } from './policy/rate-limit-actor.ts';
export type { PolicyDocument, PolicyInput } from './policy/schema.ts';
export { createQuickJSSandbox } from './sandbox/index.ts';
export type * from './sandbox/types.ts';
export { defaultLimits } from './sandbox/types.ts';
export {
  createFusedSearch,
  createSearchIndex,
  type EmbeddingProvider,
  type EmbeddingsConfig,
  type FusedSearch,
  memoryVectorCache,
  openAiEmbeddings,
  type VectorCache,
} from './search/index.ts';
export type * from './search/types.ts';
export { type Authenticator, createAuthenticator, tokenDigest } from './tenant/auth.ts';
