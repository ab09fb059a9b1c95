/** The actor conformance suite on Deno (npm `deno`), with the Deno KV driver. */
import { join } from 'node:path';
import { describeRuntime, repoRoot } from './runtime-suite.ts';

describeRuntime({
  label: 'Deno (Deno KV)',
  command: join(repoRoot, 'node_modules/.bin/deno'),
  args: ['run', '-A', '--unstable-kv', 'test/runtimes/deno/run.ts'],
});
