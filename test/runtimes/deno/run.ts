/** Runs the conformance suite on Deno against Deno KV: `deno run -A --unstable-kv test/runtimes/deno/run.ts [filter]`. */
import { runConformance } from '../../../src/testing/index.ts';
import { printResults } from '../print-results.ts';
import { denoKvTarget } from './target.ts';

declare const Deno: { args: string[] };

const target = denoKvTarget();
const only = Deno.args[0];
const results = await runConformance(target, {
  only: only ? (name) => name.includes(only) : undefined,
  onResult: (r) =>
    console.error(
      `${r.status.padEnd(7)} ${r.name} (${r.ms} ms)${r.status === 'failed' ? `\n${r.message}` : ''}`,
    ),
});
printResults(target.name, results, (line) => console.log(line));
