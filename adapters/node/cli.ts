/** The `duet` command line: serve, search and execute (Node entry; `bin.js` loads the built copy). */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { jsonLogger, type Logger } from '../../src/audit/telemetry.ts';
import { apiNameFromSource, operationSignature } from '../../src/catalog/index.ts';
import { buildUpstreams, loadApis, loadMcpApis, splitNamed, UsageError } from '../../src/config/options.ts';
import { listeningLine } from '../../src/config/serve-config.ts';
import { createDuet, type Duet, policyLimits } from '../../src/duet.ts';
import { createMcpServer } from '../../src/http/mcp.ts';
import { toolSizes } from '../../src/http/tool-sizes.ts';
import { applyPolicyFlags, parsePolicy } from '../../src/policy/load.ts';
import type { PolicyDocument } from '../../src/policy/schema.ts';
import { parseLimitFlags } from '../../src/sandbox/limit-flags.ts';
import { openActorSessions } from './actor-sessions.ts';
import { VERSION } from './package-info.ts';
import { readSource } from './read-source.ts';
import { createWorkerSandbox } from './sandbox-pool.ts';
import { serveNode } from './serve.ts';
import { serveOnRuntime, spawnableRuntimes } from './spawn-runtime.ts';
import { createNodeTypeChecker } from './typecheck.ts';

const SOURCES = `
  --spec [NAME=]PATH_OR_URL   OpenAPI 3.x / Swagger 2.0 document, JSON or YAML (repeatable);
                              without any --spec, the bundled demo API (tasks and notes)
  --mcp NAME=URL              import the tools of the MCP server at URL (Streamable HTTP) as API NAME
  --base-url NAME=URL         send API NAME's calls to URL instead of the spec's server (repeatable)
  --header NAME=H: value      add header H to every call to API NAME, e.g. credentials (repeatable);
                              added by the host, never visible to the snippet
  --allow-fetch HOST[:PORT]   give the snippet a fetch() that may reach HOST (repeatable)`;

const POLICY = `
  --policy FILE               policy file, JSON or YAML: tenants, per-API allow/deny rules, argument
                              constraints, approvals, rate limits, sandbox limits, egress (see README)
  --read-only API             API may only be read: GET and HEAD calls (repeatable)`;

const TENANTS = `
  --token TENANT=SECRET       a bearer token of TENANT (repeatable); with any token, every request needs
                              Authorization: Bearer SECRET, and sessions, audit and rate limits are per tenant
  --rate-limit N              N executions per minute per tenant; also executions=N or calls=N (upstream
                              calls per minute per tenant), repeatable`;

const HELP: Record<string, string> = {
  main: `duet ${VERSION}: search + execute over real APIs for AI agents

Usage: duet <command> [options]

Commands:
  serve      start the HTTP server (search, execute, docs at /docs)
  search     search the API catalog from the command line
  execute    run a TypeScript snippet against the catalog
  mcp        serve the two tools over MCP on standard input/output (for desktop MCP clients)
  tokens     compare the size of classic one-tool-per-operation definitions with duet's two tools
  bench      measure spec load, search and execute latency on this machine

Run 'duet <command> --help' for a command's options. 'duet --version' prints the version.`,
  serve: `Usage: duet serve [options]

Start the HTTP server: POST /v1/search, POST /v1/execute, GET /openapi.json, GET /docs.

  --port N                    port to listen on (default 8787; 0 picks a free one)
  --host HOST                 interface to bind (default 127.0.0.1)
  --runtime RUNTIME           node (default), bun, deno or workerd: the same server on that runtime, using
                              the binaries npm install put in node_modules
  --data DIR                  where durable state lives (default ./.duet)
  --sandbox-limit NAME=N      a sandbox limit for every run (repeatable): timeoutMs, memoryBytes, stackBytes,
                              maxResultBytes, maxLogLines, maxLogBytes, maxCalls, maxConcurrentCalls;
                              or the pool: workers (default 10), queue (default 2 x workers)${TENANTS}${POLICY}
  --sandbox quickjs|loader    with --runtime workerd: QuickJS in the request's isolate (default) or a
                              Dynamic Worker per run (V8 isolate; workerd enforces no CPU limit on it)${SOURCES}
  -h, --help                  this help`,
  search: `Usage: duet search QUERY [options]

Rank the catalog's operations for QUERY (e.g. "create an issue") and print their TypeScript declarations.

  --limit N                   how many results (default 5)
  --json                      print {results: [...]} as the HTTP API does${SOURCES}
  -h, --help                  this help`,
  execute: `Usage: duet execute [FILE|-] [options]

Run a TypeScript snippet (the body of an async function; 'return' gives the result) against the catalog.
Reads FILE, or standard input when FILE is '-' or absent.

  --session ID                run in session ID (its 'state' persists in --data between runs)
  --data DIR                  where sessions persist (default ./.duet)
  --timeout MS                time limit for the run (default 10000)
  --json                      print the full response ({ok, result, error, logs, calls, durationMs})${POLICY}${SOURCES}
  -h, --help                  this help`,
};

