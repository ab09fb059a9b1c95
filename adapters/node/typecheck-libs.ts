/** TypeScript's lib .d.ts files read from the installed `typescript` package, for the type-checker. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let libDir: string | undefined;

/** One loader for the process, so every checker shares the parsed lib files. */
export const nodeLibFiles = (fileName: string): string | undefined => {
  if (!/^lib\.[\w.]+\.d\.ts$/.test(fileName)) return undefined;
  libDir ??= dirname(createRequire(import.meta.url).resolve('typescript'));
  try {
    return readFileSync(join(libDir, fileName), 'utf8');
  } catch {
    return undefined;
  }
};
