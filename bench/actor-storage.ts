/**
 * Actor storage micro-benchmark: put/get/list through duet's actor storage vs the same backend used
 * directly, for every adapter in one run. Node backends and unstorage run in this process; node:sqlite
 * runs on npm's Node 22 when this Node lacks it; Bun and Deno run bench/{bun,deno}-storage-probe.ts
 * as child processes (one after another, never concurrently) that print their rows as JSON.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createStorage, type Storage } from 'unstorage';
import fsDriver from 'unstorage/drivers/fs';
import { sqliteDriver } from '../adapters/node/sqlite-driver.ts';
import { hasNodeSqlite, openSqlite, type SqliteBackend } from '../adapters/node/sqlite-open.ts';
import { unstorageDriver } from '../adapters/unstorage/driver.ts';
import { table } from './stats.ts';
import {
  type BenchRow,
  type BenchTiming,
  type Contender,
  duetContender,
  KEYS_END,
  key,
  measurePair,
  PROBE_MARKER,
  type ProbeOutput,
  sqliteRawContender,
  timingFrom,
  value,
} from './storage-bench-core.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
/** The checkout: this file runs from bench/ (sources) or dist/bench/ (npm run bench). */
const root = basename(dirname(here)) === 'dist' ? resolve(here, '../..') : resolve(here, '..');
const nodeRuntime = `Node ${process.versions.node}`;

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'duet-bench-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One Node SQLite library: raw statements vs adapters/node's driver, both synchronous=FULL. */
async function nodeSqlite(backend: SqliteBackend, timing: BenchTiming): Promise<BenchRow[]> {
  return withDir(async (dir) => {
    const raw = sqliteRawContender(await openSqlite(join(dir, 'raw.sqlite'), backend));
    const duet = await duetContender(await sqliteDriver({ dir, backend }));
    try {
      return await measurePair(
        {
          runtime: nodeRuntime,
          adapter: `adapters/node (${backend})`,
          raw: `${backend}, JSON in a BLOB, WAL, synchronous=FULL`,
        },
        raw,
        duet,
        timing,
      );
    } finally {
      await duet.close?.();
      raw.close?.();
    }
  });
}

/** What an application would write with unstorage alone: setItem/getItem of the object, getKeys to list. */
function unstorageRaw(storage: Storage): Contender {
  return {
    put: (i) => storage.setItem(key(i), value(i)),
    get: (i) => storage.getItem(key(i)),
    list: async (i) => {
      const from = key(i);
      const keys = (await storage.getKeys('item'))
        .filter((k) => k >= from && k < KEYS_END)
        .sort()
        .slice(0, 100);
      return Promise.all(keys.map(async (k) => [k, await storage.getItem(k)]));
    },
  };
}

async function unstorageBench(kind: 'memory' | 'fs', timing: BenchTiming): Promise<BenchRow[]> {
  return withDir(async (dir) => {
    const open = (sub: string) =>
      kind === 'memory' ? createStorage() : createStorage({ driver: fsDriver({ base: join(dir, sub) }) });
    const rawStorage = open('raw');
    const duetStorage = open('duet');
    const duet = await duetContender(unstorageDriver(duetStorage));
    try {
      return await measurePair(
        {
          runtime: nodeRuntime,
          adapter: `adapters/unstorage (${kind})`,
          raw: `unstorage ${kind} driver, setItem/getItem, getKeys to list`,
        },
        unstorageRaw(rawStorage),
        duet,
        timing,
      );
    } finally {
      await duet.close?.();
      await rawStorage.dispose();
      await duetStorage.dispose();
    }
  });
}

/** Runs a probe and returns its rows, or why it could not. */
function runProbe(command: string, args: string[], timeoutMs = 60_000): Promise<ProbeOutput> {
  return new Promise((done) => {
    const skip = (why: string) => done({ rows: [], skipped: [why] });
    if (!existsSync(command)) {
      skip(`${command} is missing (npm install puts it there)`);
      return;
    }
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      skip(`${basename(command)}: ${error.message}`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(PROBE_MARKER));
      if (line) done(JSON.parse(line.slice(PROBE_MARKER.length)) as ProbeOutput);
      else
        skip(`${basename(command)} ${args.join(' ')} exited ${signal ?? code}: ${stderr.trim().slice(-500)}`);
    });
  });
}

