/** A run written out: the JSON (timestamped and latest.json), the Markdown tables and the SVG charts. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FULL, QUICK } from './budgets.ts';
import type { BenchResult } from './result-types.ts';
import { ms, table } from './stats.ts';
import {
  BASELINE_RPS,
  type PeerSummary,
  type RuntimeSummary,
  summarisePeers,
  summariseRuntime,
  targets,
} from './summary.ts';
import { barChart } from './svg.ts';

const x = (v: number, digits = 2) => (Number.isFinite(v) ? `${v.toFixed(digits)}x` : '-');
const n0 = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '-');
const mib = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} MiB` : '-');
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const pair = (a: number, b: number) => `${ms(a)} / ${ms(b)}`;

function header(result: BenchResult): string {
  const m = result.machine;
  const v = result.versions;
  const load = (l: number[]) => l.map((a) => a.toFixed(1)).join(' ');
  return [
    `# duet benchmark (${result.mode} run, ${result.rounds} round${result.rounds > 1 ? 's' : ''})`,
    '',
    `\`${result.command}\` on ${m.cores} cores (${m.cpuModel}), ${(m.memoryBytes / 2 ** 30).toFixed(0)} GiB, ${m.os}; ` +
      `${result.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${Math.round(result.seconds)} s. ` +
      `Load average ${load(m.loadAverageStart)} at the start, ${load(m.loadAverageEnd)} at the end (other work shares the cores: figures are medians over rounds, ratios are taken within a round).`,
    '',
    `Runtimes: Node ${v.node20} (yours, runs the bench), Node ${v.node22} (npm's \`node\`), Bun ${v.bun}, ${v.deno}, ${v.workerd} (Miniflare ${v.miniflare}); npm ${v.npm} (\`npx duet\` runs in a project that installed duet, on the first \`node\` on PATH: yours).`,
  ].join('\n');
}

function targetTable(result: BenchResult, summaries: RuntimeSummary[]): string {
  const rows = targets(result, summaries);
  const ids = summaries.map((s) => s.id);
  const mark = (holds: boolean | undefined) => (holds === undefined ? '' : holds ? ' ✓' : ' ✗');
  return table(
    'Targets (DESIGN.md): the bold column is the runtime each target is stated for',
    ['target', 'limit', ...summaries.map((s) => s.id)],
    rows.map((t) => [
      t.name,
      t.limit,
      ...ids.map((id) => {
        const cell = t.cells[id];
        if (!cell) return '-';
        const text = `${cell.text}${mark(cell.holds)}`;
        return id === t.for || (t.for === 'workerd' && id.startsWith('node')) ? `**${text}**` : text;
      }),
    ]),
  );
}

function runtimeTables(result: BenchResult, summaries: RuntimeSummary[]): string[] {
  const budgets = result.mode === 'quick' ? QUICK : FULL;
  const seconds = (n: number) => `${n} s`;
  const has = (part: string) => result.parts.includes(part);
  const out: string[] = [];
  if (has('cold-start'))
    out.push(
      table(
        "Cold start: fresh process to the first 200 from /healthz, GitHub's spec (13 MB, 1,200 operations); median of rounds",
        [
          'runtime',
          'directly (`node adapters/node/bin.js serve`)',
          'min - max',
          'then the first search',
          'again on the same data directory (specs kept built)',
          'through `npx duet serve` (a project that installed duet)',
          "npx's own cost (`npx duet --version` minus direct)",
          'four specs, directly',
        ],
        summaries.map((s) => [
          s.label,
          ms(s.coldDirect),
          `${ms(s.coldDirectRange[0])} - ${ms(s.coldDirectRange[1])}`,
          ms(s.firstSearch),
          ms(s.restart),
          s.npxNote ? s.npxNote : ms(s.coldNpx),
          ms(s.npxOverhead),
          ms(s.start4),
        ]),
      ),
    );
  if (has('latency'))
    out.push(
      table(
        `Latency over HTTP on one keep-alive connection, every kind interleaved in a new shuffled order each time (GitHub's spec loaded; executes with \`typecheck: false\` unless checked), after ${seconds(budgets.latency.warmupMs / 1000)} of the same requests to warm up; p50 / p99, median of rounds`,
        [
          'runtime',
          '/healthz',
          'trivial execute',
          'ratio to /healthz',
          'p95 / p50',
          'search',
          'three upstream calls',
          'same, type-checked',
          'type-check cost',
          'type-check cost, one call',
        ],
        summaries.map((s) => [
          s.label,
          ms(s.healthz),
          pair(s.trivial, s.trivialP99),
          x(s.trivialToHealthz),
          x(s.trivialP95ToP50),
          pair(s.search, s.searchP99),
          pair(s.threeCalls, s.threeCallsP99),
          x(s.typecheckRatio),
          `+${ms(s.typecheckCost)}`,
          `+${ms(s.typecheckCostOne)}`,
        ]),
      ),
    );
  if (has('load'))
    out.push(
      table(
        `Throughput: trivial executes from 20 keep-alive connections (loopback) for ${seconds(budgets.load.seconds)}, after ${seconds(budgets.load.warmupSeconds)} of the same load to warm up (its rate beside it), median of rounds; the 2026-12 figure was ${BASELINE_RPS} req/s on Node`,
        [
          'runtime',
          'requests/s',
          'ratio to 650',
          'p50',
          'p99',
          'errors / requests',
          `during the first ${seconds(budgets.load.warmupSeconds)}`,
        ],
        summaries.map((s) => [
          s.label,
          n0(s.rps),
          x(s.rps / BASELINE_RPS, 1),
          ms(s.loadP50),
          ms(s.loadP99),
          `${s.loadErrors} / ${n0(s.loadRequests)}`,
          `${n0(s.warmupRps)} req/s`,
        ]),
      ),
    );
  if (has('memory')) {
    const points = [...new Set(summaries.flatMap((s) => s.leak.map((p) => p.runs)))].filter((r) => r > 0);
    out.push(
      table(
        'Memory: RSS of the serving process and its sandbox processes (launchers not counted), four specs loaded; idle = healthy, nothing asked yet, left alone 7 s (the type-checker loads with the first check, or search on Node); after N checked runs = 7 s after the last, RSS settled',
        [
          'runtime',
          'idle',
          'launcher',
          'after the load test',
          ...points.map((p) => `after ${n0(p)} checked runs`),
          'failed runs',
        ],
        summaries.map((s) => [
          s.label,
          mib(s.idleMiB),
          s.launcherMiB > 0 ? mib(s.launcherMiB) : '-',
          mib(s.afterLoadMiB),
          ...points.map((p) => mib(s.leak.find((l) => l.runs === p)?.rssMiB ?? Number.NaN)),
          String(s.leakFailures),
        ]),
      ),
    );
  }
  if (has('cpu'))
    out.push(
      table(
        "CPU-bound snippet (3M iterations of integer arithmetic) in the sandbox, over HTTP minus a trivial execute, against the same loop on the runtime's own JIT",
        ['runtime', 'in the sandbox', 'own JIT', 'ratio'],
        summaries.map((s) => [s.label, ms(s.cpuLoop), ms(s.jit), x(s.cpuRatio, 0)]),
      ),
    );
  return out;
}

function peerTables(result: BenchResult, peers: PeerSummary[]): string[] {
  const out: string[] = [];
  if (peers.length)
    out.push(
      table(
        `Sandbox peers on npm's Node 22, each in a fresh process per round, the same snippets; per-run p50 / p99, median of rounds`,
        [
          'sandbox',
          'version',
          'start (import + first run)',
          'trivial run',
          'three async host calls',
          'CPU loop vs own JIT',
          "trivial p50 / duet's",
          'RSS',
        ],
        peers.map((p) => [
          p.peer,
          p.version,
          ms(p.startMs),
          pair(p.trivial, p.trivialP99),
          pair(p.threeCalls, p.threeCallsP99),
          x(p.cpuRatio, 0),
          x(p.toDuet),
          mib(p.rssMiB),
        ]),
      ),
    );
  if (result.searchPeers?.length) {
    const s = result.searchPeers;
    out.push(
      table(
        `Search peers over ${n0(s[0].operations)} operations of eight APIs: recall on the blind evaluation's tuning half (${s[0].queries} queries; the held-out half is not used here), latency per query`,
        ['engine', 'version', 'recall@1', 'recall@5', 'recall@10', 'p50', 'p99', 'index build'],
        s.map((e) => [
          e.name,
          e.version,
          pct(e.recall.at1),
          pct(e.recall.at5),
          pct(e.recall.at10),
          ms(e.p50),
          ms(e.p99),
          ms(e.buildMs),
        ]),
      ),
    );
  }
  if (result.storage) {
    const { rows, skipped, timing, rivetkit } = result.storage;
    out.push(
      table(
        `Actor storage against its raw backend (best of ${timing.rounds} alternating ${timing.ms} ms rounds; ratio = time per op through duet / raw)`,
        ['runtime', 'adapter', 'operation', 'raw ops/s', 'duet ops/s', 'ratio'],
        [
          ...rows.map((r) => [
            r.runtime,
            r.adapter,
            r.op,
            n0(r.rawOps),
            n0(r.duetOps),
            x(r.rawOps / r.duetOps),
          ]),
          ...skipped.map((why) => ['', `not measured: ${why}`, '', '', '', '']),
        ],
      ),
    );
    if (rivetkit)
      out.push(
        table(
          `Actor state: RivetKit ${rivetkit.version} file-system driver beside duet's Node adapter (SQLite), one actor each, put and get through each framework's own client, ${rivetkit.node}`,
          ['operation', 'RivetKit ops/s', 'duet ops/s', "RivetKit time per op / duet's"],
          rivetkit.rows.map((r) => [r.op, n0(r.rivetkitOps), n0(r.duetOps), x(r.duetOps / r.rivetkitOps)]),
        ),
      );
  }
  return out;
}

function problems(result: BenchResult, summaries: RuntimeSummary[]): string {
  const lines = [
    ...result.skipped.map((s) => `- ${s.name}: skipped (${s.reason})`),
    ...result.sandboxPeers.skipped.map((s) => `- sandbox peer ${s.name}: not measured (${s.reason})`),
    ...summaries.flatMap((s) => s.errors.map((e) => `- ${s.label}: ${e}`)),
  ];
  return lines.length ? `\n### Not measured, with the reason\n\n${lines.join('\n')}` : '';
}

interface ChartFile {
  name: string;
  svg: string;
}

function charts(result: BenchResult, summaries: RuntimeSummary[], peers: PeerSummary[]): ChartFile[] {
  const files: ChartFile[] = [];
  const has = (part: string) => result.parts.includes(part);
  const group = (pick: (s: RuntimeSummary) => { series: string; value: number; note?: string }[]) =>
    summaries.map((s) => ({ label: s.label, bars: pick(s) }));
  if (has('cold-start'))
    files.push({
      name: 'cold-start.svg',
      svg: barChart({
        title: "Cold start to healthy with GitHub's spec",
        subtitle: 'fresh process to the first 200 from /healthz; median of rounds',
        unit: 'ms',
        groups: group((s) => [
          { series: 'directly', value: s.coldDirect },
          {
            series: 'through npx duet serve',
            value: s.npxNote ? Number.NaN : s.coldNpx,
            note: s.npxNote ? 'npx runs your Node' : undefined,
          },
        ]),
        targets: [
          { value: 1000, label: 'Node target 1 s' },
          { value: 2000, label: 'workerd target 2 s' },
        ],
      }),
    });
  if (has('latency'))
    files.push({
      name: 'execute-latency.svg',
      svg: barChart({
        title: 'Trivial execute beside /healthz on the same server',
        subtitle: 'p50 over HTTP, interleaved on one connection; the note is the ratio (target 2.5x)',
        unit: 'ms',
        groups: group((s) => [
          { series: '/healthz', value: s.healthz },
          { series: 'trivial execute', value: s.trivial, note: `${x(s.trivialToHealthz, 1)} /healthz` },
          { series: 'three upstream calls', value: s.threeCalls },
        ]),
      }),
    });
  if (has('load'))
    files.push({
      name: 'throughput.svg',
      svg: barChart({
        title: 'Throughput: trivial executes from 20 connections',
        subtitle: 'requests per second, median of rounds; note: ratio to the 650 req/s of 2026-12',
        unit: 'req/s',
        digits: 0,
        groups: group((s) => [
          {
            series: 'req/s',
            value: s.rps,
            note: `${x(s.rps / BASELINE_RPS, 1)}${s.loadErrors ? `, ${s.loadErrors} errors` : ''}`,
          },
        ]),
        targets: [{ value: 3 * BASELINE_RPS, label: `target ${3 * BASELINE_RPS}` }],
      }),
    });
  if (has('memory'))
    files.push({
      name: 'memory.svg',
      svg: barChart({
        title: 'RSS with GitHub + Stripe + Slack + Jira loaded',
        subtitle: 'serving process and its sandbox processes; idle, then after type-checked runs',
        unit: 'MiB',
        digits: 0,
        groups: group((s) => [
          { series: 'idle', value: s.idleMiB },
          ...s.leak
            .filter((p) => p.runs > 0)
            .map((p) => ({ series: `after ${n0(p.runs)} runs`, value: p.rssMiB })),
        ]),
        targets: [
          { value: 120, label: 'idle target' },
          { value: 300, label: 'after 2,000 runs target' },
        ],
      }),
    });
  if (has('cpu'))
    files.push({
      name: 'cpu.svg',
      svg: barChart({
        title: "CPU-bound snippet: sandbox against the runtime's own JIT",
        subtitle: 'time in the sandbox (log scale); the note is the ratio',
        unit: 'ms',
        log: true,
        groups: group((s) => [
          { series: 'in the sandbox', value: s.cpuLoop, note: `${x(s.cpuRatio, 0)} own JIT` },
          { series: 'own JIT', value: s.jit },
        ]),
      }),
    });
  if (peers.length)
    files.push({
      name: 'sandbox-peers.svg',
      svg: barChart({
        title: 'Sandboxes: per-run cost of a trivial snippet',
        subtitle:
          "p50 on Node 22, fresh context per run, log scale; the note is the ratio to duet's in-process run",
        unit: 'ms',
        log: true,
        groups: peers.map((p) => ({
          label: `${p.peer} ${p.version === 'this checkout' ? '' : p.version}`.trim(),
          bars: [
            { series: 'trivial run', value: p.trivial, note: `${x(p.toDuet, 1)} duet` },
            { series: 'three host calls', value: p.threeCalls },
          ],
        })),
      }),
    });
  if (result.searchPeers?.length)
    files.push({
      name: 'search-peers.svg',
      svg: barChart({
        title: 'Search: recall@5 on the tuning queries, and p50 per query',
        subtitle: `${result.searchPeers[0].operations} operations of eight APIs`,
        unit: '',
        digits: 2,
        groups: result.searchPeers.map((e) => ({
          label: `${e.name} ${e.version === 'this checkout' ? '' : e.version}`.trim(),
          bars: [
            { series: 'recall@5 (0-1)', value: e.recall.at5 },
            { series: 'p50 ms', value: e.p50 },
          ],
        })),
      }),
    });
  if (result.storage?.rows.length)
    files.push({
      name: 'storage.svg',
      svg: barChart({
        title: 'Actor storage: time per operation through duet / raw backend',
        subtitle: "target 1.2x; RivetKit rows: its time per op / duet's",
        unit: 'x',
        groups: [
          ...[...new Set(result.storage.rows.map((r) => `${r.runtime} ${r.adapter}`))].map((label) => ({
            label: label.replace(/^(Node|Bun|Deno) [\d.]+ /, '$1 ').replace('adapters/', ''),
            bars: result
              .storage!.rows.filter(
                (r) => `${r.runtime} ${r.adapter}` === label && (r.op === 'put' || r.op === 'get'),
              )
              .map((r) => ({ series: r.op, value: r.rawOps / r.duetOps })),
          })),
          ...(result.storage.rivetkit
            ? [
                {
                  label: `RivetKit ${result.storage.rivetkit.version} vs duet`,
                  bars: result.storage.rivetkit.rows.map((r) => ({
                    series: r.op,
                    value: r.duetOps / r.rivetkitOps,
                  })),
                },
              ]
            : []),
        ],
        targets: [{ value: 1.2, label: '1.2x' }],
      }),
    });
  return files;
}

export function renderMarkdown(result: BenchResult): { markdown: string; charts: ChartFile[] } {
  const summaries = result.runtimes.map(summariseRuntime);
  const peers = summarisePeers(result.sandboxPeers.rounds);
  const chartFiles = charts(result, summaries, peers);
  const serverParts = ['cold-start', 'latency', 'cpu', 'load', 'memory'].some((p) =>
    result.parts.includes(p),
  );
  const markdown = [
    header(result),
    serverParts ? targetTable(result, summaries) : '',
    ...runtimeTables(result, summaries),
    ...peerTables(result, peers),
    problems(result, summaries),
    chartFiles.length ? `\n### Charts\n\n${chartFiles.map((c) => `![${c.name}](${c.name})`).join('\n')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  return { markdown: `${markdown}\n`, charts: chartFiles };
}

/** Writes `<timestamp>.json`, latest.json, latest.md and the charts into `dir`; returns the paths. */
export function writeResults(result: BenchResult, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const stamp = result.startedAt.replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
  const json = `${JSON.stringify(result, null, 1)}\n`;
  const { markdown, charts: chartFiles } = renderMarkdown(result);
  const files: [string, string][] = [
    [`${stamp}${result.mode === 'quick' ? '-quick' : ''}.json`, json],
    ['latest.json', json],
    ['latest.md', markdown],
    ...chartFiles.map((c): [string, string] => [c.name, c.svg]),
  ];
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
