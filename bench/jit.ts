/**
 * The CPU-bound snippet on each runtime's own JIT (no sandbox): Node, Bun and Deno evaluate it in a child
 * process; workerd runs it inside a Worker (through Miniflare), timed from outside because workerd stops
 * its clocks while a request computes.
 */
import { execFile } from 'node:child_process';
import { runtimeBinary } from '../adapters/node/package-info.ts';
import type { RuntimeId } from './runtimes.ts';
import { NODE22 } from './runtimes.ts';
import { CPU_LOOP } from './snippets.ts';
import { median } from './stats.ts';

const RUNS = 7;

/** Median ms of the loop after warm-up, printed as one number. */
const script = `const f = new Function(${JSON.stringify(CPU_LOOP)});
for (let i = 0; i < 3; i++) f();
const s = [];
for (let i = 0; i < ${RUNS}; i++) { const t = performance.now(); f(); s.push(performance.now() - t); }
s.sort((a, b) => a - b);
console.log(JSON.stringify(s[${RUNS >> 1}]));`;

function child(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${command}: ${(stderr || error.message).trim().split('\n')[0]}`));
      resolve(Number(stdout.trim().split('\n').pop()));
    });
  });
}

async function workerd(): Promise<number> {
  const { Miniflare } = await import('miniflare');
  const loop = CPU_LOOP.replace('return s;', 'return new Response(String(s));');
  const mf = new Miniflare({
    modules: true,
    compatibilityDate: '2025-01-01',
    script: `export default { async fetch(request) {
      if (new URL(request.url).pathname !== '/loop') return new Response('ok');
      ${loop}
    } };`,
  });
  try {
    await mf.ready;
    const time = async (path: string) => {
      const started = performance.now();
      await (await mf.dispatchFetch(`http://bench${path}`)).text();
      return performance.now() - started;
    };
    for (let i = 0; i < 3; i++) await time('/loop');
    const loopMs: number[] = [];
    const noopMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      noopMs.push(await time('/'));
      loopMs.push(await time('/loop'));
    }
    return median(loopMs) - median(noopMs);
  } finally {
    await mf.dispose();
  }
}

/** The loop's ms on `runtime`'s own JIT (the Worker Loader and QuickJS rows of workerd share one figure). */
export async function jitMs(runtime: RuntimeId): Promise<number> {
  switch (runtime) {
    case 'node20':
      return child(process.execPath, ['-e', script]);
    case 'node22':
      return child(NODE22, ['-e', script]);
    case 'bun':
      return child(runtimeBinary('bun'), ['-e', script]);
    case 'deno':
      return child(runtimeBinary('deno'), ['eval', '--quiet', script]);
    case 'workerd':
    case 'workerd-loader':
      return workerd();
  }
}
