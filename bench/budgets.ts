/** How much of each measurement a run makes: the full run (under ten minutes on 2 cores) and `--quick`. */

export interface Budgets {
  latency: { count: number; warmup: number; budgetMs: number };
  cpuRuns: number;
  load: { connections: number; seconds: number; warmupSeconds: number; maxRequests: number };
  /** Type-checked runs after which RSS is taken; the whole check stops at `budgetMs` per runtime. */
  leak: { checkpoints: number[]; concurrency: number; restMs: number; budgetMs: number };
  /** Cold starts through npx as well as directly. */
  npx: boolean;
  storage: { ms: number; rounds: number };
  sandboxPeers: { runs: number; cpuRuns: number };
  searchPeers: { repeats: number };
  peers: boolean;
}

export const FULL: Budgets = {
  latency: { count: 150, warmup: 5, budgetMs: 8_000 },
  cpuRuns: 3,
  load: { connections: 20, seconds: 4, warmupSeconds: 1, maxRequests: 40_000 },
  leak: { checkpoints: [2_000, 4_000], concurrency: 4, restMs: 1_500, budgetMs: 75_000 },
  npx: true,
  storage: { ms: 60, rounds: 3 },
  sandboxPeers: { runs: 150, cpuRuns: 3 },
  searchPeers: { repeats: 3 },
  peers: true,
};

export const QUICK: Budgets = {
  latency: { count: 20, warmup: 2, budgetMs: 2_000 },
  cpuRuns: 1,
  load: { connections: 20, seconds: 1, warmupSeconds: 0.3, maxRequests: 2_000 },
  leak: { checkpoints: [20, 40], concurrency: 4, restMs: 300, budgetMs: 10_000 },
  npx: false,
  storage: { ms: 20, rounds: 1 },
  sandboxPeers: { runs: 20, cpuRuns: 1 },
  searchPeers: { repeats: 1 },
  peers: false,
};
