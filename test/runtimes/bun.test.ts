/** The actor conformance suite on Bun (npm `bun`), with the bun:sqlite driver. */
import { join } from 'node:path';
import { describeRuntime, repoRoot } from './runtime-suite.ts';

describeRuntime({
  label: 'Bun (bun:sqlite)',
  command: join(repoRoot, 'node_modules/.bin/bun'),
  args: ['run', 'test/runtimes/bun/run.ts'],
});
