/** The /docs explorer's files on Deno: read from the swagger-ui-dist package in node_modules. */
import type { DocsAssets } from '../../src/http/docs.ts';

declare const Deno: {
  readFile(path: URL): Promise<Uint8Array>;
  stat(path: URL): Promise<unknown>;
};

let packageDir: Promise<URL> | undefined;

/**
 * Node's lookup by hand: the nearest node_modules/swagger-ui-dist above this file, in the checkout or where
 * npm hoisted it beside duet. (`import.meta.resolve('npm:...')` would need the npm registry or a deno.json
 * found from the working directory; the entry runs from anywhere.)
 */
async function findPackage(): Promise<URL> {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    const candidate = new URL('node_modules/swagger-ui-dist/', dir);
    try {
      await Deno.stat(new URL('package.json', candidate));
      return candidate;
    } catch {
      if (dir.pathname === '/') throw new Error('swagger-ui-dist is not installed: run npm install');
    }
  }
}

export const denoDocsAssets: DocsAssets = async (file) => {
  packageDir ??= findPackage();
  return Deno.readFile(new URL(file, await packageDir));
};
