/**
 * Runs the `duet` CLI as a user would: `node adapters/node/bin.js ...` on the built package. Every process
 * started here is tracked (see processes.ts): a test file that leaves one running fails. Each gets its own
 * fresh DUET_DATA unless the caller passes `--data` or its own environment, so no test writes into the
 * per-user data directory and servers of parallel test files never share one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { killTree, track } from './processes.ts';

export const bin: string = fileURLToPath(new URL('../../adapters/node/bin.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(new URL('../../dist/adapters/node/cli.js', import.meta.url))) {
    throw new Error('the CLI tests run the built package: run `npm run build` first (npm test does)');
  }
}

let scratch: string | undefined;
let spawned = 0;
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

export interface SpawnOptions {
  /** The whole environment of the process (default: this one's, with a fresh DUET_DATA). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The CLI entry to run (default: this checkout's adapters/node/bin.js), e.g. an installed package's. */
  bin?: string;
  /** The Node binary that runs it (default: this process's). */
  execPath?: string;
  /** How long `startServer` waits for the listening line (default 20 s; workerd bundles first, slower on a busy machine). */
  startTimeoutMs?: number;
}

function environment(options: SpawnOptions): NodeJS.ProcessEnv {
  if (options.env) return options.env;
  scratch ??= mkdtempSync(join(tmpdir(), 'duet-cli-test-'));
  return { ...process.env, DUET_DATA: join(scratch, String(++spawned)) };
}

export function runCli(
  args: string[],
  input?: string,
  options: SpawnOptions = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.execPath ?? process.execPath, [options.bin ?? bin, ...args], {
      stdio: 'pipe',
      env: environment(options),
      cwd: options.cwd,
    });
    if (child.pid) track(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stderr(): string;
  /**
   * Stops the server and resolves with the launcher's exit code. SIGKILL goes to the launcher and every
   * process under it at once (under `--runtime` the real server is a child): `kill -9` of the server.
   */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /**
   * SIGKILL to the Node launcher alone, as when the user's terminal kills it; its children must follow.
   * Resolves with the launcher and every process under it just before the kill (workerd may have been
   * restarted since it listened).
   */
  killLauncher(): Promise<number[]>;
  /** The launcher and every process under it, as recorded after it listened. */
  pids: number[];
}

/**
 * workerd starts by bundling two Workers (one holds the TypeScript compiler): on a loaded 2-core machine
 * that has taken over 20 s. A bound, not a measure: the benchmark measures start-up.
 */
function defaultStartTimeout(args: string[]): number {
  return args.includes('workerd') ? 50_000 : 30_000;
}

/** Starts `duet serve --port 0 ...` and waits for its "listening" log line. */
export function startServer(args: string[], options: SpawnOptions = {}): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      options.execPath ?? process.execPath,
      [options.bin ?? bin, 'serve', '--port', '0', ...args],
      {
        stdio: 'pipe',
        env: environment(options),
        cwd: options.cwd,
      },
    );
    const root = child.pid!;
    track(root);
    let stderr = '';
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const timer = setTimeout(() => {
      // Not started in time: it must not outlive the test that gave up on it.
      killTree(root);
      reject(new Error(`server did not start:\n${stderr}`));
    }, options.startTimeoutMs ?? defaultStartTimeout(args));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${stderr}`));
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      const match = /"url":"([^"]+)"/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve({
          url: match[1],
          child,
          stderr: () => stderr,
          pids: track(root),
          stop: (signal = 'SIGTERM') => {
            track(root);
            if (signal === 'SIGKILL') killTree(root);
            else child.kill(signal);
            return exited;
          },
          killLauncher: async () => {
            const tree = track(root);
            child.kill('SIGKILL');
            await exited;
            return tree;
          },
        });
      }
    });
  });
}
