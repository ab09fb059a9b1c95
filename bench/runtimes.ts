/**
 * The runtimes the benchmark starts `duet serve` on, and how: the user's Node (the one running the
 * bench), npm's Node 22, and Bun, Deno and workerd through `--runtime`, each directly (`node
 * adapters/node/bin.js serve`) and through `npx duet serve`, the path a user types.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';
import { packageRoot, runtimeBinary } from '../adapters/node/package-info.ts';

export type RuntimeId = 'node20' | 'node22' | 'bun' | 'deno' | 'workerd' | 'workerd-loader';

export interface Runtime {
  id: RuntimeId;
  /** For tables: `Node 20.20.2`, `workerd (Worker Loader)`. */
  label: string;
  /** `duet serve` flags that pick this runtime. */
  flags: string[];
  /** The binary that starts the server directly. */
  launcher: string;
  /** The process that serves (RSS is its tree's): the launcher itself for Node. */
  serverProcess: 'launcher' | 'bun' | 'deno' | 'workerd';
  /** Why `npx duet serve` cannot start this runtime (then there is no npx column for it). */
  npxNote?: string;
  /** Environment on top of the user's. */
  env?: Record<string, string>;
}

export const BIN = `${packageRoot}adapters/node/bin.js`;
export const NODE22 = runtimeBinary('node');

function version(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', timeout: 20_000 }).trim().split('\n')[0];
  } catch (error) {
    return `unavailable (${(error as Error).message.split('\n')[0]})`;
  }
}

function packageVersion(name: string): string {
  try {
    return JSON.parse(readFileSync(`${packageRoot}node_modules/${name}/package.json`, 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

export interface Versions {
  node20: string;
  node22: string;
  bun: string;
  deno: string;
  workerd: string;
  miniflare: string;
  /** The `node` npx finds first in this checkout (node_modules/.bin: npm's Node 22; bin.js leaves it). */
  npxNode: string;
  npm: string;
}

export function runtimeVersions(): Versions {
  return {
    node20: process.version,
    node22: version(NODE22, ['--version']),
    bun: version(runtimeBinary('bun'), ['--version']),
    deno: version(runtimeBinary('deno'), ['--version']).replace(/ \(.*$/, ''),
    workerd: version(runtimeBinary('workerd'), ['--version']),
    miniflare: packageVersion('miniflare'),
    npxNode: version('npx', ['-c', 'node --version']),
    npm: version('npm', ['--version']),
  };
}

export function machine() {
  const cpu = cpus();
  return {
    cores: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    memoryBytes: totalmem(),
    freeMemoryBytes: freemem(),
    os: `${platform()} ${release()}`,
    loadAverage: loadavg(),
  };
}

export function runtimes(versions: Versions): Runtime[] {
  const nodeUser: Runtime = {
    id: 'node20',
    label: `Node ${versions.node20.replace(/^v/, '')} (yours)`,
    flags: [],
    launcher: process.execPath,
    serverProcess: 'launcher',
  };
  const list: Runtime[] = [
    nodeUser,
    {
      id: 'node22',
      label: `Node ${versions.node22.replace(/^v/, '')} (npm's node)`,
      flags: [],
      launcher: NODE22,
      serverProcess: 'launcher',
      // bin.js moves off npm's Node onto the user's unless told it already did (DUET_NODE_REEXEC).
      env: { DUET_NODE_REEXEC: '1' },
      npxNote: 'npx duet runs on your Node: see the Node 20 row',
    },
    {
      id: 'bun',
      label: `Bun ${versions.bun}`,
      flags: ['--runtime', 'bun'],
      launcher: process.execPath,
      serverProcess: 'bun',
    },
    {
      id: 'deno',
      label: `Deno ${versions.deno.replace(/^deno /, '')}`,
      flags: ['--runtime', 'deno'],
      launcher: process.execPath,
      serverProcess: 'deno',
    },
    {
      id: 'workerd',
      label: `workerd ${versions.workerd.replace(/^workerd /, '')} (QuickJS)`,
      flags: ['--runtime', 'workerd'],
      launcher: process.execPath,
      serverProcess: 'workerd',
    },
    {
      id: 'workerd-loader',
      label: 'workerd (Worker Loader)',
      flags: ['--runtime', 'workerd', '--sandbox', 'loader'],
      launcher: process.execPath,
      serverProcess: 'workerd',
    },
  ];
  return list;
}
