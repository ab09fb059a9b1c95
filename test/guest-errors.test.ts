/** Errors a snippet meets at run time say what to fix: the operation meant, the upstream's reason. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuet } from '../src/duet.ts';
import { createQuickJSSandbox } from '../src/sandbox/index.ts';
import { githubApi } from './support/github.ts';
import { startUpstream, type Upstream } from './support/upstream.ts';

const sandbox = createQuickJSSandbox();
let upstream: Upstream;
let duet: ReturnType<typeof createDuet>;

beforeAll(async () => {
  upstream = await startUpstream();
  duet = createDuet({ apis: [await githubApi()], sandbox, upstreams: { github: { baseUrl: upstream.url } } });
});
afterAll(async () => {
  await sandbox.close();
  await upstream.close();
});

const run = (code: string) => duet.executor.execute({ code, typecheck: false });

describe('unknown operations at run time (where no type-check ran)', () => {
  it('suggest the operation meant for a typo, Octokit style and octokit.rest style', async () => {
    const cases: [string, string][] = [
      ['github.issueCreate({ owner: "o", repo: "r", body: { title: "t" } })', 'github.issuesCreate'],
      ['github.issues.create({ owner: "o", repo: "r", body: { title: "t" } })', 'github.issuesCreate'],
      ['github.rest.repos.get({ owner: "o", repo: "r" })', 'github.reposGet'],
      ['github.pulls.list({ owner: "o", repo: "r" })', 'github.pullsList'],
    ];
    for (const [call, meant] of cases) {
      const response = await run(`return await ${call}`);
      expect(response.ok).toBe(false);
      expect(response.error!.message).toMatch(/is not an operation of github; did you mean/);
      expect(response.error!.message, call).toContain(`did you mean ${meant}`);
    }
    expect(upstream.received).toHaveLength(0);
  });

  it('keep ordinary property access working', async () => {
    const response = await run(
      'return [typeof github.issuesCreate, "issuesCreate" in github, Object.keys(github).includes("reposGet"), JSON.stringify(Object.keys(await Promise.resolve(github)).length > 1000)]',
    );
    expect(response.result).toEqual(['function', true, true, 'true']);
  });
});

describe('an upstream error the snippet does not catch', () => {
  it("keeps the start of the upstream's answer in the message", async () => {
    const response = await run(
      'return await github.issuesCreate({ owner: "o", repo: "r", body: { title: "" } })',
    );
    expect(response.ok).toBe(false);
    expect(response.error!.message).toMatch(
      /answered 422 Unprocessable Entity: \{"message":"Validation Failed"/,
    );
    expect(response.error!.message.length).toBeLessThan(1_000);
  });
});
