/** A Sandbox on a pool of Bun subprocesses, killed with SIGKILL when a run outlives its deadline. */
import { encodeLine, readLines } from '../../src/sandbox/line-channel.ts';
import { createPoolSandbox, type PoolOptions } from '../../src/sandbox/pool.ts';
import type { Sandbox } from '../../src/sandbox/types.ts';

interface BunSubprocess {
  stdin: { write(data: Uint8Array): number; flush(): unknown };
  stdout: ReadableStream<Uint8Array>;
  exited: Promise<number>;
  signalCode: string | null;
  kill(signal?: number): void;
  ref(): void;
  unref(): void;
}

declare const Bun: {
  spawn(
    cmd: string[],
    options: { stdin: 'pipe'; stdout: 'pipe'; stderr: 'inherit'; env?: Record<string, string> },
  ): BunSubprocess;
};
declare const process: { execPath: string };

/** The subprocess entry; `bun ENTRY INIT_JSON` starts one sandbox process. */
export const sandboxProcessEntry: string = decodeURIComponent(
  new URL('./sandbox-process.ts', import.meta.url).pathname,
);

/**
 * Subprocesses rather than Workers: on Bun 1.4 `Worker.terminate()` leaves a thread that spins in WASM (or
 * in a plain `while (true)`) running, so only killing a process reclaims the CPU. The child gets an empty
 * environment: it needs nothing from the server's.
 */
export function createProcessSandbox(options: PoolOptions = {}): Sandbox {
  return createPoolSandbox((init, events) => {
    const child = Bun.spawn([process.execPath, sandboxProcessEntry, JSON.stringify(init)], {
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'inherit',
      env: {},
    });
    void readLines(child.stdout, events.message).catch(() => {});
    void child.exited.then((code) =>
      events.exit({ reason: child.signalCode ? `killed by ${child.signalCode}` : `exit code ${code}` }),
    );
    return {
      send(message) {
        try {
          child.stdin.write(encodeLine(message));
          child.stdin.flush();
        } catch {
          // The process is gone; its exit is reported through `exited`.
        }
      },
      kill() {
        child.kill(9);
        return child.exited;
      },
      hold: (busy) => (busy ? child.ref() : child.unref()),
    };
  }, options);
}
