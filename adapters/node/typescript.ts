/**
 * What `#typescript` (package.json "imports") is on Node: the compiler loaded through `require`, not
 * through the ES module loader. Importing a CommonJS file from an ES module makes Node read it whole
 * with a reader nothing can replace (Node 20 and 22), and TypeScript's 9 MB file then passes through a
 * 16 MiB C++ buffer whose release makes glibc keep more freed memory in every thread's heap for the rest
 * of the process (small-reads.ts). `require` reads through `fs.readFileSync`, which the checker thread
 * replaces while it loads the compiler (typecheck-worker.ts). Bun, Deno and Workers import the package.
 */
import { createRequire } from 'node:module';
import type TypeScript from 'typescript';

const ts: typeof TypeScript = createRequire(import.meta.url)('typescript');
export default ts;
