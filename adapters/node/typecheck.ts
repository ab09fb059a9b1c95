/**
 * The type-checker on Node: TypeScript on a worker thread started by the first check (typecheck-thread.ts),
 * lib files read from the installed package. With lib files of its own, the checker runs on this thread.
 */
import type { Catalog } from '../../src/catalog/catalog.ts';
import type { TypeCheckerOptions } from '../../src/typecheck/index.ts';
import { type LazyTypeChecker, lazyTypeChecker } from '../../src/typecheck/lazy-checker.ts';
import { type ThreadTypeCheckerOptions, threadTypeChecker } from './typecheck-thread.ts';

export type NodeTypeChecker = LazyTypeChecker & { close?(): Promise<void> };

export function createNodeTypeChecker(
  catalog: Catalog,
  options: Partial<TypeCheckerOptions> & ThreadTypeCheckerOptions = {},
): NodeTypeChecker {
  if (options.libFiles) return lazyTypeChecker(catalog, { ...options, libFiles: options.libFiles });
  return threadTypeChecker(catalog, options);
}
