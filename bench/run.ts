/**
 * duet's portability benchmark: the same workload on every runtime, in fresh processes, the runtime order
 * reversed each round, with the peers on the same snippets and queries; results kept and drawn.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { packageRoot } from '../adapters/node/package-info.ts';
import { actorStorageRows } from './actor-storage.ts';
import { type Budgets, FULL, QUICK } from './budgets.ts';
import { expectOk, httpClient } from './http-client.ts';
import { jitMs } from './jit.ts';
import type { BenchOptions, Part } from './options.ts';
import { ensurePeers, installedVersion, runProbe } from './peer-runner.ts';
import { startServer, stopAll, timeCommand } from './processes.ts';
import { type Progress, progress } from './progress.ts';
import { writeResults } from './report.ts';
import type {
  BenchResult,
  RivetkitResult,
  RuntimeResult,
  SandboxPeerResult,
  ServerRound,
  Skipped,
} from './result-types.ts';
import { BIN, machine, type Runtime, runtimes, runtimeVersions } from './runtimes.ts';
import { searchPeers } from './search-peers.ts';
import { cpuLoop, latency, leakCheck, serverRss, throughput, warmUp } from './server-bench.ts';
import { checkedCorpus, fourSpecs, githubSpec, tuningQueries } from './snippets.ts';
import { startUpstream, type Upstream } from './upstream.ts';

export const SANDBOX_PEERS = [
  'duet',
  'duet-pool',
  'code-mode',
  'run',
  'sebastianwessel-quickjs',
  'quickjs-emscripten',
  'vm',
] as const;

/** The package each sandbox peer is, for its version (duet's rows are this checkout). */
const PEER_PACKAGES: Record<string, string | undefined> = {
  'code-mode': '@ai-sdk/code-mode',
  run: 'run',
  'sebastianwessel-quickjs': '@sebastianwessel/quickjs',
  'quickjs-emscripten': 'quickjs-emscripten',
};

/** The environment a user's shell has: without what `npm run` adds (node_modules/.bin on PATH, npm_*). */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // The bench itself may run re-executed by bin.js (DUET_NODE_REEXEC): its children must decide afresh.
  for (const [name, value] of Object.entries(process.env))
    if (!/^npm_/i.test(name) && name !== 'DUET_NODE_REEXEC') env[name] = value;
  Object.assign(env, extra);
  env.PATH = (process.env.PATH ?? '')
    .split(':')
    .filter((dir) => !/node_modules\/\.bin\/?$/.test(dir) && !/node-gyp-bin/.test(dir))
    .join(':');
  return env;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 400);

