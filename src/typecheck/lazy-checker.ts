/** A type-checker that loads the TypeScript compiler on its first check, so servers that never check do not pay. */
import type { Catalog } from '../catalog/catalog.ts';
import type { Diagnostic, TypeChecker, TypeCheckOptions } from '../execute/types.ts';
import type { TypeCheckerOptions } from './type-checker.ts';

export interface LazyTypeChecker extends TypeChecker {
  check(code: string, options?: TypeCheckOptions): Promise<Diagnostic[]>;
  /** Loads the compiler and parses the lib files now rather than on the first check (~0.5 s); once. */
  warm(): Promise<void>;
}

/** `options.libFiles` comes from the runtime (the lib .d.ts files of the installed `typescript` package). */
export function lazyTypeChecker(catalog: Catalog, options: TypeCheckerOptions): LazyTypeChecker {
  let loading: Promise<TypeChecker | undefined> | undefined;
  let warming: Promise<void> | undefined;
  const checker = () =>
    (loading ??= import('./index.ts').then(
      ({ createTypeChecker }) => createTypeChecker(catalog, options),
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
    warm() {
      warming ??= checker().then(async (loaded) => {
        await loaded?.check('return 0;');
      });
      return warming;
    },
  };
}
