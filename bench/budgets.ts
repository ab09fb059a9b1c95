/** How much of each measurement a run makes: the full run (under ten minutes on 2 cores) and `--quick`. */

interface Leak {
  checkpoints: number[];
  concurrency: number;
  restMs: number;
  budgetMs: number;
  /** The fresh server is left alone this long before its idle RSS is taken. */
  idleMs: number;
}

export interface Budgets {
  /** `warmupMs` of the same interleaved requests first: a fresh server's JIT is still compiling its hot paths. */
  latency: { count: number; warmup: number; warmupMs: number; budgetMs: number };
  cpuRuns: number;
  load: { connections: number; seconds: number; warmupSeconds: number; maxRequests: number };
  /**
   * Type-checked runs after which RSS is taken (after `restMs` without requests, once it settles); the
   * whole check stops at `budgetMs`. A Node server gives back the heap a burst grew ~6.5 s after it
   * (adapters/node/heap-trim.ts: V8 shrinks the young generation only then), so the rests are 7 s.
   * `leak` is Node's (the runtime the targets are stated for), `leakOther` every other runtime's,
   * shorter to keep the run under ten minutes.
   */
  leak: Leak;
  leakOther: Leak;
  /** Cold starts through npx as well as directly. */
  npx: boolean;
  storage: { ms: number; rounds: number };
  sandboxPeers: { runs: number; cpuRuns: number };
  searchPeers: { repeats: number };
  peers: boolean;
}

export const FULL: Budgets = {
  latency: { count: 250, warmup: 5, warmupMs: 4_000, budgetMs: 5_000 },
  cpuRuns: 2,
  load: { connections: 20, seconds: 3, warmupSeconds: 2, maxRequests: 30_000 },
  leak: { checkpoints: [2_000, 4_000], concurrency: 4, restMs: 7_000, budgetMs: 150_000, idleMs: 7_000 },
  // One checkpoint: the growth target is Node's, and each rest costs the run 8 s per runtime.
  leakOther: { checkpoints: [200], concurrency: 4, restMs: 7_000, budgetMs: 20_000, idleMs: 7_000 },
  npx: true,
  storage: { ms: 30, rounds: 3 },
  sandboxPeers: { runs: 70, cpuRuns: 2 },
  searchPeers: { repeats: 3 },
  peers: true,
};

export const QUICK: Budgets = {
  latency: { count: 20, warmup: 2, warmupMs: 0, budgetMs: 2_000 },
  cpuRuns: 1,
  load: { connections: 20, seconds: 1, warmupSeconds: 0.3, maxRequests: 2_000 },
  leak: { checkpoints: [20, 40], concurrency: 4, restMs: 300, budgetMs: 10_000, idleMs: 300 },
  leakOther: { checkpoints: [20, 40], concurrency: 4, restMs: 300, budgetMs: 10_000, idleMs: 300 },
  npx: false,
  storage: { ms: 20, rounds: 1 },
  sandboxPeers: { runs: 20, cpuRuns: 1 },
  searchPeers: { repeats: 1 },
  peers: false,
};
