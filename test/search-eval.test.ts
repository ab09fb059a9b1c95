/** Search quality as a regression test: recall@k over eight real APIs is deterministic, so a drop is a change. */
import { beforeAll, describe, expect, it } from 'vitest';
import { evalApis } from '../bench/eval-catalog.ts';
import { type EvalResult, heldOutQueries, runSearchEval, tuningQueries } from '../bench/search-eval.ts';

let result: EvalResult;
beforeAll(async () => {
  result = await runSearchEval();
});

describe('search evaluation over GitHub, Stripe, Slack, Jira, Twilio, Zoom, Spotify and Asana', () => {
  it('has 100+ queries over five+ APIs in a 3,000+ operation catalog, naming only real operations', async () => {
    const queries = [...tuningQueries, ...heldOutQueries];
    expect(queries.length).toBeGreaterThanOrEqual(100);
    expect(
      new Set(queries.flatMap((q) => q.expect.map((name) => name.split('.')[0]))).size,
    ).toBeGreaterThanOrEqual(5);
    expect(result.operations).toBeGreaterThan(3000);
    // A renamed operation must fail here rather than count as a miss.
    const names = new Set(
      (await evalApis()).flatMap((api) => api.operations.map((op) => `${api.name}.${op.name}`)),
    );
    for (const name of queries.flatMap((q) => q.expect)) expect(names.has(name), name).toBe(true);
  });

  it('keeps recall@k at what the ranking achieves (all 164: @5 92.7%; held out 31: @5 90.3%)', () => {
    expect(result.all.at5).toBeGreaterThanOrEqual(0.9);
    expect(result.all.at1).toBeGreaterThanOrEqual(0.6);
    expect(result.all.at10).toBeGreaterThanOrEqual(0.94);
    expect(result.heldOut.at5).toBeGreaterThanOrEqual(0.87);
  });
});
