/** `duet bench` flags: which parts, how long, where the results go. */
import { parseArgs } from 'node:util';
import { packageRoot } from '../adapters/node/package-info.ts';
import type { RuntimeId } from './runtimes.ts';

export const PARTS = {
  'cold-start': "fresh process to the first healthy /healthz with GitHub's spec, directly and through npx",
  latency:
    '/healthz, trivial execute, search, three upstream calls and the type-check, interleaved on one server',
  cpu: "a CPU-bound snippet in the sandbox against the runtime's own JIT",
  load: 'trivial executes from 20 keep-alive connections: requests per second, p50/p99, errors',
  memory: 'RSS idle with GitHub, Stripe, Slack and Jira loaded, and after 2,000 and 4,000 type-checked runs',
  storage: "actor storage against its raw backend on every adapter, and RivetKit's file-system driver",
  'sandbox-peers':
    '@ai-sdk/code-mode, run, @sebastianwessel/quickjs, quickjs-emscripten and node:vm beside duet',
  'search-peers': 'MiniSearch and Orama beside duet: recall on the tuning queries, latency, build time',
} as const;

export type Part = keyof typeof PARTS;
export const SERVER_PARTS: Part[] = ['cold-start', 'latency', 'cpu', 'load', 'memory'];
const RUNTIME_IDS: RuntimeId[] = ['node20', 'node22', 'bun', 'deno', 'workerd', 'workerd-loader'];

export interface BenchOptions {
  quick: boolean;
  parts: Part[];
  rounds: number;
  runtimes: RuntimeId[];
  /** Where results go (default bench/results/). */
  out: string;
}

export const HELP = `Usage: duet bench [--quick] [--only PART]... [--runtime ID]... [--rounds N] [--out DIR]

Starts \`duet serve\` on Node (yours and npm's Node 22), Bun, Deno and workerd (QuickJS and the Worker
Loader), each in a fresh process with the runtime order reversed each round, measures the same workload
on each, runs the peers on the same snippets and queries, and writes bench/results/: a timestamped JSON
and latest.json (raw samples kept), latest.md (the tables) and SVG charts. Ratios come from samples
interleaved inside one run; figures are medians over rounds. Takes under ten minutes on 2 cores.

  --quick             a smoke run: one round, small counts, no peers (CI calls it)
  --only PART         run only this part (repeatable or comma-separated):
${Object.entries(PARTS)
  .map(([name, what]) => `                        ${name.padEnd(14)} ${what}`)
  .join('\n')}
  --runtime ID        only these runtimes (repeatable or comma-separated): ${RUNTIME_IDS.join(', ')}
  --rounds N          rounds (default 3; 1 with --quick)
  --out DIR           write the results here instead of bench/results/ (--quick: bench/results/quick/)
  -h, --help          this help`;

const list = (values: string[] | undefined) => (values ?? []).flatMap((v) => v.split(',')).filter(Boolean);

/** Throws with a message naming the bad flag. */
export function parseBenchArgs(args: string[]): BenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      runtime: { type: 'string', multiple: true },
      rounds: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const parts = list(values.only);
  for (const part of parts)
    if (!Object.hasOwn(PARTS, part))
      throw new Error(`--only ${part}: one of ${Object.keys(PARTS).join(', ')}`);
  const chosen = list(values.runtime);
  for (const id of chosen)
    if (!RUNTIME_IDS.includes(id as RuntimeId))
      throw new Error(`--runtime ${id}: one of ${RUNTIME_IDS.join(', ')}`);
  const rounds = values.rounds === undefined ? (values.quick ? 1 : 3) : Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20)
    throw new Error(`--rounds ${values.rounds}: 1 to 20`);
  return {
    quick: values.quick ?? false,
    parts: parts.length ? (parts as Part[]) : (Object.keys(PARTS) as Part[]),
    rounds,
    runtimes: chosen.length ? (chosen as RuntimeId[]) : RUNTIME_IDS,
    // A quick run never overwrites the full run's tables (the README shows those).
    out: values.out ?? `${packageRoot}bench/results/${values.quick ? 'quick/' : ''}`,
  };
}
