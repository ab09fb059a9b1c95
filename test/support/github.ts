/** GitHub's real REST description (from @octokit/openapi), loaded once per test file. */
import { createRequire } from 'node:module';
import { readSource } from '../../adapters/node/read-source.ts';
import { type Api, loadSpec } from '../../src/catalog/index.ts';

export const githubSpecPath: string = createRequire(import.meta.url).resolve(
  '@octokit/openapi/generated/api.github.com.json',
);

let cached: Promise<Api> | undefined;
export function githubApi(): Promise<Api> {
  cached ??= loadSpec(githubSpecPath, readSource, { name: 'github' });
  return cached;
}
