/**
 * The policy document's types, written out rather than inferred from the zod schema: a published package
 * needs explicit public types (JSR refuses inferred "slow types"), and these read as documentation.
 */

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CALL'] as const;
export type PolicyMethod = (typeof METHODS)[number];

type OneOrMany<T> = T | T[];

/** JSON values (argument constraints compare against them). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What a rule matches; every field given must match (none given: every operation). */
export interface PolicyRule {
  /** Named in refusals instead of the rule's position, e.g. `no-deletes`. */
  id?: string;
  /** Operation names as the snippet calls them (`issuesCreate`); `*` is a wildcard. */
  operation?: OneOrMany<string>;
  method?: OneOrMany<PolicyMethod>;
  /** Path templates as in the spec (`/repos/{owner}/{repo}/hooks`); `*` one segment, `**` any number. */
  path?: OneOrMany<string>;
  /** Any of the operation's tags. */
  tag?: OneOrMany<string>;
}

/** A constraint on one argument; every field given must hold. */
export interface ArgConstraint {
  /** The argument must be present. */
  required?: boolean;
  equals?: JsonValue;
  enum?: JsonValue[];
  /** For strings: must match (JavaScript syntax, unicode mode). */
  pattern?: string;
  /** For numbers. */
  min?: number;
  max?: number;
  /** For strings and arrays. */
  maxLength?: number;
}

export interface ConstraintRule extends PolicyRule {
  /** Argument paths (`owner`, `body.title`) and what they must satisfy. */
  args: Record<string, ArgConstraint>;
}

export interface ApiPolicy {
  /** GET and HEAD only (the `--read-only API` flag). */
  readOnly?: boolean;
  /** When present, a call must match one of these. */
  allow?: PolicyRule[];
  /** A call matching any of these is refused. */
  deny?: PolicyRule[];
  /** Calls matching these run only through an approved dry-run plan. */
  requireApproval?: PolicyRule[];
  constraints?: ConstraintRule[];
  /**
   * The header approved writes carry their idempotency key in, for APIs whose spec does not declare one
   * (a declared `Idempotency-Key` header parameter is used without this).
   */
  idempotencyHeader?: string;
}

export interface RateLimitSettings {
  executionsPerMinute?: number;
  /** Upstream calls (API operations) per minute. */
  callsPerMinute?: number;
}

export interface TenantPolicy {
  /** Bearer tokens of this tenant (secrets: keep the file private, or use `tokenSha256`). */
  tokens?: string[];
  /** SHA-256 digests (hex) of tokens, so the file need not hold the secrets. */
  tokenSha256?: string[];
  /** The APIs this tenant may call (absent: all). */
  apis?: string[];
  /** APIs that are GET/HEAD only for this tenant. */
  readOnly?: string[];
  /** Overrides the file's `rateLimit` for this tenant. */
  rateLimit?: RateLimitSettings;
}

/** A validated policy: tenants, per-API rules, rate limits, sandbox limits and egress in one document. */
export interface PolicyDocument {
  version?: 1;
  tenants?: Record<string, TenantPolicy>;
  /** Rules per API, keyed by catalog name. */
  apis?: Record<string, ApiPolicy>;
  /** Per tenant (each tenant its own buckets). */
  rateLimit?: RateLimitSettings;
  /** Sandbox limits and pool, as `--sandbox-limit` takes them (`timeoutMs`, `maxCalls`, `workers`, ...). */
  limits?: Record<string, number>;
  /** Hosts the snippet's `fetch` may reach (as `--allow-fetch`). */
  egress?: { allowFetch?: string[] };
}

/** A policy as written: the same document, with methods in any letter case. */
export type PolicyInput = Omit<PolicyDocument, 'apis' | 'tenants'> & {
  tenants?: Record<string, TenantPolicy>;
  apis?: Record<string, ApiPolicyInput>;
};

type RuleInput<R extends PolicyRule> = Omit<R, 'method'> & { method?: OneOrMany<string> };

export interface ApiPolicyInput
  extends Omit<ApiPolicy, 'allow' | 'deny' | 'requireApproval' | 'constraints'> {
  allow?: RuleInput<PolicyRule>[];
  deny?: RuleInput<PolicyRule>[];
  requireApproval?: RuleInput<PolicyRule>[];
  constraints?: RuleInput<ConstraintRule>[];
}
