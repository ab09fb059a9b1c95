/** The /docs explorer's files on Node: read from the installed swagger-ui-dist package. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { DocsAssets } from '../../src/http/docs.ts';

let packageDir: string | undefined;

/** For `createDuet({ docsAssets: nodeDocsAssets })`; the package is found once, the way `import` would find it. */
export const nodeDocsAssets: DocsAssets = async (file) => {
  packageDir ??= dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  return readFile(join(packageDir, file));
};