function tempData(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'duet-bench-data-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

interface Context {
  budgets: Budgets;
  parts: Set<Part>;
  progress: Progress;
  upstream?: Upstream;
  rounds: number;
}

/**
 * A user's project with duet installed, laid out as `npm install <this checkout>` lays it out: a link
 * node_modules/duet to the checkout and node_modules/.bin/duet to its bin (the same files a registry
 * install unpacks). `npx duet` in duet's own checkout takes npm's path for a package running its own bin
 * instead (npm 11 installs the package into its npx cache first, ~0.2 s more), which no user pays.
 */
function userProject(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'duet-bench-user-'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'duet-bench-user', private: true, dependencies: { duet: `file:${packageRoot}` } }),
  );
  mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
  symlinkSync(packageRoot, join(dir, 'node_modules/duet'), 'dir');
  symlinkSync('../duet/adapters/node/bin.js', join(dir, 'node_modules/.bin/duet'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The runtimes the cold-start target through npx is stated for: measured through npx every round. */
const NPX_EVERY_ROUND = new Set<string>(['node20', 'workerd']);

/** The same start through `npx duet serve`, and what npx itself adds (its one-line `--version`). */
async function npxStart(
  runtime: Runtime,
  result: RuntimeResult,
  round: number,
  ctx: Context,
  /** Where `npx duet` runs: a project that installed duet (see userProject). */
  projectDir: string,
): Promise<void> {
  ctx.progress.step(`${runtime.id}: cold start through npx (round ${round + 1})`);
  try {
    const via = await timeCommand('npx', ['duet', '--version'], {
      cwd: projectDir,
      env: userEnv(),
    });
    const direct = await timeCommand(process.execPath, [BIN, '--version'], {
      cwd: packageRoot,
      env: userEnv(),
    });
    result.coldStart.npxOverhead.push(via - direct);
  } catch (error) {
    result.errors.push(`npx duet --version: ${message(error)}`);
  }
  const data = tempData();
  try {
    const server = await startServer(
      'npx',
      ['duet', 'serve', ...runtime.flags, '--spec', `github=${githubSpec()}`, '--data', data.dir],
      { cwd: projectDir, env: userEnv(), timeoutMs: 120_000 },
    );
    result.coldStart.npx.push(server.healthyMs);
    await server.stop();
  } catch (error) {
    result.coldStart.npx.push(Number.NaN);
    result.errors.push(`cold start through npx, round ${round + 1}: ${message(error)}`);
  } finally {
    data.remove();
  }
}

/** ms from healthy to the first search answered. */
async function firstSearch(url: string): Promise<number> {
  const client = httpClient(url);
  try {
    const started = performance.now();
    await expectOk(client, {
      method: 'POST',
      path: '/v1/search',
      body: { query: 'create an issue', limit: 5 },
    });
    return performance.now() - started;
  } finally {
    client.close();
  }
}

/** Resolves once POST /v1/check answers (it waits for the type-checker); servers without it: at once. */
/**
 * RSS once it stops moving (under 1 MiB over a second, at most `maxMs`), read no earlier than `minMs`: a
 * server warms up after it listens, and gives back heap when it has been quiet for a while.
 */
async function settledRss(
  read: () => { serverBytes: number; launcherBytes: number },
  { minMs = 0, maxMs = 20_000 } = {},
) {
  await sleep(minMs);
  let last = read();
  const deadline = performance.now() + maxMs;
  while (performance.now() < deadline) {
    await sleep(1_000);
    const now = read();
    const settled = Math.abs(now.serverBytes - last.serverBytes) < 2 ** 20;
    last = now;
    if (settled) break;
  }
  return last;
}

function serverArgs(runtime: Runtime, specs: [string, string][], data: string, upstream: Upstream): string[] {
  const args = [BIN, 'serve', ...runtime.flags, '--data', data];
  for (const [name, path] of specs)
    args.push('--spec', `${name}=${path}`, '--base-url', `${name}=${upstream.url}/${name}`);
  return args;
}

/**
 * Each round's server: GitHub's spec, its APIs pointed at the local upstream. Its start is the round's
 * cold start (fresh process to healthy), then the first search, latency, the CPU loop and the load.
 */
async function roundServer(
  runtime: Runtime,
  result: RuntimeResult,
  round: number,
  ctx: Context,
): Promise<void> {
  const { budgets, parts, upstream } = ctx;
  ctx.progress.step(`${runtime.id}: cold start and server with GitHub's spec (round ${round + 1})`);
  const data = tempData();
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    server = await startServer(
      runtime.launcher,
      serverArgs(runtime, [['github', githubSpec()]], data.dir, upstream!),
      {
        cwd: packageRoot,
        env: userEnv(runtime.env),
        timeoutMs: 180_000,
      },
    );
    const row: ServerRound = { round, startMs: server.healthyMs };
    result.rounds.push(row);
    result.coldStart.direct.push(server.healthyMs);
    // What a user waits for next: a search (a server may build its ranking after it listens).
    result.coldStart.firstSearch.push(await firstSearch(server.url));
    if (!['latency', 'cpu', 'load'].some((p) => parts.has(p as Part))) return;
    row.firstCheckedMs = await warmUp(server.url);
    const queries = tuningQueries().queries.map((q) => q.query);
    if (parts.has('latency')) row.latency = await latency(server.url, queries, budgets.latency);
    if (parts.has('cpu')) row.cpu = await cpuLoop(server.url, budgets.cpuRuns);
    if (parts.has('load')) {
      row.load = await throughput(server.url, budgets.load);
      row.rssAfterLoadBytes = serverRss(server.pid, runtime).serverBytes;
    }
  } catch (error) {
    result.coldStart.direct.push(Number.NaN);
    result.errors.push(`server, round ${round + 1}: ${message(error)}`);
  } finally {
    await server?.stop();
    if (server && KEEPS_BUILT_SPECS.has(runtime.id)) await restart(runtime, result, round, ctx, data.dir);
    data.remove();
  }
}

/** The runtimes whose `duet serve` keeps built specs in the data directory (the Node CLI's). */
const KEEPS_BUILT_SPECS = new Set<string>(['node20', 'node22']);

/** The same start again on the same data directory: what a user's restart waits for. */
async function restart(
  runtime: Runtime,
  result: RuntimeResult,
  round: number,
  ctx: Context,
  dataDir: string,
): Promise<void> {
  ctx.progress.step(`${runtime.id}: started again on the same data directory (round ${round + 1})`);
  result.coldStart.restart ??= [];
  const restarts = result.coldStart.restart;
  try {
    const server = await startServer(
      runtime.launcher,
      serverArgs(runtime, [['github', githubSpec()]], dataDir, ctx.upstream!),
      { cwd: packageRoot, env: userEnv(runtime.env), timeoutMs: 180_000 },
    );
    restarts.push(server.healthyMs);
    await server.stop();
  } catch (error) {
    restarts.push(Number.NaN);
    result.errors.push(`restart, round ${round + 1}: ${message(error)}`);
  }
}

/** Once per runtime: GitHub, Stripe, Slack and Jira loaded; RSS idle, then after type-checked runs. */
async function memoryServer(runtime: Runtime, result: RuntimeResult, ctx: Context): Promise<void> {
  const { upstream } = ctx;
  const leak = runtime.id === 'node20' ? ctx.budgets.leak : ctx.budgets.leakOther;
  ctx.progress.step(
    `${runtime.id}: four specs, RSS idle and after ${leak.checkpoints.join(' + ')} checked runs`,
  );
  const data = tempData();
  const specs = Object.entries(fourSpecs());
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    server = await startServer(runtime.launcher, serverArgs(runtime, specs, data.dir, upstream!), {
      cwd: packageRoot,
      env: userEnv(runtime.env),
      timeoutMs: 180_000,
    });
    const pid = server.pid;
    const rss = () => serverRss(pid, runtime);
    // Idle: healthy, nothing asked yet, left alone for a while (a server builds its search ranking after
    // listening and gives back what starting grew once quiet), until RSS settles. The type-checker is
    // loaded by the first check (or search on Node): the first point of the leak check is after it.
    const idleRss = await settledRss(rss, { minMs: leak.idleMs });
    const firstCheckedMs = await warmUp(server.url);
    result.memory = { startMs: server.healthyMs, idleRss, firstCheckedMs };
    result.memory.leak = await leakCheck(
      server.url,
      async () => (await settledRss(rss, { maxMs: 5_000 })).serverBytes,
      checkedCorpus(specs.map(([name]) => name)),
      leak.checkpoints,
      leak,
    );
  } catch (error) {
    result.errors.push(`four-spec server: ${message(error)}`);
  } finally {
    await server?.stop();
    data.remove();
  }
}

