/**
 * The actor conformance suite inside workerd against the Durable Object driver: run by
 * test/runtimes/workerd/run.ts (Node 22 runs its TypeScript), one test per case.
 */
import { join } from 'node:path';
import { describeRuntime, repoRoot } from './runtimes/runtime-suite.ts';

describeRuntime({
  label: 'workerd (Durable Objects, SQLite storage)',
  command: join(repoRoot, 'node_modules/node/bin/node'),
  args: ['--experimental-transform-types', '--no-warnings', 'test/runtimes/workerd/run.ts'],
  timeoutMs: 120_000,
});