HELP.mcp = `Usage: duet mcp [options]

Serve duet's two MCP tools, search and execute, over standard input/output.

  --data DIR                  where sessions persist (default ./.duet)${POLICY}${SOURCES}
  -h, --help                  this help`;

HELP.tokens = `Usage: duet tokens [options]

Print the size of the tool definitions an agent must read: one tool per operation (classic MCP
wrapping of the specs) against duet's two tools, in characters and estimated tokens (characters / 4).
${SOURCES.split('\n').slice(0, 4).join('\n')}
  --json                      print the figures as JSON
  -h, --help                  this help`;

const sourceOptions = {
  spec: { type: 'string', multiple: true },
  mcp: { type: 'string', multiple: true },
  'base-url': { type: 'string', multiple: true },
  header: { type: 'string', multiple: true },
  'allow-fetch': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

const policyOptions = {
  policy: { type: 'string' },
  'read-only': { type: 'string', multiple: true },
} as const;

const tenantOptions = {
  token: { type: 'string', multiple: true },
  'rate-limit': { type: 'string', multiple: true },
} as const;

// Flags of the DESIGN.md contract whose features are not in this version yet: refusing them loudly is
// safer than ignoring them.
const notYet = ['llm-url', 'llm-model', 'llm-provider'];

/** `--policy FILE` with `--token`, `--read-only` and `--rate-limit` on top. */
async function loadPolicy(values: Record<string, unknown>): Promise<PolicyDocument> {
  const file = values.policy as string | undefined;
  let document: PolicyDocument | undefined;
  try {
    if (file !== undefined) {
      const text = await readFile(file, 'utf8').catch(() => {
        throw new UsageError(`--policy ${file}: cannot read the file`);
      });
      document = parsePolicy(text, file);
    }
    const policy = applyPolicyFlags(document, {
      tokens: values.token as string[] | undefined,
      readOnly: values['read-only'] as string[] | undefined,
      rateLimit: values['rate-limit'] as string[] | undefined,
    });
    policyLimits(policy);
    return policy;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The policy file's `limits` as `--sandbox-limit` flags, before the command line's own (which win). */
function limitFlags(values: Record<string, unknown>, policy: PolicyDocument | undefined): string[] {
  const fromPolicy = Object.entries(policy?.limits ?? {}).map(([name, value]) => `${name}=${value}`);
  return [...fromPolicy, ...((values['sandbox-limit'] as string[] | undefined) ?? [])];
}

/** The APIs of --spec and --mcp, with --base-url and --header settings. */
async function loadSources(values: Record<string, unknown>) {
  const upstreams = buildUpstreams(values['base-url'] as string[], values.header as string[]);
  const apis = [
    ...(await loadApis(values.spec as string[] | undefined, readSource)),
    ...(await loadMcpApis(values.mcp as string[] | undefined, upstreams)),
  ];
  return { apis, upstreams };
}

/** Search and tokens never run code. */
const noSandbox = {
  run: () => Promise.reject(new Error('this command runs no code')),
  close: async () => {},
};

function sandboxSettings(flags: string[] | undefined) {
  try {
    return parseLimitFlags(flags);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function makeDuet(
  values: Record<string, unknown>,
  policy?: PolicyDocument,
  log?: Logger,
): Promise<{ duet: Duet; close: () => Promise<void> }> {
  const { apis, upstreams } = await loadSources(values);
  const { limits, pool } = sandboxSettings(limitFlags(values, policy));
  const durable = typeof values.data === 'string' ? await openActorSessions({ dir: values.data }) : undefined;
  const sandbox = createWorkerSandbox({
    ...pool,
    memoryBytes: limits.memoryBytes,
    stackBytes: limits.stackBytes,
  });
  const close = async () => {
    await sandbox.close();
    await durable?.close();
  };
  try {
    const duet = createDuet({
      apis,
      sandbox,
      upstreams,
      sessions: durable?.sessions,
      allowFetch: values['allow-fetch'] as string[] | undefined,
      limits,
      typeChecker: (catalog) => createNodeTypeChecker(catalog),
      version: VERSION,
      policy,
      rateLimiter: durable?.rateLimiter,
      log,
    });
    return { duet, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** `--runtime workerd`: the Worker in real workerd through Miniflare, specs handed over as text. */
async function serveOnWorkerd(
  values: Record<string, any>,
  port: number,
  policy: PolicyDocument,
): Promise<number> {
  if (values.mcp?.length)
    throw new UsageError('--runtime workerd: --mcp sources are not supported on Workers yet');
  const specs = await Promise.all(
    ((values.spec as string[] | undefined) ?? []).map(async (text) => {
      const { name, value } = splitNamed('spec', text, true);
      return { name: name ?? apiNameFromSource(value), text: await readSource(value) };
    }),
  );
  const upstreams = buildUpstreams(values['base-url'], values.header);
  // adapters/ never import each other statically; the launcher is built beside this file in dist/.
  const launcher = new URL(
    `../cloudflare/serve-local.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`,
    import.meta.url,
  );
  const { serveWorkerd } = await import(launcher.href);
  const server = await serveWorkerd({
    port,
    host: values.host,
    dataDir: values.data,
    config: {
      specs,
      upstreams,
      allowFetch: values['allow-fetch'] ?? [],
      limits: sandboxSettings(limitFlags(values, policy)).limits,
      policy,
      sandbox: values.sandbox,
    },
  });
  console.error(
    JSON.stringify({
      level: 'info',
      msg: `duet listening on ${server.url}`,
      url: server.url,
      runtime: 'workerd',
    }),
  );
  return new Promise(() => {});
}

/** For the runtimes that start a child: a policy naming an unknown API or operation fails here, in the parent. */
async function checkPolicy(values: Record<string, unknown>, policy: PolicyDocument): Promise<void> {
  const named = policy.apis || Object.values(policy.tenants ?? {}).some((t) => t.apis || t.readOnly);
  if (!named) return;
  const { apis } = await loadSources({ ...values, mcp: values.runtime === 'workerd' ? [] : values.mcp });
  try {
    createDuet({ apis, sandbox: noSandbox, policy });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function serveCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...sourceOptions,
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      runtime: { type: 'string', default: 'node' },
      data: { type: 'string', default: './.duet' },
      'sandbox-limit': { type: 'string', multiple: true },
      sandbox: { type: 'string' },
      ...policyOptions,
      ...tenantOptions,
      ...Object.fromEntries(notYet.map((name) => [name, { type: 'string', multiple: true }] as const)),
    },
  });
  if (values.help) return help('serve');
  for (const name of notYet) {
    if ((values as Record<string, unknown>)[name])
      throw new UsageError(`--${name} is not available in duet ${VERSION} yet`);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port ${values.port}: not a port number`);
  }
  if (
    values.sandbox !== undefined &&
    (values.runtime !== 'workerd' || !['quickjs', 'loader'].includes(values.sandbox))
  )
    throw new UsageError(`--sandbox ${values.sandbox}: quickjs or loader, with --runtime workerd only`);
  const policy = await loadPolicy(values);
  if (values.runtime !== 'node') await checkPolicy(values, policy);
  if (values.runtime === 'workerd') return serveOnWorkerd(values, port, policy);
  if (values.runtime !== 'node') {
    if (!spawnableRuntimes.includes(values.runtime)) {
      throw new UsageError(
        `--runtime ${values.runtime}: choose one of node, ${spawnableRuntimes.join(', ')}, workerd`,
      );
    }
    // Bad flags fail here, in the parent, rather than in the child.
    buildUpstreams(values['base-url'], values.header);
    sandboxSettings(limitFlags(values, policy));
    return serveOnRuntime(values.runtime, {
      port,
      host: values.host,
      data: values.data,
      specs: values.spec ?? [],
      mcp: values.mcp ?? [],
      baseUrls: values['base-url'] ?? [],
      headers: values.header ?? [],
      allowFetch: values['allow-fetch'] ?? [],
      sandboxLimits: limitFlags(values, policy),
      policy,
      version: VERSION,
    });
  }
  const { duet, close } = await makeDuet(values, policy, jsonLogger());
  const server = await serveNode(duet, { port, host: values.host, onClose: close });
  console.error(listeningLine(server.url, duet, 'node'));
  return new Promise(() => {});
}

async function searchCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...sourceOptions, limit: { type: 'string', default: '5' }, json: { type: 'boolean' } },
  });
  if (values.help) return help('search');
  const query = positionals.join(' ').trim();
  if (!query) throw new UsageError('duet search: give a QUERY, e.g. duet search "create an issue"');
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new UsageError(`--limit ${values.limit}: 1 to 100`);
  const { apis } = await loadSources(values);
  const duet = createDuet({
    apis,
    sandbox: { run: () => Promise.reject(new Error('unused')), close: async () => {} },
  });
  const results = duet.search.search(query, { limit }).map(({ operation: op }) => ({
    api: op.api,
    name: op.name,
    method: op.method.toUpperCase(),
    path: op.path,
    summary: op.summary,
    declaration: operationSignature(duet.catalog.get(op.api)!, op),
  }));
  if (values.json) {
    console.log(JSON.stringify({ results }, null, 2));
    return 0;
  }
  if (!results.length) console.log(`no operation matches "${query}"`);
  results.forEach((r, i) => {
    console.log(`${i + 1}. ${r.api}.${r.name}  ${r.method} ${r.path}\n   ${r.summary}\n`);
    console.log(`${r.declaration.replace(/^/gm, '   ')}\n`);
  });
  return 0;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function executeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...sourceOptions,
      session: { type: 'string' },
      timeout: { type: 'string' },
      data: { type: 'string', default: './.duet' },
      json: { type: 'boolean' },
      ...policyOptions,
    },
  });
  if (values.help) return help('execute');
  if (positionals.length > 1)
    throw new UsageError('duet execute: give at most one FILE (or - for standard input)');
  const file = positionals[0] ?? '-';
  const code =
    file === '-'
      ? await readStdin()
      : await readFile(file, 'utf8').catch(() => {
          throw new UsageError(`duet execute: cannot read ${file}`);
        });
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
  const { duet, close } = await makeDuet(values, await loadPolicy(values));
  try {
    const response = await duet.executor.execute({ code, session: values.session, timeoutMs });
    if (values.json) console.log(JSON.stringify(response, null, 2));
    else {
      for (const line of response.logs) console.error(line);
      if (response.ok)
        console.log(response.result === undefined ? 'undefined' : JSON.stringify(response.result, null, 2));
      else {
        console.error(`error (${response.error!.kind}): ${response.error!.message}`);
        for (const d of response.error!.diagnostics ?? [])
          console.error(`  line ${d.line ?? '?'}:${d.column ?? '?'} ${d.message}`);
      }
    }
    return response.ok ? 0 : 1;
  } finally {
    await close();
  }
}

async function mcpCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...sourceOptions, ...policyOptions, data: { type: 'string', default: './.duet' } },
  });
  if (values.help) return help('mcp');
  const { duet, close } = await makeDuet(values, await loadPolicy(values));
  const server = createMcpServer({ ...duet, version: VERSION });
  const transport = new StdioServerTransport();
  await server.connect(transport);
  return new Promise((resolve) => {
    // The client closing stdin ends the session.
    transport.onclose = () => close().then(() => resolve(0));
    process.stdin.on('end', () => void server.close());
  });
}

async function tokensCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { ...sourceOptions, json: { type: 'boolean' } } });
  if (values.help) return help('tokens');
  const { apis } = await loadSources(values);
  const duet = createDuet({ apis, sandbox: noSandbox });
  const sizes = toolSizes(duet.catalog);
  if (values.json) {
    console.log(JSON.stringify(sizes, null, 2));
    return 0;
  }
  const row = (name: string, s: { tools: number; characters: number; tokens: number }) =>
    `| ${name} | ${s.tools} | ${s.characters.toLocaleString('en')} | ${s.tokens.toLocaleString('en')} |`;
  console.log('| tool definitions | tools | characters | estimated tokens |\n| --- | --- | --- | --- |');
  for (const [api, size] of Object.entries(sizes.perApi)) console.log(row(`classic: ${api}`, size));
  if (Object.keys(sizes.perApi).length > 1) console.log(row('classic: all APIs', sizes.classic));
  console.log(row('duet: search + execute', sizes.duet));
  console.log(
    `\nduet's definitions are ${(sizes.classic.characters / sizes.duet.characters).toFixed(0)}x smaller.`,
  );
  return 0;
}

function help(topic: string): number {
  console.log(HELP[topic]);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(rest);
      case 'search':
        return await searchCommand(rest);
      case 'execute':
        return await executeCommand(rest);
      case 'mcp':
        return await mcpCommand(rest);
      case 'tokens':
        return await tokensCommand(rest);
      case 'bench': {
        const { runBench } = await import('../../bench/run.ts');
        await runBench();
        return 0;
      }
      case '--version':
      case '-v':
        console.log(VERSION);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        return help('main');
      default:
        throw new UsageError(
          `unknown command '${command}'. Commands: serve, search, execute (see duet --help)`,
        );
    }
  } catch (error) {
    const err = error as Error & { code?: string };
    // parseArgs errors (unknown flag, missing value) are usage errors too.
    const usage =
      error instanceof UsageError || err.name === 'PolicyError' || err.code?.startsWith('ERR_PARSE_ARGS');
    console.error(`duet: ${err.message}`);
    return usage ? 2 : 1;
  }
}
