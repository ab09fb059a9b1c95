/** What every command shares: the shape of a command, the option groups and their help text. */
import { defaultDataDir } from '../data-dir.ts';

export interface Command {
  /** The full `duet <command> --help` text (the dispatcher answers --help, so `run` never sees it). */
  help: string;
  /** Resolves with the exit code; `serve` and `mcp` resolve only when they stop. */
  run(args: string[]): Promise<number>;
}

/** Option groups for `parseArgs`: a command spreads the groups it takes, so a new flag lands in one place. */
export const sourceOptions = {
  spec: { type: 'string', multiple: true },
  mcp: { type: 'string', multiple: true },
  'base-url': { type: 'string', multiple: true },
  header: { type: 'string', multiple: true },
  'allow-fetch': { type: 'string', multiple: true },
} as const;

export const dataOptions = {
  data: { type: 'string' },
} as const;

export const policyOptions = {
  policy: { type: 'string' },
  'read-only': { type: 'string', multiple: true },
} as const;

export const tenantOptions = {
  token: { type: 'string', multiple: true },
  'rate-limit': { type: 'string', multiple: true },
} as const;

export const SOURCES_HELP = `
  --spec [NAME=]PATH_OR_URL   OpenAPI 3.x / Swagger 2.0 document, JSON or YAML (repeatable);
                              without any --spec, the bundled demo API (tasks and notes)
  --mcp NAME=URL              import the tools of the MCP server at URL (Streamable HTTP) as API NAME
  --base-url NAME=URL         send API NAME's calls to URL instead of the spec's server (repeatable)
  --header NAME=H: value      add header H to every call to API NAME, e.g. credentials (repeatable);
                              added by the host, never visible to the snippet
  --allow-fetch HOST[:PORT]   give the snippet a fetch() that may reach HOST (repeatable)`;

export const POLICY_HELP = `
  --policy FILE               policy file, JSON or YAML: tenants, per-API allow/deny rules, argument
                              constraints, approvals, rate limits, sandbox limits, egress (see README)
  --read-only API             API may only be read: GET and HEAD calls (repeatable)`;

export const TENANTS_HELP = `
  --token TENANT=SECRET       a bearer token of TENANT (repeatable); with any token, every request needs
                              Authorization: Bearer SECRET, and sessions, audit and rate limits are per tenant
  --rate-limit N              N executions per minute per tenant; also executions=N or calls=N (upstream
                              calls per minute per tenant), repeatable`;

/** `--data DIR` in help, with the default this machine would use. */
export function dataHelp(what: string): string {
  const perUser = defaultDataDir({ ...process.env, DUET_DATA: undefined });
  return `
  --data DIR                  ${what} (default: env DUET_DATA, else the per-user
                              data directory, here ${perUser})`;
}

export const HELP_FLAG = `
  -h, --help                  this help`;
