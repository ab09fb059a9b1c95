/**
 * The actor conformance suite on the machine's own Node (first `node` on PATH outside node_modules;
 * Node 20 here, so better-sqlite3). `npm test` runs vitest on npm's `node@22` from node_modules/.bin,
 * so without this file the better-sqlite3 path would only be covered when vitest runs on Node 20.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { it } from 'vitest';
import { describeRuntime } from './runtime-suite.ts';

const systemNode = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => dir && !dir.includes('node_modules'))
  .map((dir) => join(dir, 'node'))
  .find((path) => existsSync(path));

if (!systemNode) {
  it.skip('system Node: no `node` on PATH outside node_modules', () => undefined);
} else if (realpathSync(systemNode) === realpathSync(process.execPath)) {
  it.skip(`system Node ${process.versions.node}: vitest runs on it, test/actor/conformance.test.ts covers it in-process`, () =>
    undefined);
} else {
  const version = spawnSync(systemNode, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const native =
    spawnSync(systemNode, ['-p', 'Boolean(process.features.typescript)'], {
      encoding: 'utf8',
    }).stdout.trim() === 'true';
  describeRuntime({
    label: `system Node ${version}`,
    command: systemNode,
    args: [
      '--no-warnings',
      ...(native ? [] : ['--import', './test/runtimes/node/register-ts.mjs']),
      'test/runtimes/node/run.ts',
    ],
  });
}
