/** The type-checker on Deno: lib files of the `typescript` package next to duet, read synchronously. */
import type { Catalog } from '../../src/catalog/catalog.ts';
import { type LazyTypeChecker, lazyTypeChecker } from '../../src/typecheck/lazy-checker.ts';

declare const Deno: { readTextFileSync(path: URL): string };

const libDir = new URL('../../node_modules/typescript/lib/', import.meta.url);

function libFiles(fileName: string): string | undefined {
  if (!/^lib\.[\w.]+\.d\.ts$/.test(fileName)) return undefined;
  try {
    return Deno.readTextFileSync(new URL(fileName, libDir));
  } catch {
    return undefined;
  }
}

export function createDenoTypeChecker(catalog: Catalog): LazyTypeChecker {
  return lazyTypeChecker(catalog, { libFiles });
}