async function sandboxPeers(ctx: Context, rounds: number, peersReady: string | undefined) {
  const results: SandboxPeerResult[][] = [];
  const skipped: Skipped[] = [];
  const order = [...SANDBOX_PEERS];
  const failed = new Set<string>();
  for (let round = 0; round < rounds; round++) {
    const row: SandboxPeerResult[] = [];
    for (const peer of round % 2 ? [...order].reverse() : order) {
      ctx.progress.step(`sandbox peers: ${peer} (round ${round + 1})`);
      const pkg = PEER_PACKAGES[peer];
      if (pkg && peersReady) {
        if (!failed.has(peer)) skipped.push({ name: peer, reason: peersReady });
        failed.add(peer);
        continue;
      }
      if (failed.has(peer)) continue;
      const outcome = await runProbe<Omit<SandboxPeerResult, 'version'>>('sandbox-probe.mjs', [
        peer,
        JSON.stringify(ctx.budgets.sandboxPeers),
      ]);
      if (!outcome.ok) {
        failed.add(peer);
        skipped.push({ name: peer, reason: outcome.reason });
        continue;
      }
      row.push({ ...outcome.value, version: pkg ? (installedVersion(pkg) ?? '?') : 'this checkout' });
    }
    results.push(row);
  }
  return { rounds: results, skipped };
}

