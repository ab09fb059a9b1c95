/** Sandbox benchmark across runtimes in one table: Node measured here, Bun and Deno through their binaries. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { packageRoot, runtimeBinary } from '../adapters/node/package-info.ts';
import { createWorkerSandbox } from '../adapters/node/sandbox-pool.ts';
import { measureSandbox, type SandboxFigures } from './sandbox-measure.ts';
import { ms, table } from './stats.ts';

const probe = `${packageRoot}bench/sandbox-probe.ts`;

const commands: Record<string, string[]> = {
  bun: [runtimeBinary('bun'), probe],
  deno: [
    runtimeBinary('deno'),
    'run',
    '--quiet',
    `--config=${packageRoot}deno.json`,
    '--allow-read',
    '--allow-run',
    probe,
  ],
};

/** The figures of another runtime, or why it could not give them (reported in the table, not hidden). */
function measureOn(runtime: string): Promise<SandboxFigures | string> {
  const [bin, ...args] = commands[runtime];
  return new Promise((resolve) => {
    execFile(bin, args, { cwd: packageRoot, timeout: 300_000 }, (error, stdout, stderr) => {
      if (error) return resolve(`${runtime}: ${(stderr || error.message).trim().split('\n')[0]}`);
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop()!) as SandboxFigures);
      } catch {
        resolve(`${runtime}: unreadable output ${JSON.stringify(stdout.slice(0, 200))}`);
      }
    });
  });
}

/** Markdown: per runtime, sandbox start, trivial run in-process and through the pool, CPU loop vs native. */
export async function sandboxBench(): Promise<string> {
  const results: (SandboxFigures | string)[] = [
    await measureSandbox(`Node ${process.version}`, () => createWorkerSandbox({ size: 1 })),
  ];
  for (const runtime of Object.keys(commands)) results.push(await measureOn(runtime));
  const rows = results.map((r) =>
    typeof r === 'string'
      ? [r, '-', '-', '-', '-', '-', '-']
      : [
          r.runtime,
          `${ms(r.startMs)} / ${ms(r.contextMs)}`,
          `${ms(r.trivialP50)} / ${ms(r.trivialP95)}`,
          ms(r.poolStartMs),
          `${ms(r.poolP50)} / ${ms(r.poolP95)}`,
          `${ms(r.loopQuickJsMs)} vs ${ms(r.loopNativeMs)}`,
          `${(r.loopQuickJsMs / r.loopNativeMs).toFixed(0)}x`,
        ],
  );
  return table(
    'Sandbox: start, trivial run, CPU-bound loop (QuickJS in WASM against the JIT of the runtime)',
    [
      'runtime',
      'start: new module + first context / fresh context',
      'trivial run in-process p50 / p95',
      'pool: first run (worker start)',
      'trivial run through the pool p50 / p95',
      'CPU loop (5M iterations) QuickJS vs native',
      'ratio',
    ],
    rows,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) console.log(await sandboxBench());
