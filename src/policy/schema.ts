/** The policy file's schema (zod): tenants, per-API rules, rate limits, sandbox limits and egress in one document. */
import { z } from 'zod';
import { METHODS, type PolicyDocument, type PolicyInput } from './types.ts';

export type {
  ApiPolicy,
  ArgConstraint,
  ConstraintRule,
  PolicyDocument,
  PolicyInput,
  PolicyMethod,
  PolicyRule,
  RateLimitSettings,
  TenantPolicy,
} from './types.ts';
export { METHODS } from './types.ts';

const oneOrMany = <T extends z.ZodType>(schema: T) => z.union([schema, z.array(schema).min(1)]);

const Method = z
  .string()
  .transform((text) => text.toUpperCase())
  .pipe(
    z.enum(METHODS, { error: `expected one of ${METHODS.join(', ')} (CALL: typed functions, MCP tools)` }),
  );

const Regex = z.string().refine(
  (text) => {
    try {
      new RegExp(text, 'u');
      return true;
    } catch {
      return false;
    }
  },
  { error: 'not a valid regular expression' },
);

/** What a rule matches; every field given must match (none given: every operation). */
const matchFields = {
  /** Named in refusals instead of the rule's position, e.g. `no-deletes`. */
  id: z.string().min(1).max(100).optional(),
  /** Operation names as the snippet calls them (`issuesCreate`); `*` is a wildcard. */
  operation: oneOrMany(z.string().min(1)).optional(),
  method: oneOrMany(Method).optional(),
  /** Path templates as in the spec (`/repos/{owner}/{repo}/hooks`); `*` one segment, `**` any number. */
  path: oneOrMany(z.string().startsWith('/', { error: "a path pattern starts with '/'" })).optional(),
  /** Any of the operation's tags. */
  tag: oneOrMany(z.string().min(1)).optional(),
};

const PolicyRule = z.strictObject(matchFields);

/** A constraint on one argument; every field given must hold. */
const ArgConstraint = z.strictObject({
  /** The argument must be present. */
  required: z.boolean().optional(),
  equals: z.json().optional(),
  enum: z.array(z.json()).min(1).optional(),
  /** For strings: must match (JavaScript syntax, unicode mode). */
  pattern: Regex.optional(),
  /** For numbers. */
  min: z.number().optional(),
  max: z.number().optional(),
  /** For strings and arrays. */
  maxLength: z.number().int().nonnegative().optional(),
});

const ConstraintRule = z.strictObject({
  ...matchFields,
  /** Argument paths (`owner`, `body.title`) and what they must satisfy. */
  args: z.record(z.string().min(1), ArgConstraint),
});

const ApiPolicy = z.strictObject({
  /** GET and HEAD only (the `--read-only API` flag). */
  readOnly: z.boolean().optional(),
  /** When present, a call must match one of these. */
  allow: z.array(PolicyRule).optional(),
  /** A call matching any of these is refused. */
  deny: z.array(PolicyRule).optional(),
  /** Calls matching these run only through an approved dry-run plan. */
  requireApproval: z.array(PolicyRule).optional(),
  constraints: z.array(ConstraintRule).optional(),
  /**
   * The header approved writes carry their idempotency key in, for APIs whose spec does not declare one
   * (a declared `Idempotency-Key` header parameter is used without this).
   */
  idempotencyHeader: z
    .string()
    .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/)
    .optional(),
});

const RateLimitSettings = z.strictObject({
  executionsPerMinute: z.number().int().positive().optional(),
  /** Upstream calls (API operations) per minute. */
  callsPerMinute: z.number().int().positive().optional(),
});

export const TENANT_NAME: RegExp = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

const TenantPolicy = z.strictObject({
  /** Bearer tokens of this tenant (secrets: keep the file private, or use `tokenSha256`). */
  tokens: z.array(z.string().min(1)).optional(),
  /** SHA-256 digests (hex) of tokens, so the file need not hold the secrets. */
  tokenSha256: z.array(z.string().regex(/^[0-9a-fA-F]{64}$/, { error: 'expected 64 hex digits' })).optional(),
  /** The APIs this tenant may call (absent: all). */
  apis: z.array(z.string().min(1)).optional(),
  /** APIs that are GET/HEAD only for this tenant. */
  readOnly: z.array(z.string().min(1)).optional(),
  /** Overrides the file's `rateLimit` for this tenant. */
  rateLimit: RateLimitSettings.optional(),
});

export const PolicySchema: z.ZodType<PolicyDocument, PolicyInput> = z.strictObject({
  version: z.literal(1).optional(),
  tenants: z
    .record(
      z.string().regex(TENANT_NAME, { error: 'tenant names are 1-64 of A-Z a-z 0-9 _ . -' }),
      TenantPolicy,
    )
    .optional(),
  /** Rules per API, keyed by catalog name. */
  apis: z.record(z.string().min(1), ApiPolicy).optional(),
  /** Per tenant (each tenant its own buckets). */
  rateLimit: RateLimitSettings.optional(),
  /** Sandbox limits and pool, as `--sandbox-limit` takes them (`timeoutMs`, `maxCalls`, `workers`, ...). */
  limits: z.record(z.string(), z.number().int().nonnegative()).optional(),
  /** Hosts the snippet's `fetch` may reach (as `--allow-fetch`). */
  egress: z.strictObject({ allowFetch: z.array(z.string().min(1)).optional() }).optional(),
});
