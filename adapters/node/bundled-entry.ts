/** Which build of an entry runs: its bundle by `npm run build` (adapters/node/build-cli.js) or dist/. */
import { statSync } from 'node:fs';

/**
 * `bundle` unless it is missing (built without esbuild) or older than `plain` (dist/ compiled again
 * without bundling): then `plain`. `npm pack` gives every file the same time, so a bundle as old as
 * dist/ counts as current.
 */
export function bundledEntry(plain: URL, bundle: URL): URL {
  try {
    if (statSync(bundle).mtimeMs >= statSync(plain).mtimeMs) return bundle;
  } catch {
    // No bundle, or no build at all (the caller says so).
  }
  return plain;
}
