/** Reading a policy: JSON or YAML text validated with zod, errors naming the file, the field and (YAML) the line. */
import { LineCounter, parseDocument } from 'yaml';
import { type PolicyDocument, type PolicyInput, PolicySchema, TENANT_NAME } from './schema.ts';

export class PolicyError extends Error {
  override name = 'PolicyError';
}

/** `apis.github.deny[0].method` */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

interface Issue {
  path: PropertyKey[];
  message: string;
  code?: string;
  errors?: Issue[][];
  /** Of a record key or map element that failed. */
  issues?: Issue[];
}

/**
 * A field that takes one value or a list fails as a union ("Invalid input"); the branch that got further
 * (not a type mismatch at the field itself) says what is actually wrong.
 */
function flatten(issues: readonly Issue[]): Issue[] {
  return issues.flatMap((issue) => {
    if (issue.issues?.length)
      return flatten(issue.issues.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })));
    if (issue.code !== 'invalid_union' || !issue.errors?.length) return [issue];
    const shallow = (branch: Issue[]) =>
      branch.length === 1 && branch[0].code === 'invalid_type' && branch[0].path.length === 0;
    const branch = issue.errors.find((b) => !shallow(b)) ?? issue.errors[0];
    return flatten(branch.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })));
  });
}

/** Where a policy came from, for errors found later (against the catalog): the file and a field's line. */
export interface PolicyLocation {
  source: string;
  /** ` (line N)` for a field present in the file, '' otherwise. */
  line(path: readonly PropertyKey[]): string;
}

// Kept beside the documents rather than in them: the schema is strict, and users pass plain objects too.
const locations = new WeakMap<object, PolicyLocation>();

/** The file and lines a document was parsed from (the default when it was not read from a file). */
export function policyLocation(document: object): PolicyLocation {
  return locations.get(document) ?? { source: 'policy', line: () => '' };
}

/** Validates an already parsed policy; `where(path)` may add a location (a line) to a field's name. */
export function validatePolicy(
  value: unknown,
  source = 'policy',
  where: (path: readonly PropertyKey[]) => string = () => '',
): PolicyDocument {
  const document = validated(value, source, where);
  const location = value && typeof value === 'object' ? locations.get(value) : undefined;
  if (location) locations.set(document, location);
  return document;
}

function validated(
  value: unknown,
  source: string,
  where: (path: readonly PropertyKey[]) => string,
): PolicyDocument {
  const parsed = PolicySchema.safeParse(value ?? {});
  if (!parsed.success) {
    const problems = flatten(parsed.error.issues).map((issue) => {
      const path = issue.path as PropertyKey[];
      const field = path.length ? fieldPath(path) : '(top level)';
      return `${field}${where(path)}: ${issue.message}`;
    });
    throw new PolicyError(`${source}: ${problems.join('; ')}`);
  }
  const doc = parsed.data;
  const owners = new Map<string, string>();
  for (const [tenant, settings] of Object.entries(doc.tenants ?? {})) {
    for (const token of settings.tokens ?? []) {
      const other = owners.get(token);
      if (other !== undefined && other !== tenant) {
        throw new PolicyError(
          `${source}: tenants.${tenant}.tokens: the same token is also one of '${other}'`,
        );
      }
      owners.set(token, tenant);
    }
  }
  return doc;
}

/** Parses policy text: JSON when it looks like JSON (or `source` ends in .json), YAML otherwise. */
export function parsePolicy(text: string, source = 'policy'): PolicyDocument {
  const json = /\.json$/i.test(source) || /^\s*\{/.test(text);
  if (json) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new PolicyError(`${source}: not valid JSON: ${(error as Error).message}`);
    }
    const document = validatePolicy(value, source);
    locations.set(document, { source, line: () => '' });
    return document;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    const at = error.pos ? lineCounter.linePos(error.pos[0]) : undefined;
    throw new PolicyError(
      `${source}${at ? `:${at.line}:${at.col}` : ''}: not valid YAML: ${error.message.split('\n')[0]}`,
    );
  }
  const lineOf = (path: readonly PropertyKey[]) => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? ` (line ${lineCounter.linePos(node.range[0]).line})` : '';
  };
  const document = validatePolicy(doc.toJS(), source, (path) => {
    // The deepest node that exists on the path, so a missing or unknown field points at its parent.
    for (let n = path.length; n > 0; n--) {
      const line = lineOf(path.slice(0, n));
      if (line) return line;
    }
    return '';
  });
  locations.set(document, { source, line: lineOf });
  return document;
}

export interface PolicyFlags {
  /** `--token TENANT=SECRET` */
  tokens?: readonly string[];
  /** `--read-only API` */
  readOnly?: readonly string[];
  /** `--rate-limit N` (executions per minute), `--rate-limit executions=N`, `--rate-limit calls=N` */
  rateLimit?: readonly string[];
}

export class PolicyFlagError extends Error {
  override name = 'PolicyFlagError';
}

/** The policy with the command line's shortcuts added (the flags win where both set a value). */
export function applyPolicyFlags(policy: PolicyInput | undefined, flags: PolicyFlags): PolicyDocument {
  const doc: PolicyInput = structuredClone(policy ?? {});
  for (const text of flags.tokens ?? []) {
    const eq = text.indexOf('=');
    const tenant = text.slice(0, eq);
    const secret = text.slice(eq + 1);
    if (eq <= 0 || !TENANT_NAME.test(tenant) || secret === '') {
      throw new PolicyFlagError(
        `--token ${tenant || text.slice(0, 20)}=...: expected TENANT=SECRET with TENANT 1-64 of A-Z a-z 0-9 _ . - (e.g. --token acme=$ACME_TOKEN)`,
      );
    }
    doc.tenants ??= {};
    const entry = doc.tenants[tenant] ?? {};
    doc.tenants[tenant] = { ...entry, tokens: [...(entry.tokens ?? []), secret] };
  }
  for (const api of flags.readOnly ?? []) {
    if (!api) throw new PolicyFlagError('--read-only: give an API name, e.g. --read-only github');
    doc.apis ??= {};
    doc.apis[api] = { ...doc.apis[api], readOnly: true };
  }
  for (const text of flags.rateLimit ?? []) {
    const match = /^(?:(executions|calls)=)?(\d+)$/.exec(text.trim());
    const value = Number(match?.[2]);
    if (!match || !Number.isSafeInteger(value) || value < 1) {
      throw new PolicyFlagError(
        `--rate-limit ${text}: expected N (executions per minute per tenant), executions=N or calls=N`,
      );
    }
    const key = match[1] === 'calls' ? 'callsPerMinute' : 'executionsPerMinute';
    doc.rateLimit = { ...doc.rateLimit, [key]: value };
  }
  try {
    const document = validatePolicy(doc, 'policy (with command-line flags)');
    const location = policy && locations.get(policy);
    if (location) locations.set(document, location);
    return document;
  } catch (error) {
    throw new PolicyFlagError((error as Error).message);
  }
}
