/** The type-checker on Node: TypeScript loaded on the first check, so servers that never check do not pay for it. */
import type { Catalog } from '../../src/catalog/catalog.ts';
import type { Diagnostic, TypeChecker, TypeCheckOptions } from '../../src/execute/types.ts';
import type { TypeCheckerOptions } from '../../src/typecheck/index.ts';
import { nodeLibFiles } from './typecheck-libs.ts';

export interface NodeTypeChecker extends TypeChecker {
  check(code: string, options?: TypeCheckOptions): Promise<Diagnostic[]>;
  /** Loads the compiler and parses the lib files now rather than on the first check (~0.5 s). */
  warm(): Promise<void>;
}

export function createNodeTypeChecker(
  catalog: Catalog,
  options: Partial<TypeCheckerOptions> = {},
): NodeTypeChecker {
  let loading: Promise<TypeChecker | undefined> | undefined;
  const checker = () =>
    (loading ??= import('../../src/typecheck/index.ts').then(
      ({ createTypeChecker }) => createTypeChecker(catalog, { libFiles: nodeLibFiles, ...options }),
      (error: unknown) => {
        // `typescript` is a dev dependency: an install without it still runs snippets, unchecked.
        console.error(`duet: type-checking is off, the TypeScript compiler did not load (${String(error)})`);
        return undefined;
      },
    ));
  return {
    async check(code, checkOptions) {
      return (await (await checker())?.check(code, checkOptions)) ?? [];
    },
    async warm() {
      await (await checker())?.check('return 0;');
    },
  };
}
