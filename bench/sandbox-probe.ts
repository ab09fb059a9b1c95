/** `bun bench/sandbox-probe.ts` / `deno run ... bench/sandbox-probe.ts`: this runtime's sandbox figures as JSON. */
import { measureSandbox } from './sandbox-measure.ts';

declare const Deno: { version: { deno: string } } | undefined;
declare const Bun: { version: string } | undefined;

const runtime = typeof Deno !== 'undefined' ? `Deno ${Deno.version.deno}` : `Bun ${Bun?.version}`;
const adapter =
  typeof Deno !== 'undefined' ? '../adapters/deno/sandbox-pool.ts' : '../adapters/bun/sandbox-pool.ts';
const { createProcessSandbox } = await import(adapter);
console.log(JSON.stringify(await measureSandbox(runtime, () => createProcessSandbox({ size: 1 }))));
