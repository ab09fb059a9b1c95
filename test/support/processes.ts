/**
 * Every process a test file starts through the CLI helpers, its descendants included (the Bun, Deno or
 * workerd server under `--runtime`, sandbox subprocesses), and a check after the file that none of them
 * is still alive: a test that leaks a server leaves a port and a data directory taken, and fails here.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, expect } from 'vitest';

interface Row {
  pid: number;
  ppid: number;
  /** `Z` for a zombie: dead, only not yet reaped. */
  state: string;
  command: string;
}

/** The process table (`ps` on Linux and macOS). */
function processTable(): Row[] {
  const out = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,stat=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((m) => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), state: m[3], command: m[4] }));
}

/** By pid: the command line it had when recorded, so a reused pid is not mistaken for it. */
const started = new Map<number, string>();

/** `root` and every descendant it has now. */
export function descendants(root: number): number[] {
  const table = processTable();
  const found = [root];
  for (let i = 0; i < found.length; i++)
    for (const row of table) if (row.ppid === found[i] && !found.includes(row.pid)) found.push(row.pid);
  return found.filter((pid) => table.some((row) => row.pid === pid));
}

/** Records `root` and its descendants (call it again later to catch processes started since). */
export function track(root: number): number[] {
  const table = processTable();
  const pids = descendants(root);
  for (const pid of pids) {
    const row = table.find((r) => r.pid === pid);
    if (row && !started.has(pid)) started.set(pid, row.command);
  }
  return pids;
}

/** The recorded processes still alive (same pid and command line, not a zombie). */
export function stillAlive(pids: Iterable<number> = started.keys()): { pid: number; command: string }[] {
  const table = processTable();
  return [...pids]
    .map((pid) => ({ pid, command: started.get(pid) }))
    .filter(({ pid, command }) =>
      table.some((row) => row.pid === pid && row.command === command && !row.state.startsWith('Z')),
    ) as { pid: number; command: string }[];
}

/** Waits (bounded) until none of `pids` is alive; resolves with those that still are. */
export async function waitGone(
  pids: Iterable<number> = [...started.keys()],
  timeoutMs = 10_000,
): Promise<{ pid: number; command: string }[]> {
  const list = [...pids];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = stillAlive(list);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** SIGKILL to `root` and every descendant at once: a `kill -9` of the whole server, nothing left to orphan. */
export function killTree(root: number): void {
  for (const pid of track(root).reverse()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
}

/**
 * After the test file: every process it started has exited. Stray ones are killed (so one leak does not
 * break the next file) and named in the failure.
 */
export async function expectNoStrayProcesses(): Promise<void> {
  const alive = await waitGone();
  for (const { pid } of alive) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  started.clear();
  expect(
    alive.map(({ pid, command }) => `${pid} ${command}`),
    'processes the tests left running',
  ).toEqual([]);
}

// Registered when a test file imports the CLI helpers: the check runs after that file's own hooks.
afterAll(expectNoStrayProcesses, 30_000);
