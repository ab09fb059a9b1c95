/** The actor conformance suite on adapters/postgres, against a real PostgreSQL server started for this file. */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { conformanceCases, runCase } from '../../src/testing/index.ts';
import { type PostgresServer, postgresUnavailable, startPostgres } from '../support/postgres.ts';
import { postgresTarget } from './postgres-target.ts';

const unavailable = postgresUnavailable();
if (unavailable) {
  it.skip(`postgres: ${unavailable}`, () => undefined);
} else {
  let server: PostgresServer;
  let target: ReturnType<typeof postgresTarget>;
  beforeAll(async () => {
    server = await startPostgres();
    target = postgresTarget(server.url);
  });
  afterAll(async () => {
    await server?.stop();
  });
  describe(`postgres on Node ${process.versions.node}`, () => {
    // The target needs the server's URL, known only once beforeAll ran: one test per case, run lazily.
    for (const testCase of conformanceCases) {
      it(testCase.name, async (ctx) => {
        const result = await runCase(target, testCase);
        if (result.status === 'skipped') ctx.skip(result.message);
        if (result.status === 'failed') throw new Error(result.message);
      });
    }
  });
}
