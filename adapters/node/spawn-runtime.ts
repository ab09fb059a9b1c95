/** `duet serve --runtime bun|deno`: runs that runtime's entry as a child with the resolved config. */
import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import type { ServeConfig } from '../../src/config/serve-config.ts';
import { packageRoot, runtimeBinary } from './package-info.ts';

const commands: Record<string, (entry: string) => { bin: string; args: string[] }> = {
  bun: (entry) => ({ bin: runtimeBinary('bun'), args: [entry] }),
  deno: (entry) => ({
    bin: runtimeBinary('deno'),
    // Least privilege: network for serving and upstream calls, files for specs and --data, env for config,
    // running the Deno binary itself for the sandbox subprocesses.
    args: [
      'run',
      '--no-prompt',
      '--allow-net',
      '--allow-read',
      '--allow-write',
      '--allow-env',
      `--allow-run=${realBinary('deno')}`,
      '--unstable-kv',
      entry,
    ],
  }),
};

/** Deno checks `--allow-run` against the binary's real path (`Deno.execPath()`), not a symlink to it. */
function realBinary(name: string): string {
  const bin = runtimeBinary(name);
  return bin.includes('/') ? realpathSync(bin) : bin;
}

export const spawnableRuntimes: string[] = Object.keys(commands);

/** Resolves with the child's exit code; SIGTERM/SIGINT to this process are passed on to the child. */
export function serveOnRuntime(runtime: string, config: ServeConfig): Promise<number> {
  // Deno strips types only outside node_modules, and its entry and sandbox processes are duet's TypeScript
  // sources: from an installed package it would fail on the first import with a message about stripping.
  if (runtime === 'deno' && /[\\/]node_modules[\\/]/.test(packageRoot))
    return Promise.reject(
      new Error(
        'duet serve --runtime deno runs duet from its TypeScript sources, which Deno does not run from ' +
          'node_modules: use a checkout of duet, or the @duet/core package in a Deno project (README, Deno)',
      ),
    );
  const { bin, args } = commands[runtime](`${packageRoot}adapters/${runtime}/main.ts`);
  // The config holds tokens and credentials: it goes through stdin, never argv (which `ps` shows to all).
  // stdin then stays open: the kernel closes it when this process dies, however it dies, and the child
  // stops at that end of file instead of living on as an orphan on the port and --data.
  const child = spawn(bin, args, { stdio: ['pipe', 'inherit', 'inherit'] });
  child.stdin.on('error', () => {}); // EPIPE when the child is gone already: its exit is reported below.
  child.stdin.write(`${JSON.stringify({ ...config, exitWithLauncher: true } satisfies ServeConfig)}\n`);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve, reject) => {
    child.on('error', (error) =>
      reject(
        new Error(
          `duet serve --runtime ${runtime}: cannot start ${bin} (${error.message}): install it ` +
            `(npm install ${runtime}) or put it on PATH`,
        ),
      ),
    );
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
