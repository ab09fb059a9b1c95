/** The type-checker on Node: TypeScript loaded on the first check, lib files read from the installed package. */
import type { Catalog } from '../../src/catalog/catalog.ts';
import type { TypeCheckerOptions } from '../../src/typecheck/index.ts';
import { type LazyTypeChecker, lazyTypeChecker } from '../../src/typecheck/lazy-checker.ts';
import { nodeLibFiles } from './typecheck-libs.ts';

export type NodeTypeChecker = LazyTypeChecker;

export function createNodeTypeChecker(
  catalog: Catalog,
  options: Partial<TypeCheckerOptions> = {},
): NodeTypeChecker {
  return lazyTypeChecker(catalog, { libFiles: nodeLibFiles, ...options });
}
