/** The actor conformance suite on Node 22 (npm `node@22`), where the driver uses node:sqlite. */
import { join } from 'node:path';
import { describeRuntime, repoRoot } from './runtime-suite.ts';

describeRuntime({
  label: 'Node 22 (node:sqlite)',
  command: join(repoRoot, 'node_modules/node/bin/node'),
  args: ['--no-warnings', 'test/runtimes/node/run.ts'],
});
