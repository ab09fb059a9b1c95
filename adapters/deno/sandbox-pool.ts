/** A Sandbox on a pool of Deno subprocesses that may only read duet's files, killed when a run overruns. */
import { encodeLine, readLines } from '../../src/sandbox/line-channel.ts';
import { createPoolSandbox, type PoolOptions } from '../../src/sandbox/pool.ts';
import type { Sandbox } from '../../src/sandbox/types.ts';
import type { WorkerInit } from '../../src/sandbox/worker-protocol.ts';

interface DenoChild {
  stdin: WritableStream<Uint8Array>;
  stdout: ReadableStream<Uint8Array>;
  status: Promise<{ code: number; signal: string | null }>;
  kill(signal?: string): void;
  ref(): void;
  unref(): void;
}

declare const Deno: {
  execPath(): string;
  env: { get(name: string): string | undefined };
  Command: new (
    command: string,
    options: {
      args: string[];
      cwd: string;
      stdin: 'piped';
      stdout: 'piped';
      stderr: 'inherit';
      clearEnv: boolean;
      env: Record<string, string>;
    },
  ) => { spawn(): DenoChild };
};

const root = decodeURIComponent(new URL('../../', import.meta.url).pathname);

/**
 * `deno` arguments of one sandbox subprocess: it may read duet's own files (sources, node_modules) and
 * nothing else: no network, no writes, no environment.
 */
export function sandboxProcessArgs(init: WorkerInit): string[] {
  return [
    'run',
    '--quiet',
    '--no-prompt',
    `--config=${root}deno.json`,
    `--allow-read=${root}`,
    `${root}adapters/deno/sandbox-process.ts`,
    JSON.stringify(init),
  ];
}

/** An environment variable, or undefined where the server may not read the environment. */
function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/**
 * Subprocesses rather than Web Workers: on Deno 2.9 `Worker.terminate()` leaves a worker thread spinning in
 * WASM (or in a plain `while (true)`) running, so only killing a process reclaims the CPU. The server needs
 * `--allow-run` for the Deno binary.
 */
export function createProcessSandbox(options: PoolOptions = {}): Sandbox {
  const denoDir = readEnv('DENO_DIR');
  return createPoolSandbox((init, events) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: sandboxProcessArgs(init),
      cwd: root,
      stdin: 'piped',
      stdout: 'piped',
      stderr: 'inherit',
      // Nothing of the server's environment but where Deno keeps its cache.
      clearEnv: true,
      env: denoDir ? { DENO_DIR: denoDir } : {},
    }).spawn();
    const writer = child.stdin.getWriter();
    void readLines(child.stdout, events.message).catch(() => {});
    void child.status.then(({ code, signal }) =>
      events.exit({ reason: signal ? `killed by ${signal}` : `exit code ${code}` }),
    );
    return {
      send(message) {
        // The process may be gone; its exit is reported through `status`.
        writer.write(encodeLine(message)).catch(() => {});
      },
      kill() {
        try {
          child.kill('SIGKILL');
        } catch {
          // Already exited.
        }
        return child.status;
      },
      hold: (busy) => (busy ? child.ref() : child.unref()),
    };
  }, options);
}
