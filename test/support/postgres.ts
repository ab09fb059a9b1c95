/**
 * A real PostgreSQL server for tests: `initdb` of a temporary cluster, `postgres` on a free loopback
 * port with its unix socket in the same temporary directory, stopped (and the directory removed) by
 * `stop()`. As root the server runs as the `postgres` OS user (PostgreSQL refuses to run as root).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostgresServer {
  /** `postgres://duet@127.0.0.1:PORT/postgres` (trust authentication, loopback only). */
  url: string;
  port: number;
  /** The server's pid, for tests that stop or inspect it. */
  pid: number;
  /** A connection URL for another database on this server (create it first). */
  urlFor(database: string): string;
  /** Stops the server (fast shutdown, then SIGKILL) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

export interface PostgresOptions {
  /** `fsync` (default off: tests kill clients, never the server, so durability does not depend on it). */
  fsync?: boolean;
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string>;
}

const running = new Set<ChildProcess>();
// Whatever happens to the test process, no postgres outlives it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The directory of `initdb` and `postgres`: $PG_BIN, else the newest /usr/lib/postgresql/N/bin, else PATH. */
export function postgresBin(): string | undefined {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return join(root, versions[0], 'bin');
  }
  try {
    const found = execFileSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim();
    return found ? join(found, '..') : undefined;
  } catch {
    return undefined;
  }
}

/** Why PostgreSQL cannot run here, or undefined when it can. */
export function postgresUnavailable(): string | undefined {
  const bin = postgresBin();
  if (!bin || !existsSync(join(bin, 'initdb')))
    return 'PostgreSQL is not installed (apt-get install postgresql, or set PG_BIN to the directory of initdb)';
  if (process.getuid?.() === 0 && osUser('postgres') === undefined)
    return 'running as root and there is no `postgres` OS user to run the server as';
  return undefined;
}

function osUser(name: string): { uid: number; gid: number } | undefined {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name) return { uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  const unavailable = postgresUnavailable();
  if (unavailable) throw new Error(`test postgres: ${unavailable}`);
  const bin = postgresBin()!;
  const dir = mkdtempSync(join(tmpdir(), 'duet-pg-'));
  const data = join(dir, 'data');
  const user = process.getuid?.() === 0 ? osUser('postgres') : undefined;
  if (user) chownSync(dir, user.uid, user.gid);
  const as = user ? { uid: user.uid, gid: user.gid } : {};
  try {
    execFileSync(
      join(bin, 'initdb'),
      ['-D', data, '-U', 'duet', '-A', 'trust', '--encoding=UTF8', '--no-locale', '--no-sync'],
      { ...as, cwd: dir, stdio: 'pipe' },
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`test postgres: initdb failed: ${stderr || (error as Error).message}`);
  }
  const port = await freePort();
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dir,
    fsync: options.fsync ? 'on' : 'off',
    max_connections: '200',
    ...options.settings,
  };
  const args = [
    '-D',
    data,
    '-p',
    String(port),
    ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
  ];
  const child = spawn(join(bin, 'postgres'), args, { ...as, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let log = '';
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running.delete(child);
      resolve();
    }),
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`did not start within 30 s:\n${log}`)), 30_000);
      const onData = (chunk: Buffer) => {
        log += chunk;
        if (log.includes('ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`exited with ${code}:\n${log}`));
      });
    });
  } catch (error) {
    await stop();
    throw new Error(`test postgres: ${(error as Error).message}`);
  }
  const urlFor = (database: string) => `postgres://duet@127.0.0.1:${port}/${database}`;
  return { url: urlFor('postgres'), port, pid: child.pid!, urlFor, stop };
}
