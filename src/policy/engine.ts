/** The policy applied to each call before it leaves: tenant APIs, read-only, deny, allow, argument constraints, approvals. */
import type { Catalog } from '../catalog/catalog.ts';
import type { Operation } from '../catalog/types.ts';
import { suggestOperations } from '../search/suggest-operations.ts';
import { fieldPath, PolicyError, policyLocation } from './load.ts';
import type {
  ArgConstraint,
  ConstraintRule,
  PolicyDocument,
  PolicyMethod,
  PolicyRule,
  RateLimitSettings,
} from './schema.ts';

/** A refusal: which rule, and why in words. */
export interface Refusal {
  /** The rule's `id`, or where it is in the policy (`apis.github.deny[0]`). */
  rule: string;
  message: string;
}

export interface PolicyEngine {
  readonly document: PolicyDocument;
  /** Tenant names that have tokens (configured tenants). */
  readonly tenants: string[];
  /** A reason to refuse the call, or undefined when policy lets it go. */
  check(tenant: string, op: Operation, args: unknown): Refusal | undefined;
  /** The rule under which the call needs an approved plan, or undefined. */
  approvalRule(tenant: string, op: Operation, args: unknown): string | undefined;
  rateLimit(tenant: string): RateLimitSettings;
  /** The header an approved write carries its idempotency key in, if the API takes one. */
  idempotencyHeader(op: Operation): string | undefined;
}

/** GET and HEAD change nothing; everything else (function-style operations included) may. */
export function isRead(op: Pick<Operation, 'method' | 'input'>): boolean {
  return op.input === undefined && (op.method === 'get' || op.method === 'head');
}

export function policyMethod(op: Pick<Operation, 'method' | 'input'>): PolicyMethod {
  return op.input !== undefined ? 'CALL' : (op.method.toUpperCase() as PolicyMethod);
}

interface CompiledRule {
  name: string;
  matches(op: Operation): boolean;
}

const list = <T>(value: T | T[] | undefined): T[] | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value : [value];

/**
 * `*` matches within one path segment (`segment`) or anything (names); `/**` matches zero or more whole
 * segments, so a pattern ending in `/hooks/**` covers `.../hooks` and everything under it.
 */
