/** Where a worker thread's script is: beside this file in dist/, or in dist/ when running from the sources. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundledEntry } from './bundled-entry.ts';

/**
 * Node 20 cannot run TypeScript in a worker, so when this file is loaded from source (vitest) the worker
 * comes from the build output: run `npm run build` first. `what` names the worker in the error. The
 * script's bundle (`sandbox-worker-bundle.js`, by adapters/node/build-cli.js) when it is current: a thread
 * then loads a few files instead of 20-45 modules.
 */
export function builtWorkerScript(file: string, what: string): URL {
  const here = import.meta.url;
  const dir = here.endsWith('.ts') ? new URL('../../dist/adapters/node/', here) : new URL('./', here);
  const url = bundledEntry(new URL(file, dir), new URL(file.replace(/\.js$/, '-bundle.js'), dir));
  if (!existsSync(fileURLToPath(url)))
    throw new Error(`${what} worker script not found at ${fileURLToPath(url)}: run \`npm run build\` first`);
  return url;
}
