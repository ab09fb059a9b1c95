/** Type-check latency against GitHub's 1,200-operation API: cold (first check) and warm, p50 and p95. */
import { createRequire } from 'node:module';
import { readSource } from '../adapters/node/read-source.ts';
import { nodeLibFiles } from '../adapters/node/typecheck-libs.ts';
import { Catalog, loadSpec } from '../src/catalog/index.ts';
import type { LibFiles } from '../src/typecheck/index.ts';
import { ms, sample, summarise, table } from './stats.ts';

/** Agent-style snippets, each naming different operations (so each needs its own typed declarations). */
const SNIPPETS = [
  `const issue = await github.issuesCreate({ owner: 'octo', repo: 'hello', body: { title: 'Bug', labels: ['bug'] } });\nreturn issue.number;`,
  `const list = await github.issuesListForRepo({ owner: 'octo', repo: 'hello', state: 'open', per_page: 50 });\nreturn list.map((i) => ({ n: i.number, title: i.title }));`,
  `const pr = await github.pullsGet({ owner: 'o', repo: 'r', pull_number: 1 });\nif (pr.mergeable) await github.pullsMerge({ owner: 'o', repo: 'r', pull_number: 1 });\nreturn pr.state;`,
  `const repo = await github.reposGet({ owner: 'o', repo: 'r' });\nreturn { stars: repo.stargazers_count, forks: repo.forks_count };`,
  `const runs = await github.actionsListWorkflowRunsForRepo({ owner: 'o', repo: 'r', status: 'failure' });\nreturn runs.workflow_runs.map((r) => r.id);`,
  `const me = await github.usersGetAuthenticated();\nconst repos = await github.reposListForAuthenticatedUser({ per_page: 100 });\nreturn { login: me.login, count: repos.length };`,
  `const commits = await github.reposListCommits({ owner: 'o', repo: 'r', sha: 'main' });\nawait state.put('last', commits[0]?.sha);\nreturn commits.length;`,
  `const release = await github.reposCreateRelease({ owner: 'o', repo: 'r', body: { tag_name: 'v1.0.0', name: 'v1' } });\nreturn release.html_url;`,
];
const WRONG = `const n: string = (await github.issuesCreate({ owner: 'o', repo: 'r', body: {} })).number;`;

function freshLibs(): LibFiles {
  // A new loader object is a new cache key: its lib files are parsed again, as in a new process.
  return (name) => nodeLibFiles(name);
}

export async function typecheckBench(): Promise<string> {
  const path = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json');
  const api = await loadSpec(path, readSource, { name: 'github' });
  const catalog = new Catalog([api]);

  let started = performance.now();
  const { createTypeChecker } = await import('../src/typecheck/index.ts');
  const importMs = performance.now() - started;
  started = performance.now();
  const first = createTypeChecker(catalog, { libFiles: nodeLibFiles });
  first.check(SNIPPETS[0]);
  const firstMs = performance.now() - started;

  const cold: number[] = [];
  for (let i = 0; i < 10; i++) {
    const begin = performance.now();
    createTypeChecker(new Catalog([api]), { libFiles: freshLibs() }).check(SNIPPETS[i % SNIPPETS.length]);
    cold.push(performance.now() - begin);
  }
  const coldStats = summarise(cold);

  const checker = createTypeChecker(catalog, { libFiles: nodeLibFiles });
  let i = 0;
  // Each run differs (a comment), as every agent snippet does; the operations repeat, as they do in a session.
  const same = await sample(200, () => checker.check(`${SNIPPETS[0]}\n// ${i++}`));
  const rotating = await sample(400, () => checker.check(`${SNIPPETS[i++ % SNIPPETS.length]}\n// ${i}`));
  const rejected = await sample(200, () => checker.check(`${WRONG}\n// ${i++}`));
  const uncached = createTypeChecker(catalog, { libFiles: nodeLibFiles, cacheSize: 1 });
  uncached.check('return 1;');
  const newOps = await sample(200, () => uncached.check(`${SNIPPETS[i++ % SNIPPETS.length]}\n// ${i}`), 16);

  const row = (name: string, s: { p50: number; p95: number }) => [name, ms(s.p50), ms(s.p95)];
  return table(
    `type-check latency against GitHub's REST API (${api.operations.length} operations), TypeScript compiler API, es2022 lib only`,
    ['case', 'p50', 'p95'],
    [
      [`load the compiler (\`import('typescript')\`, first in process)`, ms(importMs), '-'],
      ['cold: first check in process (parse lib files + declarations, unjitted compiler)', ms(firstMs), '-'],
      row('cold: new checker (lib files parsed again, declarations rebuilt), n=10', coldStats),
      row('warm: same operations as the previous check', same),
      row('warm: 8 snippets in rotation (typed declarations cached)', rotating),
      row('warm: operations not seen before (typed declarations built per check)', newOps),
      row('warm: rejected snippet (missing body field + wrong response type)', rejected),
    ],
  );
}
