/**
 * Worker-thread entry of the Node type-checker (typecheck-thread.ts): loads the checker (typecheck-worker-
 * body.ts) with TypeScript's 9 MB compiler read in small pieces, so that loading it does not make glibc
 * keep up to 32 MiB of freed memory in every thread's heap for the rest of the process (small-reads.ts).
 */
import { createRequire } from 'node:module';
import { importWithSmallReads } from './small-reads.ts';

const compiler = createRequire(import.meta.url).resolve('typescript');
await importWithSmallReads([compiler], () => import('./typecheck-worker-body.ts'));
