/**
 * The actor conformance suite in-process on the Node running vitest: the memory reference plus
 * every SQLite library this Node can load (better-sqlite3 is built for one Node ABI; node:sqlite
 * needs Node >= 22.13). Other Node versions and runtimes run in child processes: test/runtimes/.
 */
import { describe, it } from 'vitest';
import { hasNodeSqlite, openSqlite, type SqliteBackend } from '../../adapters/node/sqlite-open.ts';
import { defineConformanceTests, memoryTarget } from '../../src/testing/index.ts';
import { nodeSqliteTarget } from '../runtimes/node/target.ts';

async function loads(backend: SqliteBackend): Promise<string | undefined> {
  if (backend === 'node:sqlite')
    return (await hasNodeSqlite())
      ? undefined
      : `node:sqlite needs Node >= 22.13, this is ${process.versions.node}`;
  try {
    (await openSqlite(':memory:', backend)).close();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe(memoryTarget().name, () => {
  const target = memoryTarget();
  defineConformanceTests({ target, test: (name, fn) => it(name, fn), skip: (name, fn) => it.skip(name, fn) });
});

for (const backend of ['better-sqlite3', 'node:sqlite'] as const) {
  const unavailable = await loads(backend);
  if (unavailable) {
    it.skip(`node-sqlite (${backend}) on Node ${process.versions.node}: ${unavailable}`, () => undefined);
    continue;
  }
  const target = await nodeSqliteTarget(backend);
  describe(target.name, () => {
    defineConformanceTests({
      target,
      test: (name, fn) => it(name, fn),
      skip: (name, fn) => it.skip(name, fn),
    });
  });
}
