/** The serve configuration every runtime's entry receives, and how it becomes a running duet. */

import type { ModelProvider } from '../agent/model/types.ts';
import { jsonLogger } from '../audit/telemetry.ts';
import { createDuet, type Duet, type DuetConfig } from '../duet.ts';
import type { SessionStore } from '../execute/state.ts';
import type { RateLimiter } from '../policy/rate-limit.ts';
import type { PolicyInput } from '../policy/schema.ts';
import { parseLimitFlags } from '../sandbox/limit-flags.ts';
import type { Sandbox } from '../sandbox/types.ts';
import { buildUpstreams, loadApis, loadMcpApis } from './options.ts';

export { listeningLine } from './listening-line.ts';

/** What `duet serve` resolved from its flags; passed as JSON to the entry of `--runtime bun|deno|workerd`. */
export interface ServeConfig {
  port: number;
  host: string;
  /** Where durable state lives. */
  data: string;
  specs: string[];
  /** `NAME=URL` of MCP servers whose tools join the catalog. */
  mcp: string[];
  baseUrls: string[];
  headers: string[];
  allowFetch: string[];
  /** `--sandbox-limit NAME=VALUE` flags (see `parseLimitFlags`). */
  sandboxLimits?: string[];
  /** The policy file with the `--token`, `--read-only` and `--rate-limit` flags applied. */
  policy?: PolicyInput;
  version: string;
  /** `--store postgres://...`: sessions and rate limits in PostgreSQL, shared by several nodes. */
  store?: string;
  /** With `store`: how other nodes reach this one (default: the listening URL). */
  advertise?: string;
  /** With `store`: lease period in ms (`DUET_LEASE_MS`). */
  leaseMs?: number;
  /**
   * Set by the Node launcher: it keeps the entry's stdin open for as long as it lives, so the end of
   * stdin means the launcher is gone (even by kill -9) and the server should stop rather than live on as
   * an orphan holding the port and --data. See `readServeConfig`.
   */
  exitWithLauncher?: boolean;
  /** The agent's model (`--llm-url`, `--llm-model`, ...; the key from env DUET_LLM_KEY): POST /v1/sessions/{id}/messages. */
  llm?: LlmConfig;
}

export interface LlmConfig {
  url: string;
  model: string;
  provider?: ModelProvider;
  /** Travels on stdin like every credential here, never in argv. */
  key?: string;
  /** Model round trips per turn (default 20). */
  maxSteps?: number;
  /** How long a running turn may go unseen before its session's wake picks it up (env DUET_AGENT_WATCHDOG_MS). */
  watchdogMs?: number;
}

/**
 * Reads the config the launcher writes on stdin: one JSON line (or the whole stream, from a pipe that
 * ends after it). `launcherGone` resolves when stdin ends after the line, with `exitWithLauncher` set;
 * otherwise it never resolves.
 */
export async function readServeConfig(
  input: ReadableStream<Uint8Array>,
): Promise<{ config: ServeConfig; launcherGone: Promise<void> }> {
  const reader = input.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let ended = false;
  while (!text.includes('\n')) {
    const { value, done } = await reader.read();
    if (done) {
      ended = true;
      break;
    }
    text += decoder.decode(value, { stream: true });
  }
  const line = text.split('\n')[0];
  let config: ServeConfig;
  try {
    config = JSON.parse(line) as ServeConfig;
  } catch {
    throw new Error(
      'duet serve: the runtime entry expects its config as JSON on stdin; start it with duet serve --runtime',
    );
  }
  const forever = new Promise<void>(() => {});
  if (ended || !config.exitWithLauncher) return { config, launcherGone: forever };
  const launcherGone = (async () => {
    try {
      while (!(await reader.read()).done) {}
    } catch {
      // A broken pipe is the launcher gone too.
    }
  })();
  return { config, launcherGone };
}

export interface RuntimePieces {
  readSource: (source: string) => Promise<string>;
  sandbox: Sandbox;
  sessions?: SessionStore;
  /** Where rate-limit buckets live (the runtime's durable actors); default: memory. */
  rateLimiter?: RateLimiter;
  typeChecker?: DuetConfig['typeChecker'];
  /** The swagger-ui-dist files for /docs, read the runtime's way. */
  docsAssets?: DuetConfig['docsAssets'];
}

export async function duetFromConfig(config: ServeConfig, pieces: RuntimePieces): Promise<Duet> {
  const upstreams = buildUpstreams(config.baseUrls, config.headers);
  const apis = [
    ...(await loadApis(config.specs, pieces.readSource)),
    ...(await loadMcpApis(config.mcp, upstreams)),
  ];
  return createDuet({
    apis,
    sandbox: pieces.sandbox,
    sessions: pieces.sessions,
    typeChecker: pieces.typeChecker,
    upstreams,
    allowFetch: config.allowFetch,
    limits: parseLimitFlags(config.sandboxLimits).limits,
    version: config.version,
    policy: config.policy,
    rateLimiter: pieces.rateLimiter,
    log: jsonLogger(),
    docsAssets: pieces.docsAssets,
    ...(config.llm && {
      model: {
        url: config.llm.url,
        model: config.llm.model,
        provider: config.llm.provider,
        key: config.llm.key,
      },
      maxSteps: config.llm.maxSteps,
      agentWatchdogMs: config.llm.watchdogMs,
    }),
  });
}

/** Names `--data DIR` in a store's opening error unless the message already does. */
export function inDataDir(dir: string, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  return message.includes(dir) ? (error as Error) : new Error(`--data ${dir}: ${message}`, { cause: error });
}
