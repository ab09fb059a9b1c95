/** Where a worker thread's script is: beside this file in dist/, or in dist/ when running from the sources. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Node 20 cannot run TypeScript in a worker, so when this file is loaded from source (vitest) the worker
 * comes from the build output: run `npm run build` first. `what` names the worker in the error.
 */
export function builtWorkerScript(file: string, what: string): URL {
  const here = import.meta.url;
  const url = here.endsWith('.ts')
    ? new URL(`../../dist/adapters/node/${file}`, here)
    : new URL(`./${file}`, here);
  if (!existsSync(fileURLToPath(url)))
    throw new Error(`${what} worker script not found at ${fileURLToPath(url)}: run \`npm run build\` first`);
  return url;
}
