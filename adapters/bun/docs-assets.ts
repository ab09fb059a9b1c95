/** The /docs explorer's files on Bun: read from the installed swagger-ui-dist package. */
import type { DocsAssets } from '../../src/http/docs.ts';

declare const Bun: { file(path: URL): { bytes(): Promise<Uint8Array> } };

let packageDir: URL | undefined;

/** The package is found once, from this file, the way `import` would find it. */
export const bunDocsAssets: DocsAssets = async (file) => {
  packageDir ??= new URL('.', import.meta.resolve('swagger-ui-dist/package.json'));
  return Bun.file(new URL(file, packageDir)).bytes();
};
