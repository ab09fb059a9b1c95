/** Turns parsed flags into a running duet: sources, policy, sandbox limits and durable sessions. */
import type { Logger } from '../../../src/audit/telemetry.ts';
import { buildUpstreams, loadApis, loadMcpApis } from '../../../src/config/options.ts';
import { createDuet, type Duet } from '../../../src/duet.ts';
import type { PolicyDocument } from '../../../src/policy/schema.ts';
import { type DurableStore, lazyActorSessions, openActorSessions } from '../actor-sessions.ts';
import { builtApiCache } from '../built-api-cache.ts';
import { ensureDataDir } from '../data-dir.ts';
import { nodeDocsAssets } from '../docs-assets.ts';
import { VERSION } from '../package-info.ts';
import { readSource } from '../read-source.ts';
import { createWorkerSandbox } from '../sandbox-pool.ts';
import { createNodeTypeChecker, type NodeTypeChecker } from '../typecheck.ts';
import { embeddingsSettings } from './embeddings.ts';
import { dataDir, limitFlags, sandboxSettings, type Values } from './flags.ts';
import { llmConfig } from './llm.ts';

export { dataDir, limitFlags, loadPolicy, sandboxSettings, type Values } from './flags.ts';

/**
 * The APIs of --spec and --mcp, with --base-url and --header settings. Specs built before are read back
 * from the data directory (built-api-cache.ts).
 */
export async function loadSources(values: Values) {
  const upstreams = buildUpstreams(values['base-url'] as string[], values.header as string[]);
  const cache = builtApiCache(dataDir(values));
  const apis = [
    ...(await loadApis(values.spec as string[] | undefined, readSource, cache)),
    ...(await loadMcpApis(values.mcp as string[] | undefined, upstreams)),
  ];
  return { apis, upstreams };
}

/** For commands that never run code (search, tokens). */
export const noSandbox = {
  run: () => Promise.reject(new Error('this command runs no code')),
  close: async () => {},
};

/** SQLite under `--data`, created and locked now (a server reports a bad directory before it listens). */
export async function openDataDir(values: Values): Promise<DurableStore> {
  const dir = ensureDataDir(dataDir(values));
  return openActorSessions({ dir });
}

/** SQLite under `--data`, opened by the first call that needs a session (see `lazyActorSessions`). */
export function lazyDataDir(values: Values): DurableStore {
  return lazyActorSessions(dataDir(values));
}

/** A duet on Node with worker-thread sandboxes and the type checker; sessions in memory unless `durable` is given. */
export async function makeDuet(
  values: Values,
  policy?: PolicyDocument,
  log?: Logger,
  /** Sessions and rate limits (SQLite under `--data`, PostgreSQL); closed with the duet. */
  durable?: DurableStore,
): Promise<{ duet: Duet; close: () => Promise<void> }> {
  let sources: Awaited<ReturnType<typeof loadSources>>;
  let settings: ReturnType<typeof sandboxSettings>;
  try {
    sources = await loadSources(values);
    settings = sandboxSettings(limitFlags(values, policy));
  } catch (error) {
    await durable?.close();
    throw error;
  }
  const { apis, upstreams } = sources;
  const { limits, pool } = settings;
  const sandbox = createWorkerSandbox({
    ...pool,
    memoryBytes: limits.memoryBytes,
    stackBytes: limits.stackBytes,
  });
  let checker: NodeTypeChecker | undefined;
  const close = async () => {
    await sandbox.close();
    await checker?.close?.();
    await durable?.close();
  };
  try {
    // The agent, for commands that take the --llm-* flags (serve) and were given them.
    const llm = llmConfig(values);
    const duet = createDuet({
      ...(llm && {
        model: { url: llm.url, model: llm.model, provider: llm.provider, key: llm.key },
        maxSteps: llm.maxSteps,
        agentWatchdogMs: llm.watchdogMs,
      }),
      apis,
      sandbox,
      upstreams,
      sessions: durable?.sessions,
      allowFetch: values['allow-fetch'] as string[] | undefined,
      limits,
      typeChecker: (catalog) => (checker = createNodeTypeChecker(catalog)),
      version: VERSION,
      policy,
      rateLimiter: durable?.rateLimiter,
      log,
      docsAssets: nodeDocsAssets,
      ...embeddingsSettings(values, dataDir(values)),
    });
    return { duet, close };
  } catch (error) {
    await close();
    throw error;
  }
}
