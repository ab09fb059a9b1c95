/**
 * The /docs explorer's files in the Worker, which has no filesystem: swagger-ui-dist's two files are Data
 * modules of the bundle (an ArrayBuffer each, by the rule in wrangler.jsonc and in bundle-worker.ts). Data
 * rather than Text: the bytes go out as they are, with no string to re-encode in every isolate.
 */

import css from 'swagger-ui-dist/swagger-ui.css';
import bundle from 'swagger-ui-dist/swagger-ui-bundle.js';
import type { DocsAssets, DocsFile } from '../../src/http/docs.ts';

const files: Record<DocsFile, ArrayBuffer> = { 'swagger-ui-bundle.js': bundle, 'swagger-ui.css': css };

export const workerDocsAssets: DocsAssets = async (file) => new Uint8Array(files[file]);
