/** The figures the tables and charts show, computed from a run's raw values: medians over rounds. */
import type { BenchResult, RuntimeResult, SandboxPeerResult } from './result-types.ts';
import { median } from './stats.ts';

const MiB = 2 ** 20;

export interface RuntimeSummary {
  id: string;
  label: string;
  coldDirect: number;
  coldNpx: number;
  npxOverhead: number;
  firstSearch: number;
  restart: number;
  coldDirectRange: [number, number];
  npxNote?: string;
  start4: number;
  firstChecked: number;
  healthz: number;
  trivial: number;
  trivialP95: number;
  trivialP99: number;
  trivialToHealthz: number;
  trivialP95ToP50: number;
  search: number;
  searchP99: number;
  threeCalls: number;
  threeCallsP99: number;
  typecheckCost: number;
  typecheckRatio: number;
  typecheckCostOne: number;
  rps: number;
  /** Requests per second while the load warmed up, before the measured seconds. */
  warmupRps: number;
  loadP50: number;
  loadP99: number;
  loadErrors: number;
  loadRequests: number;
  idleMiB: number;
  launcherMiB: number;
  afterLoadMiB: number;
  leak: { runs: number; rssMiB: number }[];
  leakFailures: number;
  cpuLoop: number;
  jit: number;
  cpuRatio: number;
  errors: string[];
}

const of = <T>(rows: T[], pick: (row: T) => number | undefined) =>
  median(rows.map(pick).filter((v): v is number => v !== undefined));

export function summariseRuntime(r: RuntimeResult): RuntimeSummary {
  const rounds = r.rounds;
  const finite = r.coldStart.direct.filter(Number.isFinite);
  const cpuLoop = of(rounds, (x) => x.cpu?.loopMs);
  return {
    id: r.id,
    label: r.label,
    coldDirect: median(r.coldStart.direct),
    coldNpx: median(r.coldStart.npx),
    npxOverhead: median(r.coldStart.npxOverhead ?? []),
    firstSearch: median(r.coldStart.firstSearch ?? []),
    restart: median(r.coldStart.restart ?? []),
    coldDirectRange: [Math.min(...finite), Math.max(...finite)],
    npxNote: r.coldStart.npxNote,
    start4: r.memory?.startMs ?? Number.NaN,
    firstChecked: of(rounds, (x) => x.firstCheckedMs),
    healthz: of(rounds, (x) => x.latency?.healthz.p50),
    trivial: of(rounds, (x) => x.latency?.trivial.p50),
    trivialP95: of(rounds, (x) => x.latency?.trivial.p95),
    trivialP99: of(rounds, (x) => x.latency?.trivial.p99),
    trivialToHealthz: of(rounds, (x) => x.latency?.trivialToHealthz),
    trivialP95ToP50: of(rounds, (x) => x.latency?.trivialP95ToP50),
    search: of(rounds, (x) => x.latency?.search.p50),
    searchP99: of(rounds, (x) => x.latency?.search.p99),
    threeCalls: of(rounds, (x) => x.latency?.threeCalls.p50),
    threeCallsP99: of(rounds, (x) => x.latency?.threeCalls.p99),
    typecheckCost: of(rounds, (x) => x.latency?.typecheckCostMs),
    typecheckRatio: of(rounds, (x) => x.latency?.typecheckRatio),
    typecheckCostOne: of(rounds, (x) => x.latency?.typecheckCostOneMs),
    rps: of(rounds, (x) => x.load?.requestsPerSecond),
    warmupRps: of(rounds, (x) => x.load?.warmupRequestsPerSecond),
    loadP50: of(rounds, (x) => x.load?.p50),
    loadP99: of(rounds, (x) => x.load?.p99),
    loadErrors: rounds.reduce((n, x) => n + (x.load?.errors ?? 0), 0),
    loadRequests: rounds.reduce((n, x) => n + (x.load?.requests ?? 0), 0),
    idleMiB: (r.memory?.idleRss.serverBytes ?? Number.NaN) / MiB,
    launcherMiB: (r.memory?.idleRss.launcherBytes ?? Number.NaN) / MiB,
    afterLoadMiB: of(rounds, (x) =>
      x.rssAfterLoadBytes === undefined ? undefined : x.rssAfterLoadBytes / MiB,
    ),
    leak: r.memory?.leak?.points.map((p) => ({ runs: p.runs, rssMiB: p.rssMiB })) ?? [],
    leakFailures: r.memory?.leak?.failures ?? 0,
    cpuLoop,
    jit: r.jitMs ?? Number.NaN,
    cpuRatio: cpuLoop / (r.jitMs ?? Number.NaN),
    errors: r.errors,
  };
}

export interface PeerSummary {
  peer: string;
  version: string;
  node: string;
  rounds: number;
  startMs: number;
  trivial: number;
  trivialP99: number;
  threeCalls: number;
  threeCallsP99: number;
  cpuRatio: number;
  rssMiB: number;
  /** This peer's trivial p50 over duet's in-process one, per round, median: above 1 is slower than duet. */
  toDuet: number;
  toDuetStart: number;
}

