/** `duet serve`: the HTTP server on Node, or the same server on Bun, Deno or workerd. */
import { parseArgs } from 'node:util';
import { buildUpstreams, UsageError } from '../../../src/config/options.ts';
import type { PolicyDocument } from '../../../src/policy/schema.ts';
import { ensureDataDir } from '../data-dir.ts';
import { VERSION } from '../package-info.ts';
import { serveOnRuntime, spawnableRuntimes } from '../spawn-runtime.ts';
import { EMBEDDINGS_HELP, embeddingsOptions } from './embeddings.ts';
import { dataDir, leaseMs, limitFlags, loadPolicy, sandboxSettings, storeUrl, type Values } from './flags.ts';
import { LLM_HELP, llmConfig, llmOptions } from './llm.ts';
import {
  type Command,
  dataHelp,
  dataOptions,
  HELP_FLAG,
  POLICY_HELP,
  policyOptions,
  SOURCES_HELP,
  sourceOptions,
  TENANTS_HELP,
  tenantOptions,
} from './options.ts';

// The server itself (the catalog, the executor, the HTTP app: ~0.4 s of modules) loads only on the path
// that runs it here; a launcher for Bun, Deno or workerd starts its runtime without it.
const options = {
  ...sourceOptions,
  port: { type: 'string', default: '8787' },
  host: { type: 'string', default: '127.0.0.1' },
  runtime: { type: 'string', default: 'node' },
  ...dataOptions,
  'sandbox-limit': { type: 'string', multiple: true },
  sandbox: { type: 'string' },
  store: { type: 'string' },
  advertise: { type: 'string' },
  ...policyOptions,
  ...tenantOptions,
  ...embeddingsOptions,
  ...llmOptions,
} as const;

const help = `Usage: duet serve [options]

Start the HTTP server: POST /v1/search, POST /v1/execute, GET /openapi.json, GET /docs; with a model
(--llm-url, --llm-model) the agent too: POST /v1/sessions/{id}/messages (see duet chat).

  --port N                    port to listen on (default 8787; 0 picks a free one)
  --host HOST                 interface to bind (default 127.0.0.1)
  --runtime RUNTIME           node (default), bun, deno or workerd: the same server on that runtime, using
                              the binaries npm install put in node_modules
${dataHelp('where durable state lives').slice(1)}
  --store postgres://...      keep sessions and rate limits in PostgreSQL instead (or env DUET_DATABASE_URL),
                              shared by every node on that database: each session has one owner node at a
                              time and requests for it are forwarded there (lease period: env DUET_LEASE_MS,
                              default 10000)
  --advertise URL             with --store: how other nodes reach this one (default: the listening URL)
  --sandbox-limit NAME=N      a sandbox limit for every run (repeatable): timeoutMs, memoryBytes, stackBytes,
                              maxResultBytes, maxLogLines, maxLogBytes, maxCalls, maxConcurrentCalls;
                              or the pool: workers (default 10), queue (default 2 x workers), cpus (short runs at
                              once, default the CPU count)${TENANTS_HELP}${POLICY_HELP}
  --sandbox quickjs|loader    with --runtime workerd: QuickJS in the request's isolate (default) or a
                              Dynamic Worker per run (V8 isolate; workerd enforces no CPU limit on it)${LLM_HELP}${SOURCES_HELP}${EMBEDDINGS_HELP}${HELP_FLAG}`;

/** For the runtimes that start a child: a policy naming an unknown API or operation fails here, in the parent. */
async function checkPolicy(values: Values, policy: PolicyDocument): Promise<void> {
  const named = policy.apis || Object.values(policy.tenants ?? {}).some((t) => t.apis || t.readOnly);
  if (!named) return;
  const { createDuet } = await import('../../../src/duet.ts');
  const { loadSources, noSandbox } = await import('./load.ts');
  const { apis } = await loadSources({ ...values, mcp: values.runtime === 'workerd' ? [] : values.mcp });
  try {
    createDuet({ apis, sandbox: noSandbox, policy });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options });
  const llm = llmConfig(values);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port ${values.port}: not a port number`);
  }
  if (
    values.sandbox !== undefined &&
    (values.runtime !== 'workerd' || !['quickjs', 'loader'].includes(values.sandbox))
  )
    throw new UsageError(`--sandbox ${values.sandbox}: quickjs or loader, with --runtime workerd only`);
  const store = storeUrl(values);
  if (values['embeddings-url'] !== undefined && values.runtime !== 'node')
    throw new UsageError(
      `--embeddings-url: search by meaning runs with --runtime node, not ${values.runtime} yet`,
    );
  if (store && !['node', 'bun'].includes(values.runtime))
    throw new UsageError(`--store: PostgreSQL runs with --runtime node or bun, not ${values.runtime}`);
  if (values.advertise !== undefined && !store)
    throw new UsageError('--advertise needs --store postgres://...');
  const policy = await loadPolicy(values);
  if (values.runtime !== 'node') await checkPolicy(values, policy);
  // A directory that cannot be made is one line from here, not a failure inside the runtime's child.
  const data = store ? dataDir(values) : ensureDataDir(dataDir(values));
  if (values.runtime === 'workerd') {
    const { serveOnWorkerd } = await import('./serve-workerd.ts');
    return serveOnWorkerd({ ...values, data }, port, policy);
  }
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
      data,
      specs: values.spec ?? [],
      mcp: values.mcp ?? [],
      baseUrls: values['base-url'] ?? [],
      headers: values.header ?? [],
      allowFetch: values['allow-fetch'] ?? [],
      sandboxLimits: limitFlags(values, policy),
      policy,
      version: VERSION,
      ...(store && { store, advertise: values.advertise, leaseMs: leaseMs() }),
      ...(llm && { llm }),
    });
  }
  if (store) {
    const { serveOnPostgres } = await import('./serve-postgres.ts');
    return serveOnPostgres(values, policy, port, store);
  }
  const { serveOnNode } = await import('./serve-node.ts');
  return serveOnNode(values, policy, port);
}

export const command: Command = { help, run };