function glob(pattern: string, segment: boolean): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (segment && pattern.startsWith('/**', i) && (i + 3 === pattern.length || pattern[i + 3] === '/')) {
      source += '(?:/.*)?';
      i += 2;
    } else if (c === '*' && pattern[i + 1] === '*' && segment) {
      source += '.*';
      i++;
    } else if (c === '*') source += segment ? '[^/]*' : '.*';
    else source += c.replace(/[\\^$.|?+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function compileRule(rule: PolicyRule, where: string): CompiledRule {
  const operations = list(rule.operation)?.map((p) => glob(p, false));
  const methods = list(rule.method);
  const paths = list(rule.path)?.map((p) => glob(p, true));
  const tags = list(rule.tag);
  return {
    name: rule.id ?? where,
    matches: (op) =>
      (!operations || operations.some((re) => re.test(op.name))) &&
      (!methods || methods.includes(policyMethod(op))) &&
      (!paths || paths.some((re) => re.test(op.path))) &&
      (!tags || tags.some((tag) => op.tags.includes(tag))),
  };
}

/** The value at `body.title` in the argument object; `present` false when a part is missing. */
function argAt(args: unknown, path: string): { present: boolean; value?: unknown } {
  let value = args;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return { present: false };
    value = (value as Record<string, unknown>)[part];
  }
  return { present: value !== undefined, value };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Why `value` breaks `constraint`, or undefined. */
function violation(
  constraint: ArgConstraint,
  found: { present: boolean; value?: unknown },
): string | undefined {
  if (!found.present) return constraint.required ? 'is required' : undefined;
  const { value } = found;
  const shown = JSON.stringify(value)?.slice(0, 80);
  if (constraint.equals !== undefined && !sameJson(value, constraint.equals))
    return `is ${shown}, must be ${JSON.stringify(constraint.equals)}`;
  if (constraint.enum && !constraint.enum.some((option) => sameJson(value, option)))
    return `is ${shown}, must be one of ${constraint.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if (constraint.pattern !== undefined) {
    if (typeof value !== 'string' || !new RegExp(constraint.pattern, 'u').test(value))
      return `is ${shown}, must match /${constraint.pattern}/`;
  }
  if (constraint.min !== undefined && !(typeof value === 'number' && value >= constraint.min))
    return `is ${shown}, must be a number >= ${constraint.min}`;
  if (constraint.max !== undefined && !(typeof value === 'number' && value <= constraint.max))
    return `is ${shown}, must be a number <= ${constraint.max}`;
  if (constraint.maxLength !== undefined) {
    const length = typeof value === 'string' || Array.isArray(value) ? value.length : undefined;
    if (length === undefined || length > constraint.maxLength)
      return `is ${shown}, must be a string or array of at most ${constraint.maxLength}`;
  }
  return undefined;
}

interface CompiledApi {
  readOnly: boolean;
  allow?: CompiledRule[];
  deny: CompiledRule[];
  approval: CompiledRule[];
  constraints: { rule: CompiledRule; args: ConstraintRule['args'] }[];
  idempotencyHeader?: string;
}

const describe = (op: Operation) => `${op.api}.${op.name} (${policyMethod(op)} ${op.path})`;

/**
 * Checks the policy against the catalog (unknown APIs and operation names are errors naming the field)
 * and compiles its rules.
 */
export function compilePolicy(document: PolicyDocument, catalog: Catalog): PolicyEngine {
  const known = catalog.apis.map((api) => api.name);
  const { source, line } = policyLocation(document);
  const requireApi = (name: string, path: PropertyKey[] = ['apis', name]) => {
    if (!catalog.get(name)) {
      const at = `${fieldPath(path)}${line(path)}`;
      throw new PolicyError(
        `${source}: ${at}: no API '${name}' in the catalog (it has: ${known.join(', ')})`,
      );
    }
  };
  const checkOperations = (api: string, rule: PolicyRule, path: PropertyKey[]) => {
    for (const name of list(rule.operation) ?? []) {
      if (name.includes('*') || catalog.operation(api, name)) continue;
      const at = `${fieldPath([...path, 'operation'])}${line([...path, 'operation'])}`;
      const close = suggestOperations(catalog.get(api)!, name);
      throw new PolicyError(
        `${source}: ${at}: '${name}' is not an operation of ${api}${close.length ? ` (did you mean ${close.join(', ')}?)` : ''}`,
      );
    }
  };
  const apis = new Map<string, CompiledApi>();
  for (const [api, settings] of Object.entries(document.apis ?? {})) {
    requireApi(api);
    const rules = (key: 'allow' | 'deny' | 'requireApproval') =>
      settings[key]?.map((rule, i) => {
        checkOperations(api, rule, ['apis', api, key, i]);
        return compileRule(rule, fieldPath(['apis', api, key, i]));
      });
    apis.set(api, {
      readOnly: settings.readOnly === true,
      allow: rules('allow'),
      deny: rules('deny') ?? [],
      approval: rules('requireApproval') ?? [],
      constraints: (settings.constraints ?? []).map((constraint, i) => {
        checkOperations(api, constraint, ['apis', api, 'constraints', i]);
        return {
          rule: compileRule(constraint, fieldPath(['apis', api, 'constraints', i])),
          args: constraint.args,
        };
      }),
      idempotencyHeader: settings.idempotencyHeader,
    });
  }
  const tenants = document.tenants ?? {};
  for (const [tenant, settings] of Object.entries(tenants)) {
    for (const key of ['apis', 'readOnly'] as const) {
      for (const [i, api] of (settings[key] ?? []).entries()) requireApi(api, ['tenants', tenant, key, i]);
    }
  }

  return {
    document,
    tenants: Object.keys(tenants).filter(
      (t) => (tenants[t].tokens?.length ?? 0) + (tenants[t].tokenSha256?.length ?? 0) > 0,
    ),
    check(tenant, op, args) {
      const mine = Object.hasOwn(tenants, tenant) ? tenants[tenant] : undefined;
      if (mine?.apis && !mine.apis.includes(op.api)) {
        return {
          rule: `tenants.${tenant}.apis`,
          message: `tenant '${tenant}' may not use API ${op.api} (it may use: ${mine.apis.join(', ') || 'none'})`,
        };
      }
      const settings = apis.get(op.api);
      if (!isRead(op)) {
        if (mine?.readOnly?.includes(op.api))
          return {
            rule: `tenants.${tenant}.readOnly`,
            message: `${describe(op)} writes, and ${op.api} is read-only for tenant '${tenant}' (GET/HEAD only)`,
          };
        if (settings?.readOnly)
          return {
            rule: `apis.${op.api}.readOnly`,
            message: `${describe(op)} writes, and ${op.api} is read-only (GET/HEAD only)`,
          };
      }
      if (!settings) return undefined;
      const denied = settings.deny.find((rule) => rule.matches(op));
      if (denied) return { rule: denied.name, message: `${describe(op)} is denied` };
      if (settings.allow && !settings.allow.some((rule) => rule.matches(op)))
        return { rule: `apis.${op.api}.allow`, message: `${describe(op)} matches no allow rule` };
      for (const { rule, args: constraints } of settings.constraints) {
        if (!rule.matches(op)) continue;
        for (const [path, constraint] of Object.entries(constraints)) {
          const why = violation(constraint, argAt(args, path));
          if (why) return { rule: rule.name, message: `${describe(op)}: argument ${path} ${why}` };
        }
      }
      return undefined;
    },
    approvalRule(_tenant, op) {
      return apis.get(op.api)?.approval.find((rule) => rule.matches(op))?.name;
    },
    rateLimit(tenant) {
      const own = Object.hasOwn(tenants, tenant) ? tenants[tenant].rateLimit : undefined;
      return { ...document.rateLimit, ...own };
    },
    idempotencyHeader(op) {
      const declared = op.parameters.find(
        (p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key',
      );
      return declared?.name ?? apis.get(op.api)?.idempotencyHeader;
    },
  };
}

/** No policy: everything allowed, no limits. */
export const OPEN_POLICY: PolicyDocument = {};
