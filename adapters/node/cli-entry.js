/**
 * Which built CLI bin.js loads. Plain JavaScript: bin.js runs before anything is compiled.
 */
import { statSync } from 'node:fs';

/**
 * The CLI bundled by `npm run build` (adapters/node/build-cli.js: a few chunk files start ~150 ms sooner
 * than the ~400 modules of dist/), unless it is missing (built without esbuild) or older than dist/
 * (compiled again without bundling); then dist/ as TypeScript compiled it. `npm pack` gives every file
 * the same time, so a bundle as old as dist/ counts as current.
 */
export function cliEntry(distNodeDir) {
  const plain = new URL('cli.js', distNodeDir);
  const bundle = new URL('cli-bundle.js', distNodeDir);
  try {
    if (statSync(bundle).mtimeMs >= statSync(plain).mtimeMs) return bundle;
  } catch {
    // No bundle, or no build at all (bin.js says so).
  }
  return plain;
}