/** This file on another Node: `node bench/actor-storage.ts --probe <backend> <timing json>`. */
async function probeMain(backend: SqliteBackend, timing: BenchTiming): Promise<void> {
  const output: ProbeOutput = { rows: await nodeSqlite(backend, timing), skipped: [] };
  console.log(PROBE_MARKER + JSON.stringify(output));
}

async function sqliteLoads(backend: SqliteBackend): Promise<string | undefined> {
  if (backend === 'node:sqlite') return (await hasNodeSqlite()) ? undefined : 'needs Node >= 22.13';
  try {
    (await openSqlite(':memory:', backend)).close();
    return undefined;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

/** Every adapter's rows (ops/s through duet and raw), and the adapters that could not be measured, with why. */
export async function actorStorageRows(
  options: Partial<BenchTiming> = {},
): Promise<{ rows: BenchRow[]; skipped: string[]; seconds: number; timing: BenchTiming }> {
  const timing: BenchTiming = { ms: options.ms ?? 100, rounds: options.rounds ?? 5 };
  const timingArg = JSON.stringify(timing);
  const rows: BenchRow[] = [];
  const skipped: string[] = [];
  const add = (output: ProbeOutput) => {
    rows.push(...output.rows);
    skipped.push(...output.skipped);
  };
  const started = performance.now();

  for (const backend of ['better-sqlite3', 'node:sqlite'] as const) {
    const missing = await sqliteLoads(backend);
    if (!missing) rows.push(...(await nodeSqlite(backend, timing)));
    else if (backend === 'node:sqlite')
      add(
        await runProbe(join(root, 'node_modules/node/bin/node'), [
          '--no-warnings',
          join(root, 'bench/actor-storage.ts'),
          '--probe',
          backend,
          timingArg,
        ]),
      );
    else skipped.push(`${backend} on ${nodeRuntime}: ${missing}`);
  }
  add(
    await runProbe(join(root, 'node_modules/.bin/bun'), [
      join(root, 'bench/bun-storage-probe.ts'),
      timingArg,
    ]),
  );
  add(
    await runProbe(join(root, 'node_modules/.bin/deno'), [
      'run',
      '-A',
      '--unstable-kv',
      join(root, 'bench/deno-storage-probe.ts'),
      timingArg,
    ]),
  );
  rows.push(...(await unstorageBench('memory', timing)));
  rows.push(...(await unstorageBench('fs', timing)));
  return { rows, skipped, seconds: (performance.now() - started) / 1000, timing };
}

export async function actorStorageBench(options: Partial<BenchTiming> = {}): Promise<string> {
  const { rows, skipped, seconds: elapsed, timing } = await actorStorageRows(options);
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const seconds = elapsed.toFixed(0);
  return table(
    `actor storage vs its raw backend, every adapter (small JSON values, 1,000 keys; best of ${timing.rounds} alternating ${timing.ms} ms rounds per side; ratio = time per op through duet / raw; ${seconds} s)`,
    ['runtime', 'adapter', 'raw backend', 'operation', 'raw ops/s', 'duet ops/s', 'ratio'],
    [
      ...rows.map((r) => [
        r.runtime,
        r.adapter,
        r.raw,
        r.op,
        fmt(r.rawOps),
        fmt(r.duetOps),
        `${(r.rawOps / r.duetOps).toFixed(2)}x`,
      ]),
      ...skipped.map((why) => ['', `not measured: ${why}`, '', '', '', '', '']),
    ],
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [flag, backend, timingArg] = process.argv.slice(2);
  if (flag === '--probe') await probeMain(backend as SqliteBackend, timingFrom(timingArg));
  else console.log(await actorStorageBench());
}
