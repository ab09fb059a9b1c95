/**
 * Servers the benchmark starts: each in its own process group (so a launcher, the runtime under it and
 * its sandbox subprocesses stop together), timed to the first healthy `/healthz`, measured by RSS from
 * /proc, and always stopped (`stopAll` on exit or interrupt).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface Started {
  child: ChildProcess;
  pid: number;
  url: string;
  /** From spawn to the first 200 from /healthz, in ms. */
  healthyMs: number;
  /** The last lines the process wrote to stderr (for error messages). */
  stderrTail(): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

/** A port free on 127.0.0.1 right now (the server binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Sends `signal` to the whole group; a group already gone is fine. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {}
}

function stopChild(child: ChildProcess): Promise<void> {
  if (!running.has(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(hard);
      // Launchers pass SIGTERM on, but a grandchild may outlive its parent by a moment: end the group.
      signalGroup(child, 'SIGKILL');
      running.delete(child);
      resolve();
    };
    const hard = setTimeout(() => {
      signalGroup(child, 'SIGKILL');
      setTimeout(done, 200);
    }, 6_000);
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => setTimeout(done, 50));
    signalGroup(child, 'SIGTERM');
  });
}

/** Stops every server still running (called at the end and on SIGINT/SIGTERM). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map(stopChild));
}

/**
 * Starts `command args` (with `--port N` appended) and resolves once /healthz answers 200, polling
 * every 10 ms from spawn on; rejects after `timeoutMs` or when the process exits first.
 */
export async function startServer(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Started> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = performance.now();
  const child = spawn(command, [...args, '--port', String(port)], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  running.add(child);
  // The launcher stops its runtime child when its stdin closes: keep it open until stop().
  child.stdin?.on('error', () => {});
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4_000);
  });
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`;
  });
  child.once('error', (error) => {
    exited = error.message;
  });
  const stop = () => stopChild(child);
  // For messages: the command without the long --spec/--base-url paths.
  const what = [command.split('/').pop(), ...args.map((a) => (a.length > 40 ? `${a.slice(0, 37)}...` : a))]
    .join(' ')
    .slice(0, 160);
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`${what} ${exited}: ${tail.trim().split('\n').slice(-3).join(' / ')}`);
    }
    if (await healthy(url)) break;
    if (performance.now() - started > timeoutMs) {
      await stop();
      throw new Error(`${what}: not healthy after ${timeoutMs} ms: ${tail.trim().slice(-300)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return {
    child,
    pid: child.pid!,
    url,
    healthyMs: performance.now() - started,
    stderrTail: () => tail,
    stop,
  };
}

interface ProcInfo {
  pid: number;
  ppid: number;
  name: string;
  rssBytes: number;
}

function procInfo(pid: number): ProcInfo | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '';
    return {
      pid,
      ppid: Number(field('PPid')),
      name: field('Name'),
      rssBytes: Number.parseInt(field('VmRSS') || '0', 10) * 1024,
    };
  } catch {
    return undefined;
  }
}

/** `root` and its descendants, each with its RSS (Linux /proc; empty elsewhere). */
export function processTree(root: number): ProcInfo[] {
  let all: ProcInfo[];
  try {
    all = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map((entry) => procInfo(Number(entry)))
      .filter((info): info is ProcInfo => info !== undefined);
  } catch {
    return [];
  }
  const found = all.filter((info) => info.pid === root);
  for (let i = 0; i < found.length; i++)
    for (const info of all) if (info.ppid === found[i].pid && !found.includes(info)) found.push(info);
  return found;
}

/** ms from spawn to exit of a short command (e.g. `npx duet --version`); rejects on failure. */
export function timeCommand(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(performance.now() - started);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}`));
    });
  });
}