export function summarisePeers(rounds: SandboxPeerResult[][]): PeerSummary[] {
  const names = [...new Set(rounds.flat().map((p) => p.peer))];
  return names.map((peer) => {
    const mine = rounds.map((round) => round.find((p) => p.peer === peer)).filter((p) => p !== undefined);
    const ratio = (pick: (p: SandboxPeerResult) => number) =>
      median(
        rounds
          .map((round) => {
            const self = round.find((p) => p.peer === peer);
            const duet = round.find((p) => p.peer === 'duet');
            return self && duet ? pick(self) / pick(duet) : Number.NaN;
          })
          .filter(Number.isFinite),
      );
    return {
      peer,
      version: mine[0].version,
      node: mine[0].node,
      rounds: mine.length,
      startMs: of(mine, (p) => p.startMs),
      trivial: of(mine, (p) => p.trivial.p50),
      trivialP99: of(mine, (p) => p.trivial.p99),
      threeCalls: of(mine, (p) => p.threeCalls.p50),
      threeCallsP99: of(mine, (p) => p.threeCalls.p99),
      cpuRatio: of(mine, (p) => p.cpuMs / p.jitMs),
      rssMiB: of(mine, (p) => p.rssMiB),
      toDuet: ratio((p) => p.trivial.p50),
      toDuetStart: ratio((p) => p.startMs),
    };
  });
}

export interface Target {
  name: string;
  limit: string;
  /** Per runtime id: the value as text and whether it meets the limit (undefined: not measured). */
  cells: Record<string, { text: string; holds: boolean | undefined }>;
  /** The runtime the target is stated for. */
  for: string;
}

const fmtMs = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} ms` : '-');
const fmtX = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}x` : '-');
const fmtMiB = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} MiB` : '-');
const check = (v: number, ok: (v: number) => boolean) => (Number.isFinite(v) ? ok(v) : undefined);

export const BASELINE_RPS = 650;

/** DESIGN.md's performance targets, per runtime (stated for Node; the others shown beside it). */
export function targets(result: BenchResult, summaries: RuntimeSummary[]): Target[] {
  const rows: Target[] = [];
  const add = (
    name: string,
    limit: string,
    forId: string,
    value: (s: RuntimeSummary) => number,
    format: (v: number) => string,
    ok: (v: number) => boolean,
  ) => {
    const cells: Target['cells'] = {};
    for (const s of summaries) {
      const v = value(s);
      cells[s.id] = { text: format(v), holds: check(v, ok) };
    }
    rows.push({ name, limit, cells, for: forId });
  };
  const npxOn = 'node20';
  add(
    'cold start to healthy, GitHub spec, through `npx duet serve`',
    '< 1 s (Node), < 2 s (workerd)',
    npxOn,
    (s) => s.coldNpx,
    fmtMs,
    (v) => v < 1000,
  );
  const last = rows[rows.length - 1];
  for (const id of ['workerd', 'workerd-loader'])
    if (last.cells[id])
      last.cells[id].holds = check(summaries.find((s) => s.id === id)!.coldNpx, (v) => v < 2000);
  add(
    'cold start to healthy, GitHub spec, directly',
    '< 1 s (Node), < 2 s (workerd)',
    'workerd',
    (s) => s.coldDirect,
    fmtMs,
    (v) => v < 1000,
  );
  const direct = rows[rows.length - 1];
  for (const id of ['workerd', 'workerd-loader'])
    if (direct.cells[id])
      direct.cells[id].holds = check(summaries.find((s) => s.id === id)!.coldDirect, (v) => v < 2000);
  add(
    'trivial execute p50 / `/healthz` p50, same server',
    '<= 2.5x',
    'node20',
    (s) => s.trivialToHealthz,
    fmtX,
    (v) => v <= 2.5,
  );
  add(
    'trivial execute p95 / p50 (worker pool)',
    '<= 3x',
    'node20',
    (s) => s.trivialP95ToP50,
    fmtX,
    (v) => v <= 3,
  );
  add(
    `throughput, 20 connections, trivial execute (0 errors)`,
    `>= ${3 * BASELINE_RPS} req/s (3x ${BASELINE_RPS})`,
    'node20',
    (s) => (s.loadErrors > 0 ? -s.rps : s.rps),
    (v) => (Number.isFinite(v) ? `${Math.round(Math.abs(v))} req/s${v < 0 ? ' (errors)' : ''}` : '-'),
    (v) => v >= 3 * BASELINE_RPS,
  );
  add(
    'RSS idle, GitHub + Stripe + Slack + Jira',
    '< 120 MiB',
    'node20',
    (s) => s.idleMiB,
    fmtMiB,
    (v) => v < 120,
  );
  const at = (s: RuntimeSummary, runs: number) => s.leak.find((p) => p.runs === runs)?.rssMiB ?? Number.NaN;
  const [first, second] = result.mode === 'quick' ? [20, 40] : [2000, 4000];
  add(
    `RSS after ${first.toLocaleString('en-US')} type-checked runs`,
    '< 300 MiB',
    'node20',
    (s) => at(s, first),
    fmtMiB,
    (v) => v < 300,
  );
  add(
    `RSS growth from ${first.toLocaleString('en-US')} to ${second.toLocaleString('en-US')} runs`,
    '<= 10 MiB either way',
    'node20',
    (s) => at(s, second) - at(s, first),
    (v) => (Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${Math.round(v)} MiB` : '-'),
    (v) => Math.abs(v) <= 10,
  );
  return rows;
}
