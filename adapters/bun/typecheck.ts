/** The type-checker on Bun: lib files of the `typescript` package next to duet, read synchronously. */
import { readFileSync } from 'node:fs';
import type { Catalog } from '../../src/catalog/catalog.ts';
import { type LazyTypeChecker, lazyTypeChecker } from '../../src/typecheck/lazy-checker.ts';

const libDir = new URL('../../node_modules/typescript/lib/', import.meta.url);

function libFiles(fileName: string): string | undefined {
  if (!/^lib\.[\w.]+\.d\.ts$/.test(fileName)) return undefined;
  try {
    return readFileSync(new URL(fileName, libDir), 'utf8');
  } catch {
    return undefined;
  }
}

export function createBunTypeChecker(catalog: Catalog): LazyTypeChecker {
  return lazyTypeChecker(catalog, { libFiles });
}