export async function runBench(options: BenchOptions): Promise<{ result: BenchResult; files: string[] }> {
  const started = new Date();
  const budgets = options.quick ? QUICK : FULL;
  const parts = new Set(options.parts);
  const versions = runtimeVersions();
  const chosen = runtimes(versions).filter((r) => options.runtimes.includes(r.id));
  const roundParts = ['cold-start', 'latency', 'cpu', 'load'].some((p) => parts.has(p as Part));
  const npxWanted = budgets.npx && parts.has('cold-start');
  const wantsServer = roundParts || parts.has('memory');
  const peersWanted = budgets.peers && (parts.has('sandbox-peers') || parts.has('storage'));
  const npxStarts = npxWanted
    ? chosen
        .filter((r) => !r.npxNote)
        .reduce((n, r) => n + (NPX_EVERY_ROUND.has(r.id) ? options.rounds : 1), 0)
    : 0;
  const total =
    (roundParts ? options.rounds * chosen.length : 0) +
    npxStarts +
    (parts.has('memory') ? chosen.length : 0) +
    (parts.has('cpu') ? chosen.length : 0) +
    (peersWanted ? 1 : 0) +
    (parts.has('sandbox-peers') && budgets.peers ? options.rounds * SANDBOX_PEERS.length : 0) +
    (parts.has('search-peers') ? 1 : 0) +
    (parts.has('storage') ? 1 + (budgets.peers ? 1 : 0) : 0);
  const bar = progress(total);
  const onSignal = (signal: NodeJS.Signals) => {
    bar.note(`${signal}: stopping the servers`);
    void stopAll().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const ctx: Context = { budgets, parts, progress: bar, rounds: options.rounds };
  const project = npxWanted ? userProject() : undefined;
  const skipped: Skipped[] = [];
  const results: RuntimeResult[] = chosen.map((r) => ({
    id: r.id,
    label: r.label,
    coldStart: {
      direct: [],
      npx: [],
      npxOverhead: [],
      firstSearch: [],
      ...(r.npxNote && { npxNote: r.npxNote }),
    },
    rounds: [],
    errors: [],
  }));
  const result: BenchResult = {
    schema: 1,
    startedAt: started.toISOString(),
    finishedAt: '',
    seconds: 0,
    mode: options.quick ? 'quick' : 'full',
    parts: [...parts],
    rounds: options.rounds,
    command: `npm run bench${options.quick ? ' -- --quick' : ''}`,
    machine: (() => {
      const m = machine();
      return {
        cores: m.cores,
        cpuModel: m.cpuModel,
        memoryBytes: m.memoryBytes,
        os: m.os,
        loadAverageStart: m.loadAverage,
        loadAverageEnd: [],
      };
    })(),
    versions: { ...versions },
    runtimes: results,
    sandboxPeers: { rounds: [], skipped: [] },
    skipped,
  };

  try {
    if (wantsServer) {
      ctx.upstream = await startUpstream();
      for (let round = 0; round < options.rounds; round++) {
        const order = round % 2 ? [...chosen].reverse() : chosen;
        for (const runtime of order) {
          const entry = results.find((r) => r.id === runtime.id)!;
          if (roundParts) await roundServer(runtime, entry, round, ctx);
          // npx adds the same cost to every runtime: each round for the runtimes the target is stated for
          // (its own cost varies by 0.5 s from one start to the next), the first round for the others.
          if (project && !runtime.npxNote && (round === 0 || NPX_EVERY_ROUND.has(runtime.id)))
            await npxStart(runtime, entry, round, ctx, project.dir);
          if (parts.has('memory') && round === options.rounds - 1) await memoryServer(runtime, entry, ctx);
        }
      }
      if (!budgets.npx && parts.has('cold-start'))
        skipped.push({ name: 'cold start through npx', reason: 'quick' });
    }
    if (parts.has('cpu')) {
      const cache = new Map<string, number>();
      for (const runtime of chosen) {
        bar.step(`${runtime.id}: the CPU loop on the runtime's own JIT`);
        const key = runtime.id.startsWith('workerd') ? 'workerd' : runtime.id;
        const entry = results.find((r) => r.id === runtime.id)!;
        try {
          if (!cache.has(key)) cache.set(key, await jitMs(runtime.id));
          entry.jitMs = cache.get(key);
        } catch (error) {
          entry.errors.push(`own JIT: ${message(error)}`);
        }
      }
    }
    let peersReady: string | undefined;
    if (peersWanted) {
      bar.step('peers: bench/peers installed');
      peersReady = await ensurePeers((text) => bar.note(text));
      if (peersReady) bar.note(`peers unavailable: ${peersReady}`);
    }
    if (parts.has('sandbox-peers')) {
      if (budgets.peers) result.sandboxPeers = await sandboxPeers(ctx, options.rounds, peersReady);
      else skipped.push({ name: 'sandbox peers', reason: 'quick' });
    }
    if (parts.has('search-peers')) {
      bar.step('search peers: duet, MiniSearch, Orama over eight APIs');
      try {
        result.searchPeers = await searchPeers({
          rounds: options.rounds,
          repeats: budgets.searchPeers.repeats,
        });
      } catch (error) {
        skipped.push({ name: 'search peers', reason: message(error) });
      }
    }
    if (parts.has('storage')) {
      bar.step('actor storage against the raw backend, every adapter');
      const storage = await actorStorageRows(budgets.storage);
      result.storage = { ...storage };
      if (budgets.peers) {
        bar.step('actor storage: RivetKit file-system driver beside duet');
        if (peersReady) skipped.push({ name: 'rivetkit', reason: peersReady });
        else {
          const outcome = await runProbe<RivetkitResult>('rivetkit-probe.mjs', [
            JSON.stringify(budgets.storage),
          ]);
          if (outcome.ok) result.storage.rivetkit = outcome.value;
          else skipped.push({ name: 'rivetkit', reason: outcome.reason });
        }
      } else skipped.push({ name: 'rivetkit', reason: 'quick' });
    }
  } finally {
    await stopAll();
    await ctx.upstream?.close();
    project?.remove();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  bar.done();
  const finished = new Date();
  result.finishedAt = finished.toISOString();
  result.seconds = (finished.getTime() - started.getTime()) / 1000;
  result.machine.loadAverageEnd = loadavg();
  const files = writeResults(result, options.out);
  return { result, files };
}
