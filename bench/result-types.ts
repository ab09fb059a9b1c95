/** The shape of bench/results/*.json: raw values per round, plus the medians the tables show. */

import type { RuntimeId } from './runtimes.ts';
import type { SearchPeerResult } from './search-peers.ts';
import type { LatencyRound, LeakCheck, LoadRound } from './server-bench.ts';
import type { BenchRow } from './storage-bench-core.ts';

/** A round's server: GitHub's spec; its start is the round's cold start. */
export interface ServerRound {
  round: number;
  /** Fresh process to healthy. */
  startMs: number;
  /** The first type-checked execute (the checker warms in the background after listening). */
  firstCheckedMs?: number;
  latency?: LatencyRound;
  cpu?: { loopMs: number; samples: number[] };
  load?: LoadRound;
  rssAfterLoadBytes?: number;
}

export interface RuntimeResult {
  id: RuntimeId;
  label: string;
  /** ms to healthy with GitHub's spec, one per round (NaN where a start failed). */
  /** `npxOverhead`: `npx duet --version` minus `node adapters/node/bin.js --version`, ms, per round. */
  coldStart: {
    direct: number[];
    npx: number[];
    npxOverhead: number[];
    /** ms from healthy to the first search answered (direct starts). */
    firstSearch: number[];
    /**
     * ms to healthy when the same server starts again on the same data directory, where its specs are kept
     * built (Node runtimes: the Node CLI keeps them; the other runtimes' processes load specs themselves).
     */
    restart?: number[];
    npxNote?: string;
  };
  rounds: ServerRound[];
  /** The server with GitHub, Stripe, Slack and Jira (once per runtime, last round). */
  memory?: {
    startMs: number;
    idleRss: { serverBytes: number; launcherBytes: number };
    firstCheckedMs: number;
    leak?: LeakCheck;
  };
  jitMs?: number;
  errors: string[];
}

export interface SandboxPeerResult {
  peer: string;
  version: string;
  node: string;
  startMs: number;
  trivial: { p50: number; p99: number; n: number };
  threeCalls: { p50: number; p99: number; n: number };
  cpuMs: number;
  jitMs: number;
  rssMiB: number;
}

export interface RivetkitResult {
  version: string;
  node: string;
  rows: { op: string; rivetkitOps: number; duetOps: number }[];
}

export interface Skipped {
  name: string;
  reason: string;
}

export interface BenchResult {
  schema: 1;
  startedAt: string;
  finishedAt: string;
  seconds: number;
  mode: 'full' | 'quick';
  parts: string[];
  rounds: number;
  command: string;
  machine: {
    cores: number;
    cpuModel: string;
    memoryBytes: number;
    os: string;
    loadAverageStart: number[];
    loadAverageEnd: number[];
  };
  versions: Record<string, string>;
  runtimes: RuntimeResult[];
  sandboxPeers: { rounds: SandboxPeerResult[][]; skipped: Skipped[] };
  searchPeers?: SearchPeerResult[];
  storage?: {
    rows: BenchRow[];
    skipped: string[];
    timing: { ms: number; rounds: number };
    rivetkit?: RivetkitResult;
  };
  skipped: Skipped[];
}
